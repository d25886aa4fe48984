import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// Runs in a fresh process: this one has loaded the packages already through other specs.
function loadedAfter(script: string): string[] {
  const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });
  return JSON.parse(output) as string[];
}

const KUSTO_INDEX = path.resolve(__dirname, '../../lib/connections/index.js');
const HEAVY = /[\\/]node_modules[\\/](azure-kusto-data|azure-kusto-ingest|@azure[\\/]identity)[\\/]/;
const report = `process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => ${HEAVY}.test(k))))`;

describe('kusto lazy loading', () => {
  it('loads none of azure-kusto-data, azure-kusto-ingest or @azure/identity on import, nor on resolving', () => {
    const loaded = loadedAfter(
      `const k = require(${JSON.stringify(KUSTO_INDEX)});` +
        `k.resolveConnection('K', { env: { K: 'Data Source=https://c.kusto.windows.net;AppToken=t' } });` +
        `k.toSecureString('AppKey=x'); new k.KustoClientPool();` +
        report,
    );
    expect(loaded).to.deep.equal([]);
  });

  it('loads them when a client is first made (the check can see them)', () => {
    const loaded = loadedAfter(
      `const k = require(${JSON.stringify(KUSTO_INDEX)});` +
        `const c = k.resolveConnection('K', { env: { K: 'Data Source=https://c.kusto.windows.net' } });` +
        `const pool = new k.KustoClientPool();` +
        `Promise.all([pool.queryClient(c), pool.ingestClient(c, 'managed')]).then(() => { ${report}; return pool.close(); });`,
    );
    expect(loaded.some((k) => k.includes('azure-kusto-data'))).to.equal(true);
    expect(loaded.some((k) => k.includes('azure-kusto-ingest'))).to.equal(true);
    expect(loaded.some((k) => /@azure[\\/]identity/.test(k))).to.equal(true);
  });
});
