import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { HostStartError } from '../lib';
import type { KustoConnectionUse } from '../lib/appFunctions';
import { emulatorSettings, isSettingPresent, startEmbeddedCluster, type EmbeddedCluster } from '../lib/embeddedCluster';
import { tempAppDirs } from './support/hostFixture';

/** Connection settings as kustoConnections gives them: each with its databases and one binding per database. */
function uses(
  settings: Record<string, string[]>,
  more: Partial<KustoConnectionUse> = {},
): Map<string, KustoConnectionUse> {
  return new Map(
    Object.entries(settings).map(([setting, databases]) => [
      setting,
      { databases, bindings: databases.map((d) => `'${d}In' of read${d}`), unknownDatabases: [], ...more },
    ]),
  );
}

const SETUP = `.create-merge table Products (ProductID:long, Name:string)

.create-or-alter function ProductNames() { Products | project Name }
`;

describe('the embedded Kusto emulator of the local host', () => {
  const started: EmbeddedCluster[] = [];
  const app = tempAppDirs();
  const start = async (...args: Parameters<typeof startEmbeddedCluster>) => {
    const cluster = await startEmbeddedCluster(...args);
    if (cluster) started.push(cluster);
    return cluster;
  };
  afterEach(async () => {
    for (const cluster of started.splice(0)) await cluster.emulator.close();
  });

  const connections = uses({ KustoConnectionString: ['productsdb'] });

  it('starts nothing when the setting is set, so that cluster is used', async () => {
    const env = {
      KustoConnectionString: 'Data Source=https://mycluster.westeurope.kusto.windows.net;Database=productsdb',
    };
    const cluster = await start({ appDir: app({}), config: {}, connections, env });
    expect(cluster).to.equal(undefined);
    expect(env.KustoConnectionString).to.equal(
      'Data Source=https://mycluster.westeurope.kusto.windows.net;Database=productsdb',
    );
  });

  it('counts a setting as set under any name the host reads connections from', () => {
    expect(isSettingPresent('Kusto', { ConnectionStrings__Kusto: 'x' })).to.equal(true);
    expect(isSettingPresent('Kusto', { CUSTOMCONNSTR_Kusto: 'x' })).to.equal(true);
    expect(isSettingPresent('Kusto', { Kusto: '  ' })).to.equal(false);
    expect(isSettingPresent('Kusto', {})).to.equal(false);
  });

  it('points a missing setting at the emulator, creates the database and runs setup.kql in it', async () => {
    const appDir = app({ 'setup.kql': SETUP });
    const env: NodeJS.ProcessEnv = {};
    const cluster = (await start({ appDir, config: {}, connections, env }))!;
    expect(cluster.settings).to.deep.equal(['KustoConnectionString']);
    expect(cluster.created).to.deep.equal(['productsdb']);
    expect(cluster.setup).to.deep.include({ database: 'productsdb', blocks: 2 });
    expect(env.KustoConnectionString).to.equal(`Data Source=${cluster.emulator.url};Database=productsdb`);
    // The official client, through the setting, sees what the script made.
    const client = new Client(env.KustoConnectionString!);
    try {
      await client.executeMgmt('productsdb', '.ingest inline into table Products <| 1,"Widget"');
      const result = await client.execute('productsdb', 'ProductNames()');
      expect(result.primaryResults[0].toJSON().data).to.deep.equal([{ Name: 'Widget' }]);
    } finally {
      await client.close();
    }
  });

  it('serves every connection setting when none is set', async () => {
    const env: NodeJS.ProcessEnv = {};
    const cluster = (await start({ appDir: app({}), config: {}, connections: uses({ A: ['adb'], B: ['bdb'] }), env }))!;
    expect(cluster.settings).to.deep.equal(['A', 'B']);
    expect(cluster.explicit).to.deep.equal([]);
    expect(env).to.deep.equal({
      A: `Data Source=${cluster.emulator.url};Database=adb`,
      B: `Data Source=${cluster.emulator.url};Database=bdb`,
    });
  });

  it('refuses some settings set and others missing, in one line naming each missing setting and its bindings', () => {
    const connections = new Map<string, KustoConnectionUse>([
      ['OrdersKusto', { databases: ['orders'], bindings: ["'orders' of listOrders"], unknownDatabases: [] }],
      [
        'AuditKusto',
        { databases: ['audit'], bindings: ["'audit' of addOrder", "'audit' of cancelOrder"], unknownDatabases: [] },
      ],
      ['ArchiveKusto', { databases: ['archive'], bindings: ["'archive' of addOrder"], unknownDatabases: [] }],
      ['LocalKusto', { databases: ['local'], bindings: ["'local' of listOrders"], unknownDatabases: [] }],
    ]);
    const env = {
      OrdersKusto: 'Data Source=https://orders.westeurope.kusto.windows.net',
      LocalKusto: 'UseKustoEmulator=true',
    };
    expect(() => emulatorSettings(connections, env)).to.throw(
      HostStartError,
      /^The Kusto connection settings 'AuditKusto' \(used by Kusto bindings 'audit' of addOrder, 'audit' of cancelOrder\) and 'ArchiveKusto' \(used by Kusto binding 'archive' of addOrder\) are not set, while 'OrdersKusto' and 'LocalKusto' are: set each to a Kusto connection string, or to UseKustoEmulator=true to use the embedded Kusto emulator \(which stands in by itself only when no Kusto connection setting is set\)\.$/,
    );
    // A blank value is as good as missing.
    expect(() => emulatorSettings(connections, { ...env, AuditKusto: ' ', ArchiveKusto: 'x' })).to.throw(
      HostStartError,
      /^The Kusto connection setting 'AuditKusto' \(used by Kusto bindings 'audit' of addOrder, 'audit' of cancelOrder\) is not set, while 'OrdersKusto', 'ArchiveKusto' and 'LocalKusto' are: set it to/,
    );
  });

  it('serves a setting that is UseKustoEmulator=true next to a real cluster, pointing it where the host reads it', async () => {
    const real = 'Data Source=https://orders.westeurope.kusto.windows.net;Database=orders';
    // As local.settings.json ConnectionStrings gives it; the spelling is matched in any case.
    const env: NodeJS.ProcessEnv = { OrdersKusto: real, 'ConnectionStrings:AuditKusto': ' usekustoemulator = TRUE; ' };
    const connections = uses({ OrdersKusto: ['orders'], AuditKusto: ['audit'] });
    expect(emulatorSettings(connections, env)).to.deep.equal({ missing: [], explicit: ['AuditKusto'] });
    const cluster = (await start({ appDir: app({ 'setup.kql': SETUP }), config: {}, connections, env }))!;
    expect(cluster.settings).to.deep.equal(['AuditKusto']);
    expect(cluster.explicit).to.deep.equal(['AuditKusto']);
    expect(cluster.setup).to.deep.include({ database: 'audit' });
    expect(env).to.deep.equal({
      OrdersKusto: real,
      'ConnectionStrings:AuditKusto': `Data Source=${cluster.emulator.url};Database=audit`,
    });
  });

  it('names the unset setting of a %Setting% database, not host.json, when the setup script has no database', async () => {
    const connections = uses(
      { KustoConnectionString: [] },
      {
        bindings: ["'orders' of listOrders"],
        unknownDatabases: [
          { functionName: 'listOrders', binding: 'orders', property: 'database', setting: 'OrdersDb' },
        ],
      },
    );
    try {
      await start({ appDir: app({ 'setup.kql': SETUP }), config: {}, connections, env: {} });
      expect.fail('should not start');
    } catch (error) {
      expect(error).to.be.instanceOf(HostStartError);
      expect((error as Error).message).to.equal(
        `Function 'listOrders': the app setting 'OrdersDb' (named by database of its Kusto binding 'orders') is not set, so setup.kql has no database to run in: set it, or name the one setup.kql runs in with host.json "kustoFunctions": { "emulator": { "database": "<name>" } }.`,
      );
    }
  });

  it('keeps data in .kusto-emulator across restarts, and runs the setup script only when it creates the database', async () => {
    const appDir = app({ 'setup.kql': SETUP });
    const first = (await start({ appDir, config: {}, connections, env: {} }))!;
    expect(first.dataDir).to.equal(path.join(appDir, '.kusto-emulator'));
    await first.emulator.executeCommand('productsdb', '.ingest inline into table Products <| 7,"Kept"');
    await first.emulator.close();

    const second = (await start({ appDir, config: {}, connections, env: {} }))!;
    expect(second.created).to.deep.equal([]);
    expect(second.setup).to.equal(undefined);
    expect(second.setupSkipped).to.deep.include({ database: 'productsdb' });
    const [table] = await second.emulator.executeQuery('productsdb', 'ProductNames()');
    expect(table.rows).to.deep.equal([['Kept']]);
  });

  it('keeps nothing on disk when volatile', async () => {
    const appDir = app({ 'setup.kql': SETUP });
    const cluster = (await start({ appDir, config: {}, connections, env: {}, volatile: true }))!;
    expect(cluster.dataDir).to.equal(undefined);
    expect(cluster.setup).to.deep.include({ database: 'productsdb' });
    await cluster.emulator.close();
    expect(fs.existsSync(path.join(appDir, '.kusto-emulator'))).to.equal(false);
  });

  it('takes the script, its database and the data directory from host.json', async () => {
    const appDir = app({ 'schema.kql': SETUP });
    const cluster = (await start({
      appDir,
      config: { setupScript: 'schema.kql', database: 'other', dataDir: 'data' },
      connections,
      env: {},
    }))!;
    expect(cluster.created).to.have.members(['productsdb', 'other']);
    expect(cluster.setup).to.deep.include({ database: 'other' });
    expect(cluster.dataDir).to.equal(path.join(appDir, 'data'));
  });

  it('asks which database the script runs in when the bindings use several', async () => {
    const several = uses({ KustoConnectionString: ['a', 'b'] });
    try {
      await start({ appDir: app({ 'setup.kql': SETUP }), config: {}, connections: several, env: {} });
      expect.fail('should not start');
    } catch (error) {
      expect(error).to.be.instanceOf(HostStartError);
      expect((error as Error).message)
        .to.contain('several databases (a, b)')
        .and.contain('"database"');
    }
  });

  it('fails naming the script line, and keeps no half-made database', async () => {
    const appDir = app({ 'setup.kql': `${SETUP}\n.drop table NoSuchTable\n` });
    try {
      await start({ appDir, config: {}, connections, env: {} });
      expect.fail('should not start');
    } catch (error) {
      expect(error).to.be.instanceOf(HostStartError);
      expect((error as Error).message).to.match(
        /^setup\.kql failed in the embedded Kusto emulator: Script block at line 5/,
      );
    }
    // The next start creates the database again and reaches the same failure, rather than skipping the script.
    fs.writeFileSync(path.join(appDir, 'setup.kql'), SETUP);
    const cluster = (await start({ appDir, config: {}, connections, env: {} }))!;
    expect(cluster.created).to.deep.equal(['productsdb']);
    expect(cluster.setup).to.deep.include({ database: 'productsdb' });
  });

  it('reports a setupScript that does not exist', async () => {
    try {
      await start({ appDir: app({}), config: { setupScript: 'missing.kql' }, connections, env: {} });
      expect.fail('should not start');
    } catch (error) {
      expect((error as Error).message).to.match(/setupScript 'missing\.kql' does not exist/);
    }
  });
});
