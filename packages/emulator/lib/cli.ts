#!/usr/bin/env node
/**
 * The `kusto-emulator` command (also `kusto-functions emulator` in kusto-functions-host): runs the emulator alone, as a
 * server for any Kusto client, as Azurite does for Azure Storage. See USAGE for the options.
 *
 * Start-up problems (a port in use, an unreadable --init file, a failing init block) print one line and exit with 1;
 * SIGINT / SIGTERM stop it cleanly: requests under way finish, queued ingestions are ingested, data is written. A
 * second signal, a second or more after the first, exits at once.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkEntityName } from './catalog';
import { type KustoEmulator, startEmulator } from './index';
import { normalizeOrigin } from './requestOrigin';
import type { RequestInfo } from './server';

/** Default port of the standalone emulator. */
const DEFAULT_PORT = 8080;
/** Default data folder, in the working directory (the local Functions host uses the same name in the app folder). */
const DEFAULT_DATA_DIR = '.kusto-emulator';
// A signal repeated within this time is the same request to stop (npm forwards Ctrl+C a second time).
const REPEAT_SIGNAL_MS = 1000;

function usage(program: string): string {
  return `Usage: ${program} [options]

Runs a local Kusto (Azure Data Explorer) emulator for any Kusto client (azure-kusto-data, azure-kusto-ingest,
Kusto.Data, …): connect with the connection string it prints; no credentials.

Options:
  -p, --port <number>     port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <address>        interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --data-dir <dir>        where databases are kept (default: ${DEFAULT_DATA_DIR} in the working directory)
  --in-memory             keep nothing on disk: every database is lost when the emulator stops
  --database <name>       a database to create at start unless it exists (repeatable); it is kept in the data
                          directory, unless --in-memory
  --init [<db>=]<file>    a .kql script run once, when the database is created: blocks separated by blank lines,
                          each a command or a query (repeatable, run in order). It runs in <db> when given (one of
                          the --database names), else in the first --database
  --cors-origin <origin>  a web page origin (http://localhost:3000, or *) allowed to call the emulator from a browser
                          (repeatable, or comma-separated); pages of other origins are refused
  --identity-issuer <url> check bearer tokens and database roles: tokens must be issued by <url> (the local
                          managed identity endpoint), signed with --identity-public-key, for this cluster; a
                          request without a token is the local developer, with every role
  --identity-public-key <file.pem>
                          the issuer's RSA public key (PEM); goes with --identity-issuer
  --verbose               print one line per request (time, method, path, status, duration, client request id)
  -v, --version           print the version
  -h, --help              show this help`;
}

/** Thrown for command-line mistakes; the message says what is wrong. */
class UsageError extends Error {}

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'in-memory': { type: 'boolean' },
  database: { type: 'string', multiple: true },
  init: { type: 'string', multiple: true },
  'cors-origin': { type: 'string', multiple: true },
  'identity-issuer': { type: 'string' },
  'identity-public-key': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** One --init script and the database it runs in. */
interface InitScript {
  database: string;
  file: string;
}

/** What the command line asks for. */
interface RunCommand {
  port: number;
  host: string;
  /** Absolute path, or undefined with --in-memory. */
  dataDir?: string;
  databases: string[];
  inits: InitScript[];
  allowedOrigins: string[];
  /** --identity-issuer and the path of --identity-public-key. */
  identity?: { issuer: string; publicKeyFile: string };
  verbose: boolean;
}

// parseArgs' own messages suggest `--` and other things that do not apply here: say it in the command's words.
function usageErrorOf(error: NodeJS.ErrnoException): UsageError {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`Unknown option '${option}'.`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        error.message.includes('does not take an argument')
          ? `${option.replace(/=.*$/, '')} takes no value.`
          : `${option.replace(/ .*$/, '')} needs a value.`,
      );
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const argument = /'([^']*)'/.exec(error.message)?.[1] ?? '';
      return new UsageError(`Unexpected argument '${argument}': every setting is an option (see --help).`);
    }
    default:
      return new UsageError(error.message);
  }
}

function parseCommand(argv: readonly string[], cwd: string): RunCommand | 'help' | 'version' {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw usageErrorOf(error as NodeJS.ErrnoException);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      throw new UsageError(`--port must be a number from 0 to 65535; got '${values.port}'.`);
    }
  }
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host needs an address, for example 127.0.0.1.');
  if (values['in-memory'] && values['data-dir'] !== undefined) {
    throw new UsageError('--in-memory and --data-dir exclude each other: choose one.');
  }
  const dataDir = values['in-memory'] ? undefined : path.resolve(cwd, values['data-dir'] ?? DEFAULT_DATA_DIR);
  const databases: string[] = [];
  for (const name of values.database ?? []) {
    try {
      checkEntityName('Database', name);
    } catch (error) {
      throw new UsageError(`--database: ${(error as Error).message}`);
    }
    if (!databases.some((d) => d.toLowerCase() === name.toLowerCase())) databases.push(name);
  }
  const inits = (values.init ?? []).map((spec) => initScriptOf(spec, databases, cwd));
  const allowedOrigins: string[] = [];
  for (const given of values['cors-origin'] ?? []) {
    for (const origin of given.split(',')) {
      try {
        allowedOrigins.push(normalizeOrigin(origin));
      } catch (error) {
        throw new UsageError(`--cors-origin: ${(error as Error).message}`);
      }
    }
  }
  const issuer = values['identity-issuer'];
  const keyFile = values['identity-public-key'];
  if ((issuer === undefined) !== (keyFile === undefined)) {
    throw new UsageError('--identity-issuer and --identity-public-key go together: give both or neither.');
  }
  const identity =
    issuer !== undefined && keyFile !== undefined ? { issuer, publicKeyFile: path.resolve(cwd, keyFile) } : undefined;
  return { port, host, dataDir, databases, inits, allowedOrigins, identity, verbose: values.verbose === true };
}

