#!/usr/bin/env node
// Types that compile where users are. Packs every package of this repository, installs the tarballs into a consumer
// app outside it (a plain `npm install ./x.tgz`: no `paths`, no symlinks), and type-checks a decorated handler class
// plus every import the READMEs show, with strict and skipLibCheck false, under TypeScript 5.0, 5.9 and 7 and each
// module setting users have. Also checks that no shipped .d.ts imports another package's internals, and that
// standard (TC39) decorators, compiled anyway and run, end in the SDK's one message naming the two tsconfig options.
// Prints a table of version × setting → error count and exits 1 on any error. Run after `npm run build`; `--keep`
// leaves the temporary folder for a look.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const started = Date.now();
const elapsed = () => `(${((Date.now() - started) / 1000).toFixed(0)} s)`;
const log = (line) => console.log(`${line} ${elapsed()}`);

// The whole run stays well under CI's patience even when the registry is slow: each step has its own bound, and this
// one ends everything (children included) if the steps together run long.
const WATCHDOG_MS = 280_000;

const versions = [
  { id: 'TS 5.0', alias: 'ts50', range: '5.0' },
  { id: 'TS 5.9', alias: 'ts59', range: '5.9' },
  { id: 'TS 7', alias: 'ts7', range: '7' },
];

// Each setting as a user's tsconfig.json has it. `commonjs` leaves moduleResolution to each version's default:
// node10 in 5.x; 7 removed node10.
const settings = [
  { id: 'commonjs', options: { module: 'commonjs' } },
  { id: 'node16', options: { module: 'node16', moduleResolution: 'node16' } },
  { id: 'nodenext', options: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { id: 'bundler', options: { module: 'esnext', moduleResolution: 'bundler' } },
  { id: 'esm package', options: { module: 'nodenext', moduleResolution: 'nodenext' }, esm: true },
];

// lib without DOM, as Node apps have it: a declaration that leans on DOM globals fails here.
const common = {
  target: 'ES2022',
  lib: ['ES2022'],
  strict: true,
  skipLibCheck: false,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  types: ['node'],
  noEmit: true,
};

const peers = ['@azure/functions@^4.2.0', 'class-transformer@^0.5.1', 'reflect-metadata@^0.2.0', '@types/node@^20.19'];

const TC39_MESSAGE = /"experimentalDecorators": true and "emitDecoratorMetadata": true/;

// ---------------------------------------------------------------------------------------------------------------
// Processes

const children = new Set();

/** Runs a command without a shell; resolves with its exit code and output, killing it after `timeoutMs`. */
function run(command, args, { cwd, timeoutMs }) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32' && command === 'npm',
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      stderr += String(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolveRun({ code: timedOut ? -1 : code, stdout, stderr, timedOut });
    });
  });
}

// npm run sets workspace options in the environment; here they would point npm at the wrong project.
function childEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(workspaces?|include_workspace_root)$/i.test(key)) delete env[key];
  }
  return env;
}

async function mustRun(what, command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs / 1000} s` : `exited with ${result.code}`;
    throw new Error(`${what} ${why}:\n${tail(result.stderr || result.stdout, 40)}`);
  }
  return result;
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs `tasks` (functions returning promises) with at most `limit` at a time, in order of the results. */
async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// The packages and the README

function packageJson(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

function packageDirs() {
  return [repo, ...packageJson(repo).workspaces.map((w) => join(repo, w))];
}

// The tarballs hold what the build left in dist: without a build they would hold nothing to check.
function checkBuilt() {
  for (const dir of packageDirs()) {
    const pkg = packageJson(dir);
    const types = [
      pkg.types,
      ...Object.values(pkg.exports ?? {}).map((e) => (typeof e === 'object' ? e.types : undefined)),
    ];
    for (const file of types.filter(Boolean)) {
      if (!existsSync(join(dir, file))) {
        throw new Error(`${pkg.name}: ${file} is missing. Run \`npm run build\` first.`);
      }
    }
  }
}

/** Every `import … from 'kusto-…'` of README.md and packages/*\/README.md, by file. */
function readmeImports() {
  const files = [
    join(repo, 'README.md'),
    ...packageDirs()
      .slice(1)
      .map((d) => join(d, 'README.md')),
  ];
  const found = [];
  const statement = /^[ \t]*import\s+(type\s+)?(\{[^}]*\}|\*\s+as\s+[\w$]+|[\w$]+)\s+from\s+['"](kusto-[^'"]+)['"]/gm;
  for (const file of files.filter((f) => existsSync(f))) {
    for (const match of readFileSync(file, 'utf8').matchAll(statement)) {
      found.push({ file: relative(repo, file), typeOnly: Boolean(match[1]), clause: match[2], specifier: match[3] });
    }
  }
  return found;
}

