import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(__dirname, '../../..');

// What a fresh process has loaded after importing an entry point of the package (by its public name).
function loadedAfter(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })) as string[];
}

const heavy = [
  'azure-kusto-data',
  'azure-kusto-ingest',
  '@azure/identity',
  'class-transformer',
  '@kusto/language-service-next',
];

describe('importing the package', () => {
  for (const entry of ['kusto-functions']) {
    it(`does not load the Kusto clients, identity, class-transformer or the KQL parser (${entry})`, () => {
      const loaded = loadedAfter(entry);
      expect(loaded.some((f) => f.endsWith(`${path.sep}dist${path.sep}kusto-functions.js`))).to.equal(true);
      for (const name of heavy) {
        expect(
          loaded.filter((f) => f.includes(`node_modules${path.sep}${name}${path.sep}`)),
          name,
        ).to.deep.equal([]);
      }
    });
  }

  it('exposes the decorators and registerFunctions by the package name', () => {
    const script = `const k = require('kusto-functions'); process.stdout.write(typeof k.registerFunctions + typeof k.KustoInput + typeof k.HttpTrigger);`;
    expect(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })).to.equal(
      'functionfunctionfunction',
    );
  });
});
