import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeQuery, startEmulator, type KustoEmulator } from 'kusto-emulator';
import { checkApp, formatProblem } from '../lib';
import { CLI, ROOT } from './support/cliProcess';
import { fixtureScript, tempAppDirs } from './support/hostFixture';

// `kusto-functions check` over an app written with @azure/functions alone (mistakes the SDK would refuse at
// registration, so only such an app reaches the host with them), in a child process as a build runs it. The
// decorator-based fixture app, with a mistake of each other kind, is checked by the SDK's spec/check/check.spec.ts.
const SETUP = '.create-merge table Items (Id:long, Name:string)\n';
// The bindings use two databases (one of them wrong): host.json names the one setup.kql runs in.
const SETTINGS = { Values: { KustoConnectionString: 'Data Source=https://mycluster.kusto.windows.net;Fed=True' } };
const HOST_JSON = { version: '2.0', kustoFunctions: { emulator: { database: 'checkdb' } } };
const fixtureSource = path.join(ROOT, 'packages/host/spec/fixtures/checkApp.ts');

function check(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'check', ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `packages/host/spec/fixtures/checkApp.ts:<line>:<col>` of the registration after the marker comment `code`. */
function marked(code: string): string {
  const lines = fs.readFileSync(fixtureSource, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.trim() === `// ${code}`);
  expect(index, code).to.be.greaterThan(-1);
  const line = lines[index + 1];
  return `packages/host/spec/fixtures/checkApp.ts:${index + 2}:${line.indexOf('app.') + 1}`;
}

describe('kusto-functions check (an app without decorators)', function () {
  this.timeout(60_000);
  const appDir = tempAppDirs();

  it('reports parameters, databases and formats at the registration in the TypeScript source', async () => {
    const dir = appDir({ 'host.json': HOST_JSON, 'setup.kql': SETUP, 'local.settings.example.json': SETTINGS });
    const result = await check([dir, '--script', fixtureScript('checkApp')]);
    const lines = result.stdout.trim().split('\n');
    const expectLine = (code: string, severity: string, text: string) =>
      expect(
        lines.filter((l) => l.startsWith(`${marked(code)} - ${severity} ${code}: `) && l.includes(text)),
        code,
      ).to.have.length(1);
    expectLine('KF0201', 'error', "declares the parameter 'id' (long) but kqlParameters gives no '@id=…'");
    expectLine('KF0202', 'error', "passes '@id', which the query does not declare");
    expect(result.stdout).to.match(
      / - error KF0202: Kusto input 'rows' of unreadableParameters: kqlParameters cannot be read: /,
    );
    expectLine('KF0203', 'error', "'@id=abc', which is not a long");
    expectLine('KF0104', 'error', "the database 'nosuchdb' is not in the schema (setup.kql)");
    expectLine('KF0404', 'error', "dataFormat 'xml' is not one of");
    expectLine('KF0402', 'error', "mappingRef 'items_json' is not an ingestion mapping of Items.");
    expect(result.stdout).not.to.contain('of clean:');
    expect(lines.at(-1)).to.match(/^kusto-functions check: 8 functions against setup\.kql: 7 errors, 0 warnings/);
    expect(result.code).to.equal(1);
  });

  it('reads the schema from a live cluster with --connection, read-only, through the Kusto client', async () => {
    let emulator: KustoEmulator | undefined;
    try {
      emulator = await startEmulator({ databases: ['checkdb'] });
      await emulator.runScript(
        'checkdb',
        `.create table Items (Id:long, Label:string)\n\n.create table Items ingestion csv mapping 'items_csv' '[{"column":"Id","Properties":{"Ordinal":"0"}}]'`,
      );
      const before = emulator.catalog.get('checkdb')!.schemaVersion;
      // No setup.kql: the cluster is the only schema; it has no Name column, which the clean function projects.
      const dir = appDir({ 'host.json': { version: '2.0' } });
      const result = await check([
        dir,
        '--script',
        fixtureScript('checkApp'),
        '--connection',
        emulator.connectionString('checkdb'),
      ]);
      expect(result.stdout).to.contain('against --connection');
      expect(result.stdout).to.contain(`${marked('KF0201').replace(/:\d+:\d+$/, '')}`);
      expect(result.stdout).to.match(
        / - error KF0102: Kusto input 'rows' of clean: kqlCommand KS142: The name 'Name' does not refer/,
      );
      // Mappings are read from the cluster too.
      expect(result.stdout).to.contain(
        "mappingRef 'items_json' is not an ingestion mapping of Items (it has 'items_csv')",
      );
      expect(emulator.catalog.get('checkdb')!.schemaVersion).to.equal(before);
    } finally {
      await emulator?.close();
    }
  });

  it('reports an entry point that throws at the throw, and that Azure would start with no functions', async () => {
    const dir = appDir({ 'host.json': HOST_JSON });
    const result = await check([dir, '--script', fixtureScript('checkThrowingApp')]);
    const source = fs.readFileSync(path.join(ROOT, 'packages/host/spec/fixtures/checkThrowingApp.ts'), 'utf8');
    const line = source.split('\n').findIndex((l) => l.startsWith('if (settings.required')) + 1;
    const at = `packages/host/spec/fixtures/checkThrowingApp.ts:${line}:`;
    expect(result.stdout).to.match(
      new RegExp(
        `^${at.replace(/\./g, '\\.')}\\d+ - error KF0002: The entry point .*checkThrowingApp\\.js failed to load: the app needs its "required" setting$`,
        'm',
      ),
    );
    expect(result.stdout).to.match(new RegExp(`^${at.replace(/\./g, '\\.')}\\d+ - error KF0003: In Azure`, 'm'));
    expect(result.code).to.equal(1);
  });

  it('names what is wrong when the schema file is not a schema', async () => {
    const dir = appDir({ 'host.json': { version: '2.0' }, 'schema.json': { Tables: [] } });
    const result = await check([dir, '--script', fixtureScript('checkApp'), '--schema', path.join(dir, 'schema.json')]);
    expect(result.stdout).to.contain('error KF0105: --schema');
    expect(result.stdout).to.contain('it has no "Databases" object');
    expect(result.code).to.equal(1);
  });

  it('has a programmatic API giving the same problems', async () => {
    const dir = appDir({ 'host.json': HOST_JSON, 'setup.kql': SETUP, 'local.settings.example.json': SETTINGS });
    const cli = await check([dir, '--script', fixtureScript('checkApp')]);
    const result = await checkApp({ appDir: dir, script: fixtureScript('checkApp'), cwd: ROOT });
    expect(result.functions).to.equal(8);
    // The check leaves nothing loaded: a second one in the same process sees the app again.
    expect((await checkApp({ appDir: dir, script: fixtureScript('checkApp'), cwd: ROOT })).functions).to.equal(8);
    expect(result.schemaSource).to.equal('setup.kql');
    const lines = result.problems.map((p) => formatProblem(p, ROOT));
    expect(cli.stdout.trim().split('\n').slice(0, -1)).to.deep.equal(lines);
  });
});

describe("kusto-emulator's analyzeQuery", () => {
  const schema = {
    databases: [
      { name: 'db', tables: [{ name: 'T', columns: [{ name: 'a', type: 'long' as const }] }], functions: [] },
    ],
  };

  it("gives Kusto.Language's diagnostics with their offsets, and the result's columns", () => {
    const bad = analyzeQuery(schema, 'db', 'T | where b > 1');
    expect(bad.diagnostics.map((d) => [d.code, d.severity, d.start, d.length])).to.deep.equal([
      ['KS142', 'error', 10, 1],
    ]);
    const good = analyzeQuery(schema, 'db', 'declare query_parameters (n:long); T | extend s = tostring(a + n)');
    expect(good.diagnostics).to.deep.equal([]);
    expect(good.resultColumns).to.deep.equal([
      { name: 'a', type: 'long' },
      { name: 's', type: 'string' },
    ]);
    expect(analyzeQuery(schema, 'db', '.show tables').command).to.equal(true);
  });
});