// The README's imports, verbatim in meaning: each name imported under a unique alias and re-exported, so a name the
// package does not export, or a module it does not have, is an error in every cell.
function readmeSource(imports) {
  const lines = [
    '// Generated by .ci/consumer-types.mjs from the imports README.md shows.',
    'export const readmeImports = true;',
  ];
  const aliases = [];
  for (const [i, imp] of imports.entries()) {
    const typeWord = imp.typeOnly ? 'type ' : '';
    lines.push(`// ${imp.file}: from '${imp.specifier}'`);
    if (imp.clause.startsWith('{')) {
      const names = imp.clause
        .slice(1, -1)
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      for (const [j, entry] of names.entries()) {
        const name = entry
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0]
          .trim();
        const alias = `readme${i}_${j}_${name}`;
        const entryType = /^type\s/.test(entry) ? 'type ' : '';
        lines.push(`import ${typeWord}{ ${entryType}${name} as ${alias} } from '${imp.specifier}';`);
        aliases.push(alias);
      }
    } else if (imp.clause.startsWith('*')) {
      lines.push(`import ${typeWord}* as readme${i} from '${imp.specifier}';`);
      aliases.push(`readme${i}`);
    } else {
      lines.push(`import ${typeWord}readme${i} from '${imp.specifier}';`);
      aliases.push(`readme${i}`);
    }
  }
  if (aliases.length > 0) lines.push(`export { ${aliases.join(', ')} };`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// The consumer's sources

// A handler class with each kind of decorator the README shows, typed as a user types it.
const handlersSource = `import 'reflect-metadata';
import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { Expose, Type } from 'class-transformer';
import {
  Body,
  Context,
  Header,
  HttpTrigger,
  KustoConfigurationError,
  KustoInput,
  KustoOutput,
  Param,
  Query,
  Req,
  TimerTrigger,
  Trigger,
  registerFunctions,
  type KustoInputOptions,
  type KustoOutputOptions,
  type Output,
} from 'kusto-functions';

export class Product {
  @Expose() ProductID!: number;
  @Expose() Name!: string;
  @Expose() Cost!: number;
}

export class ProductChangeLog {
  ProductID!: number;
  @Type(() => Date) CreatedAt!: Date;
}

const products: KustoOutputOptions = { database: 'productsdb', tableName: 'Products', connection: 'KustoConnectionString' };

const byId: KustoInputOptions = {
  database: 'productsdb',
  connection: 'KustoConnectionString',
  kqlCommand: 'declare query_parameters (productId:long);Products | where ProductID == productId',
  kqlParameters: '@productId={productId}',
};

export class ProductFunctions {
  @HttpTrigger({ route: 'getproducts/{productId}', methods: ['GET'] })
  async getProducts(@KustoInput(byId, Product) rows: Product[]): Promise<HttpResponseInit> {
    return { jsonBody: rows };
  }

  @HttpTrigger({ route: 'getproductsraw/{productId}', methods: ['GET'] })
  async getProductsRaw(@KustoInput(byId) json: string, @Param('productId') productId: number): Promise<string> {
    return \`\${productId}: \${json}\`;
  }

  @HttpTrigger({ route: 'addproductreturn', methods: ['POST'] })
  @KustoOutput(products)
  async addProduct(@Body(Product) product: Product): Promise<Product> {
    return product;
  }

  @HttpTrigger({ route: 'addmultitable', methods: ['POST'] })
  async addMultiTable(
    @Body(Product) product: Product,
    @KustoOutput(products, Product) out: Output<Product>,
    @KustoOutput({ database: 'productsdb', tableName: 'ProductsChangeLog', connection: 'KustoConnectionString' })
    log: Output<ProductChangeLog>,
    @Req() request: HttpRequest,
    @Query('tag') tag: string,
    @Header('x-request-id') requestId: string,
    @Context() context: InvocationContext,
  ): Promise<void> {
    out.set(product);
    out.add([product]);
    const changed: ProductChangeLog = { ProductID: product.ProductID, CreatedAt: new Date() };
    log.set(changed);
    const current: Product | undefined = out.get();
    context.log(request.url, tag, requestId, current?.Name);
  }

  @TimerTrigger('0 */5 * * * *')
  async everyFiveMinutes(@Trigger() timer: Timer, @Context() context: InvocationContext): Promise<void> {
    context.log(timer.isPastDue);
  }
}

export function register(): ReturnType<typeof registerFunctions> {
  try {
    return registerFunctions(ProductFunctions);
  } catch (error) {
    if (error instanceof KustoConfigurationError) return [];
    throw error;
  }
}
`;

// Every package the README points users at, each name used with its type.
const importsSource = `import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { HttpTrigger, registerFunctions, type RegisterOptions } from 'kusto-functions';
import { KustoBindingError, type KustoInputOptions } from 'kusto-functions-bindings';
import { createKustoEngine, type KustoEngine, type KustoEngineOptions } from 'kusto-functions-engine';
import { startHost, type HostOptions, type RunningHost } from 'kusto-functions-host';
import { FunctionsHarness } from 'kusto-functions-host/testing';

export class Ping {
  @HttpTrigger({ route: 'ping', methods: ['GET'] })
  async ping(): Promise<string> {
    return 'pong';
  }
}

export function inProcess(engine: KustoEngine): ReturnType<typeof registerFunctions> {
  const options: RegisterOptions = { bindings: 'in-process', engine };
  return registerFunctions(options, Ping);
}

export async function walkThrough(setupScript: string): Promise<{ status: number; body: unknown; url: string }> {
  const emulator: KustoEmulator = await startEmulator({ databases: ['productsdb'] });
  await emulator.runScript('productsdb', setupScript);
  const engineOptions: KustoEngineOptions = { env: { KustoConnectionString: emulator.connectionString('productsdb') } };
  const engine: KustoEngine = createKustoEngine(engineOptions);
  const input: KustoInputOptions = { database: 'productsdb', connection: 'KustoConnectionString', kqlCommand: 'Products' };
  const rows: Record<string, unknown>[] = await engine.runInput(
    { ...input, type: 'kusto', name: 'products' },
    { functionName: 'getProducts' },
  );
  const harness: FunctionsHarness = FunctionsHarness.install();
  const res = await harness.withEngine(engine).invokeHttp('getProducts', { params: { productId: '1' } });
  const status: number = res.status;
  const body: unknown = res.json();
  const hostOptions: HostOptions = { appDir: '.', port: 0 };
  const host: RunningHost = await startHost(hostOptions);
  const url: string = host.url;
  await host.close();
  await engine.close();
  await emulator.close();
  if (rows.length === 0) throw new KustoBindingError('no rows');
  return { status, body, url };
}
`;

// Standard decorators: TypeScript 5 without experimentalDecorators emits method decorators this way (parameter
// decorators it refuses: tc39ParamSource). Run, the class must fail with the SDK's message.
const tc39Source = `import { HttpTrigger, KustoOutput, registerFunctions } from 'kusto-functions';

export class PingFunctions {
  @HttpTrigger({ route: 'ping', methods: ['POST'] })
  @KustoOutput({ database: 'productsdb', tableName: 'Pings', connection: 'KustoConnectionString' })
  async ping(): Promise<{ At: string }> {
    return { At: new Date().toISOString() };
  }
}

registerFunctions(PingFunctions);
`;

const tc39ParamSource = `import { Body, HttpTrigger } from 'kusto-functions';

export class EchoFunctions {
  @HttpTrigger({ route: 'echo', methods: ['POST'] })
  async echo(@Body() body: unknown): Promise<unknown> {
    return body;
  }
}
`;

// ---------------------------------------------------------------------------------------------------------------
// The cells

function errorsOf(output) {
  return output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => /\berror TS\d+:/.test(l));
}