/** `--init db=file` runs in db (one of the --database names), `--init file` in the first --database. */
function initScriptOf(spec: string, databases: readonly string[], cwd: string): InitScript {
  const equals = spec.indexOf('=');
  if (equals > 0) {
    const name = spec.slice(0, equals);
    const database = databases.find((d) => d.toLowerCase() === name.toLowerCase());
    if (database) return { database, file: path.resolve(cwd, spec.slice(equals + 1)) };
    // A file name may hold '=': only when no such file exists is the prefix a database that was not given.
    if (!fs.existsSync(path.resolve(cwd, spec))) {
      throw new UsageError(
        `--init ${spec}: '${name}' is not one of the --database names (${databases.join(', ') || 'none given'}).`,
      );
    }
  }
  if (databases.length === 0) {
    throw new UsageError(`--init ${spec}: give the database to run it in with --database <name>.`);
  }
  return { database: databases[0], file: path.resolve(cwd, spec) };
}

/** The emulator package's version, from its package.json. */
function emulatorVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** A request log line; the path only, since query strings can hold query text or a storage signature. */
function requestLine(info: RequestInfo): string {
  const pathOnly = info.url.split('?', 1)[0];
  const took = `${Math.round(info.durationMs)} ms`;
  // Storage clients send no client request id: no trailing blank then.
  const parts = [new Date().toISOString(), info.method, pathOnly, info.status, took, info.clientRequestId];
  return parts.filter((part) => part !== '').join(' ');
}

/** Options of {@link runEmulatorCli}. */
export interface EmulatorCliOptions {
  /** The command's name in its usage and messages: `kusto-emulator` unless told (`kusto-functions emulator`). */
  programName?: string;
  /** Where normal output goes; process.stdout unless told. */
  stdout?: NodeJS.WritableStream;
  /** Where errors and warnings go; process.stderr unless told. */
  stderr?: NodeJS.WritableStream;
  /** The directory relative paths (and the default data directory) are resolved against; the process's own. */
  cwd?: string;
}

/**
 * Runs the `kusto-emulator` command with `argv` (the arguments after the command): starts an emulator, prints the
 * connection strings, serves until SIGINT or SIGTERM, then stops it cleanly. Resolves with the exit code: 0 once
 * stopped, 1 when it could not start (the reason printed on one line).
 */
