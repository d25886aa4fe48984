import { expect } from 'chai';
import { createKustoEngine, startWarmedEmulator, type KustoEmulator } from '../lib/testing';
import { spawnHost } from './support/cliProcess';

// How fast the first request is after the warm-up is measured in bench/firstRequest.ts; these say that it happens.
describe('warming the KQL parser and the Kusto client at start', () => {
  it('says so in the start output of the host, before "Host started."', async function () {
    this.timeout(60_000);
    const env = { ...process.env };
    delete env.KustoConnectionString;
    const host = spawnHost(['start', 'examples/products', '--port', '0', '--volatile'], env);
    try {
      await host.waitFor('Host started.');
      const out = host.stdout();
      const warmed = /Kusto: warmed the KQL parser and the Kusto client while starting the emulator: \d+ ms\./.exec(
        out,
      );
      expect(warmed, out).to.not.equal(null);
      expect(warmed!.index).to.be.below(out.indexOf('Host started.'));
    } finally {
      expect(await host.stop()).to.equal(0);
    }
  });

  describe('startWarmedEmulator of the test harness', () => {
    let emulator: KustoEmulator;
    before(async function () {
      this.timeout(10_000);
      emulator = await startWarmedEmulator({ databases: ['warmdb'] });
    });
    after(() => emulator.close());

    it('starts an emulator with the given options that serves the engine', async () => {
      expect(emulator.catalog.get('warmdb')).to.not.equal(undefined);
      const engine = createKustoEngine({ env: { KustoConnectionString: emulator.connectionString('warmdb') } });
      try {
        const rows = await engine.runInput(
          {
            type: 'kusto',
            name: 'rows',
            database: 'warmdb',
            connection: 'KustoConnectionString',
            kqlCommand: 'print a = 1',
          },
          { functionName: 'warm' },
        );
        expect(rows).to.deep.equal([{ a: 1 }]);
      } finally {
        await engine.close();
      }
    });
  });
});