function tscPath(app, version) {
  return join(app, 'node_modules', version.alias, 'bin', 'tsc');
}

async function tsc(app, version, project, timeoutMs = 120_000) {
  const result = await run(process.execPath, [tscPath(app, version), '-p', project, '--pretty', 'false'], {
    cwd: app,
    timeoutMs,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const errors = errorsOf(output);
  // A crash or a bad option prints no `error TS` line of a file: count it, with what it said.
  if (result.code !== 0 && errors.length === 0) {
    errors.push(
      result.timedOut ? `tsc timed out after ${timeoutMs / 1000} s` : `tsc exited ${result.code}: ${tail(output, 5)}`,
    );
  }
  return errors;
}

function writeJson(file, value) {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function writeSources(dir, readme) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'handlers.ts'), handlersSource);
  writeFileSync(join(dir, 'imports.ts'), importsSource);
  writeFileSync(join(dir, 'readme.ts'), readme);
}

async function typeCell(app, version, setting) {
  const project = join(app, `tsconfig.${setting.id.replace(/\W+/g, '-')}.json`);
  const errors = await tsc(app, version, project);
  return { version: version.id, setting: setting.id, errors };
}

// Compiled without experimentalDecorators by TS 5.9 and run anyway: TypeScript reports the method decorators'
// signatures (legacy decorators' types) but emits, and the class must then fail with the SDK's one message naming both
// options. A parameter decorator there must get TS1206, which the README shows. Expected diagnostics are notes; the
// cell's errors are expectations not met.
async function tc39Cell(app) {
  const version = versions.find((v) => v.alias === 'ts59');
  const errors = [];
  const notes = [];
  const compile = await tsc(app, version, join(app, 'tsconfig.tc39.json'));
  notes.push(...compile.map((l) => `method decorators: ${l}`));
  errors.push(...compile.filter((l) => !/\bdecorator\b/i.test(l)));
  const main = join(app, 'tc39', 'out', 'main.js');
  if (!existsSync(main)) {
    errors.push('tc39: tsc emitted nothing to run');
  } else {
    const result = await run(process.execPath, [main], { cwd: app, timeoutMs: 30_000 });
    const output = `${result.stdout}${result.stderr}`;
    const messages = output.split('\n').filter((l) => TC39_MESSAGE.test(l));
    if (result.code === 0) errors.push('tc39: the class loaded without an error');
    if (messages.length !== 1) {
      errors.push(
        `tc39: expected the experimentalDecorators message once, got ${messages.length}:\n${tail(output, 8)}`,
      );
    }
    if (/\[object Object\]/.test(output)) errors.push(`tc39: the output names '[object Object]':\n${tail(output, 8)}`);
    notes.push(`run: ${messages[0] ?? tail(output, 3)}`);
  }
  const param = await tsc(app, version, join(app, 'tsconfig.tc39-param.json'));
  notes.push(...param.map((l) => `parameter decorator: ${l}`));
  if (!param.some((l) => /error TS1206:/.test(l))) {
    errors.push('tc39: TypeScript no longer reports TS1206 on a parameter decorator (the README shows it)');
  }
  return { version: version.id, setting: 'tc39 run', errors, notes };
}