export async function runEmulatorCli(argv: readonly string[], cli: EmulatorCliOptions = {}): Promise<number> {
  const program = cli.programName ?? 'kusto-emulator';
  const out = cli.stdout ?? process.stdout;
  const err = cli.stderr ?? process.stderr;
  let command: ReturnType<typeof parseCommand>;
  try {
    command = parseCommand(argv, cli.cwd ?? process.cwd());
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${usage(program)}\n`);
    return 1;
  }
  if (command === 'help') {
    out.write(`${usage(program)}\n`);
    return 0;
  }
  if (command === 'version') {
    out.write(`${emulatorVersion()}\n`);
    return 0;
  }
  const scripts = new Map<InitScript, string>();
  let publicKey: string | undefined;
  try {
    if (command.identity) publicKey = fs.readFileSync(command.identity.publicKeyFile, 'utf8');
    for (const init of command.inits) scripts.set(init, fs.readFileSync(init.file, 'utf8'));
    if (command.dataDir) fs.mkdirSync(command.dataDir, { recursive: true });
  } catch (error) {
    err.write(`${program}: ${(error as Error).message}\n`);
    return 1;
  }

  // Signals are handled from before the start: one that lands while it starts stops it as soon as it has started.
  let emulator: KustoEmulator | undefined;
  let firstSignalAt: number | undefined;
  let stopped!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (stopped = resolve));
  const close = (): void => {
    emulator!.close().then(
      () => {
        out.write('Kusto emulator stopped.\n');
        stopped(0);
      },
      (error: unknown) => {
        err.write(`Kusto emulator: stopping failed: ${(error as Error)?.message ?? String(error)}\n`);
        stopped(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < REPEAT_SIGNAL_MS) return;
      err.write(`${signal} again: exiting without waiting.\n`);
      process.exit(130);
    }
    firstSignalAt = Date.now();
    if (emulator) close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void closed.finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });

  try {
    emulator = await startEmulator({
      port: command.port,
      host: command.host,
      dataDir: command.dataDir,
      allowedOrigins: command.allowedOrigins,
      identity:
        command.identity && publicKey !== undefined ? { issuer: command.identity.issuer, publicKey } : undefined,
      onRequest: command.verbose ? (info) => out.write(`${requestLine(info)}\n`) : undefined,
    });
  } catch (error) {
    stopped(1);
    err.write(`${(error as Error).message}\n`);
    return 1;
  }
  let report: string[];
  try {
    report = await createDatabases(emulator, command, scripts);
  } catch (error) {
    err.write(`${(error as Error).message}\n`);
    await emulator.close().catch(() => undefined);
    stopped(1);
    return 1;
  }
  out.write(`${banner(emulator, command, report)}\n`);
  if (firstSignalAt !== undefined) close();
  return closed;
}

/**
 * The file in the data directory that says a database's init scripts have not finished: written (and fsynced) before
 * the database is created, removed once its scripts ran and are on disk. Each block is durable as it runs, so a start
 * killed half-way leaves a half-made database; this file makes the next start create it again.
 */
function initMarker(dataDir: string, database: string): string {
  // Hashed: a database name can be as long as a file name can not.
  const hash = createHash('sha256').update(database.toLowerCase()).digest('hex').slice(0, 32);
  return path.join(dataDir, `kusto-emulator-init-${hash}.pending`);
}

function writeDurably(file: string, text: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // The new name itself is durable once its directory is synced (not possible on every platform).
    const dir = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // Windows cannot open a directory: its file system journals the name.
  }
}

/**
 * Creates the databases that do not exist yet and runs their init scripts; a database whose script fails is dropped
 * again (so that the next start runs it again) and the error names the file and the block's line. A database whose
 * scripts a previous start did not finish (it was killed) is dropped and made again.
 */
async function createDatabases(
  emulator: KustoEmulator,
  command: RunCommand,
  scripts: Map<InitScript, string>,
): Promise<string[]> {
  const report: string[] = [];
  for (const name of command.databases) {
    const inits = command.inits.filter((i) => i.database === name);
    const marker = command.dataDir ? initMarker(command.dataDir, name) : undefined;
    const interrupted = marker !== undefined && fs.existsSync(marker);
    let again = false;
    if (emulator.catalog.get(name)) {
      if (!interrupted) {
        report.push(`Database ${name}: found in the data directory (init scripts not run).`);
        continue;
      }
      emulator.catalog.dropDatabase(name);
      await emulator.flush();
      again = true;
    }
    if (marker && inits.length > 0) writeDurably(marker, `${name}\n`);
    emulator.catalog.createDatabase(name, command.dataDir !== undefined);
    const ran: string[] = [];
    for (const init of inits) {
      try {
        await emulator.runScript(name, scripts.get(init)!);
      } catch (error) {
        emulator.catalog.dropDatabase(name);
        await emulator.flush();
        if (marker) fs.rmSync(marker, { force: true });
        throw new Error(`--init ${init.file} (database ${name}): ${(error as Error).message}`, { cause: error });
      }
      ran.push(path.basename(init.file));
    }
    // What the start created is on disk before its scripts count as done and the connection strings are printed.
    await emulator.flush();
    if (marker) fs.rmSync(marker, { force: true });
    const how = again ? 'created again (a previous start stopped before its init scripts finished)' : 'created';
    report.push(`Database ${name}: ${how}${ran.length > 0 ? `, ran ${ran.join(', ')}` : ''}.`);
  }
  return report;
}

function banner(emulator: KustoEmulator, command: RunCommand, report: string[]): string {
  const lines = [`Kusto emulator ${emulatorVersion()} listening on ${emulator.url}`];
  lines.push(
    command.dataDir
      ? `Data directory: ${command.dataDir}`
      : 'In memory (--in-memory): nothing is kept when the emulator stops.',
  );
  if (command.host === '0.0.0.0' || command.host === '::') {
    lines.push(
      'Listening on every interface: anyone who can reach this machine can use the emulator (no authentication).',
    );
  }
  lines.push(...report);
  if (command.databases.length === 0) lines.push(`Connection string: ${emulator.connectionString()}`);
  for (const name of command.databases) lines.push(`Connection string: ${emulator.connectionString(name)}`);
  if (command.allowedOrigins.length > 0) lines.push(`Pages allowed from: ${command.allowedOrigins.join(', ')}`);
  if (command.identity)
    lines.push(`Identities checked: tokens of ${command.identity.issuer}; no token = local developer`);
  lines.push(`Query page: ${emulator.url}/`);
  lines.push('Press Ctrl+C to stop.');
  return lines.join('\n');
}

if (require.main === module) {
  runEmulatorCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Nothing should keep a stopped emulator alive; if something does, it must not hang the terminal.
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
