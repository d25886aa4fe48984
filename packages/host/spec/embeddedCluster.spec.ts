import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { HostStartError } from '../lib';
import { isSettingPresent, startEmbeddedCluster, type EmbeddedCluster } from '../lib/embeddedCluster';
import { tempAppDirs } from './support/hostFixture';

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

  const connections = new Map([['KustoConnectionString', ['productsdb']]]);

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
    const several = new Map([['KustoConnectionString', ['a', 'b']]]);
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