// ---------------------------------------------------------------------------------------------------------------
// No shipped .d.ts imports another package's internals: every module a declaration file of ours names is a relative
// file inside its own package, a node built-in, or a package's entry point that the package's `exports` declares.

function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : declarationFiles(full);
    return /\.d\.[cm]?ts$/.test(entry.name) ? [full] : [];
  });
}

function specifiersOf(text) {
  const references = [...text.matchAll(/^\/\/\/\s*<reference\s+(?:types|path)\s*=\s*["']([^"']+)["']/gm)].map(
    (m) => m[1],
  );
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const statements =
    /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]/gm;
  return [...references, ...[...code.matchAll(statements)].map((m) => m.slice(1).find((x) => x !== undefined))];
}

// The package.json a bare specifier resolves to from `file`, looked up as Node does (nearest node_modules first).
function dependencyManifest(file, name) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8'));
    if (dirname(dir) === dir) return undefined;
  }
}

function exportsSubpath(manifest, subpath) {
  const exports = manifest?.exports;
  if (!exports || typeof exports !== 'object' || Array.isArray(exports)) return false;
  return Object.keys(exports).some((key) => {
    if (key === subpath) return true;
    const star = key.indexOf('*');
    return star >= 0 && subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1));
  });
}

function internalsImported(app, names) {
  const offences = [];
  let count = 0;
  for (const name of names) {
    const root = join(app, 'node_modules', name);
    for (const file of declarationFiles(root)) {
      count++;
      const where = relative(join(app, 'node_modules'), file);
      for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!target.startsWith(root + sep)) offences.push(`${where}: '${specifier}' reaches outside ${name}`);
          continue;
        }
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const parts = specifier.split('/');
        const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
        const subpath = specifier.slice(pkg.length);
        if (subpath === '' || exportsSubpath(dependencyManifest(file, pkg), `.${subpath}`)) continue;
        offences.push(`${where}: '${specifier}' is not an entry point ${pkg} exports`);
      }
    }
  }
  return { offences, count };
}

// ---------------------------------------------------------------------------------------------------------------

