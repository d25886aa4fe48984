import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// `kusto-functions check` over fixture apps written with the SDK's decorators (so this spec lives with the SDK's:
// the host package cannot depend on the SDK), compiled with source maps by the repository's build. Each run is a
// fresh process, as the command is.
const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'packages/host/dist/lib/cli.js');
const fixtures = path.join(root, 'spec/check/fixtures');

function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'check', ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `file:line:col` of the decorator line after the marker comment naming `code` (the line the check points at). */
function markedLine(file: string, code: string): { line: number; text: string } {
  const lines = fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n');
  const marker = lines.findIndex((l) => l.trim().startsWith('//') && l.includes(code));
  expect(marker, `marker ${code} in ${file}`).to.be.greaterThan(-1);
  return { line: marker + 2, text: lines[marker + 1] };
}

function expectProblem(out: string, file: string, code: string, severity: 'error' | 'warning', ...words: string[]) {
  const { line, text } = markedLine(file, code);
  const column = text.indexOf('@') + 1;
  const prefix = `spec/check/fixtures/${file}:${line}:${column} - ${severity} ${code}: `;
  const found = out.split('\n').filter((l) => l.startsWith(prefix));
  expect(found, `a line starting ${prefix}\n${out}`).to.have.length.greaterThan(0);
  for (const word of words) expect(found.join('\n')).to.contain(word);
}

describe('kusto-functions check', function () {
  this.timeout(60_000);
  let bad: { code: number; stdout: string; stderr: string };

  before(async () => {
    bad = await check('spec/check/fixtures/badApp');
  });

  it('exits with 1 and one summary line when the app has errors', () => {
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.equal('');
    expect(bad.stdout).to.match(/kusto-functions check: 12 functions against setup\.kql: \d+ errors, \d+ warnings/);
  });

  it('reports every registerFunctions error at its decorator, and that Azure would start with no functions', () => {
    expectProblem(bad.stdout, 'badApp/src/registration.ts', 'KF0001', 'error', "passes '@undeclared'");
    // …at the registerFunctions call that threw.
    const source = fs.readFileSync(path.join(fixtures, 'badApp/src/registration.ts'), 'utf8').split('\n');
    const call = source.findIndex((l) => l.startsWith('registerFunctions(')) + 1;
    expect(bad.stdout).to.contain(`spec/check/fixtures/badApp/src/registration.ts:${call}:`);
    expect(bad.stdout).to.match(/registration\.ts:\d+:\d+ - error KF0003: In Azure, an entry point that throws/);
  });

  it("reports Kusto.Language's diagnostics with their position in the query", () => {
    expectProblem(
      bad.stdout,
      'badApp/src/queries.ts',
      'KF0102',
      'error',
      "KS142: The name 'Nme' does not",
      '[query 1:15]',
    );
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0101', 'error', 'KS006: Missing expression', '[query 1:14]');
  });

  it('warns of a parameter fed by a route value that may not fit its type', () => {
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0203', 'warning', "'{name}'", '{name:long}');
  });

  it('checks the row class against the result: types, properties without columns, columns without properties', () => {
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0303', 'error', 'ItemRow.When, typed Number');
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0302', 'warning', 'ItemRow.Extra has no column');
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0304', 'warning', 'add @Type(() => Date)');
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0301', 'warning', "'Total' (long) has no property");
  });

  it('checks outputs: the table, the mapping and its kind, the row class', () => {
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0401', 'error', "the table 'Missing' does not exist");
    expectProblem(
      bad.stdout,
      'badApp/src/queries.ts',
      'KF0402',
      'error',
      "'nosuchmapping' is not an ingestion mapping",
    );
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0403', 'error', 'needs a csv mapping');
    expect(bad.stdout).to.contain('LogRow.Note, typed Date, cannot be ingested into Log.Note (string)');
  });

  it('checks settings: names set nowhere (warning), plain http clusters (error)', () => {
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0501', 'warning', "'NoSuchKustoSetting'");
    expectProblem(bad.stdout, 'badApp/src/queries.ts', 'KF0502', 'error', 'http://kusto.example.com');
  });

  it('takes the schema from --schema (the JSON of .show database … schema as json) before setup.kql', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'dist', 'check-schema-'));
    try {
      const file = path.join(dir, 'schema.json');
      const schema = {
        Databases: {
          checkdb: {
            Name: 'checkdb',
            Tables: {
              Items: {
                Name: 'Items',
                OrderedColumns: [
                  { Name: 'Id', Type: 'System.Int64', CslType: 'long' },
                  { Name: 'Name', Type: 'System.String', CslType: 'string' },
                ],
              },
            },
            Functions: {},
          },
        },
      };
      fs.writeFileSync(file, JSON.stringify(JSON.stringify(schema)));
      const result = await check('spec/check/fixtures/cleanApp', '--schema', file);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.contain(`against --schema ${file}`);
      // This schema has no Log table and no When column.
      expect(result.stdout).to.contain(`the table 'Log' does not exist in checkdb (--schema ${file})`);
      expect(result.stdout).to.contain("Item.When has no column 'When'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes the clean app and the Products example with exit 0 and no warnings', async () => {
    for (const app of ['spec/check/fixtures/cleanApp', 'examples/products']) {
      const result = await check(app);
      expect(result.stdout, app).to.match(/: 0 errors, 0 warnings \(/);
      expect(result.stdout.trim().split('\n'), app).to.have.length(1);
      expect(result.code, app).to.equal(0);
    }
  });
});