async function prepare(work) {
  checkBuilt();
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  // Scripts off: the build ran before, and prepack would rebuild every package for each tarball.
  const packed = await mustRun(
    'npm pack',
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs, '--workspaces', '--include-workspace-root'],
    { cwd: repo, timeoutMs: 120_000 },
  );
  const packages = JSON.parse(packed.stdout);
  const files = packages.map((p) => join(tarballs, p.filename));
  log(`packed ${packages.map((p) => p.filename).join(', ')}`);

  const app = join(work, 'app');
  mkdirSync(app);
  writeJson(join(app, 'package.json'), { name: 'kusto-functions-consumer', version: '1.0.0', private: true });
  const install = [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--ignore-scripts',
    // Not even .bin links: every package is a copy from its tarball or the registry.
    '--no-bin-links',
    ...files,
    ...peers,
    ...versions.map((v) => `${v.alias}@npm:typescript@${v.range}`),
  ];
  await mustRun('npm install', 'npm', install, { cwd: app, timeoutMs: 180_000 });
  log(`installed them, the peers and ${versions.map((v) => `${v.alias}@npm:typescript@${v.range}`).join(', ')}`);

  const readme = readmeImports();
  const readmeTs = readmeSource(readme);
  writeSources(join(app, 'src'), readmeTs);
  writeSources(join(app, 'esm', 'src'), readmeTs);
  writeJson(join(app, 'esm', 'package.json'), { type: 'module' });
  for (const setting of settings) {
    writeJson(join(app, `tsconfig.${setting.id.replace(/\W+/g, '-')}.json`), {
      compilerOptions: { ...common, ...setting.options },
      include: [setting.esm ? 'esm/src' : 'src'],
    });
  }

  mkdirSync(join(app, 'tc39', 'src'), { recursive: true });
  mkdirSync(join(app, 'tc39', 'param'), { recursive: true });
  writeFileSync(join(app, 'tc39', 'src', 'main.ts'), tc39Source);
  writeFileSync(join(app, 'tc39', 'param', 'param.ts'), tc39ParamSource);
  const tc39Options = { ...common, module: 'commonjs', experimentalDecorators: false, emitDecoratorMetadata: false };
  writeJson(join(app, 'tsconfig.tc39.json'), {
    compilerOptions: { ...tc39Options, noEmit: false, rootDir: 'tc39/src', outDir: 'tc39/out' },
    include: ['tc39/src'],
  });
  writeJson(join(app, 'tsconfig.tc39-param.json'), { compilerOptions: tc39Options, include: ['tc39/param'] });
  return { app, files, names: packages.map((p) => p.name), readme };
}

function printTable(cells) {
  const columns = [...settings.map((s) => s.id), 'tc39 run'];
  const rows = versions.map((v) => [
    v.id,
    ...columns.map((c) => {
      const cell = cells.find((x) => x.version === v.id && x.setting === c);
      return cell ? String(cell.errors.length) : '-';
    }),
  ]);
  const header = ['errors', ...columns];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'kusto-consumer-types-'));
  const cleanUp = () => {
    for (const child of children) child.kill('SIGKILL');
    if (keep) {
      console.log(`kept ${work}`);
    } else {
      rmSync(work, { recursive: true, force: true });
      log(`removed ${work}`);
    }
  };
  const watchdog = setTimeout(() => {
    console.error(`consumer-types: over ${WATCHDOG_MS / 1000} s, stopping.`);
    cleanUp();
    process.exit(1);
  }, WATCHDOG_MS);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      cleanUp();
      process.exit(1);
    });
  }
  try {
    const { app, names, readme } = await prepare(work);
    console.log(`README imports: ${[...new Set(readme.map((r) => r.specifier))].join(', ') || '(none found)'}`);
    const tasks = [];
    for (const version of versions) {
      for (const setting of settings) tasks.push(() => typeCell(app, version, setting));
    }
    tasks.push(() => tc39Cell(app));
    const cells = await pool(tasks, Math.max(1, Math.min(2, availableParallelism())));
    log(`compiled ${cells.length} cells`);
    const internals = internalsImported(app, names);

    console.log('');
    printTable(cells);
    console.log(
      `\nShipped .d.ts importing another package's internals: ${internals.offences.length} ` +
        `(${internals.count} declaration files of ${names.join(', ')})`,
    );
    for (const offence of internals.offences) console.log(`  ${offence}`);
    for (const cell of cells.filter((c) => c.notes)) {
      console.log(`\n${cell.version} × ${cell.setting}, expected diagnostics and output:`);
      for (const note of cell.notes) console.log(`  ${note.replaceAll(app + sep, '')}`);
    }
    const failing = cells.filter((c) => c.errors.length > 0);
    for (const cell of failing) {
      console.log(`\n${cell.version} × ${cell.setting}: ${cell.errors.length} error(s); the first:`);
      for (const e of cell.errors.slice(0, 8)) console.log(`  ${e.replaceAll(app + sep, '')}`);
    }
    const ok = failing.length === 0 && internals.offences.length === 0;
    console.log(`\n${ok ? 'Every cell compiles.' : 'Errors above.'} ${elapsed()}`);
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    console.error(`consumer-types: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    cleanUp();
  }
}

await main();
