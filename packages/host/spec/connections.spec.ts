import { expect } from 'chai';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { HostStartError, startHost, type HostLogEntry, type RunningHost } from '../lib';
import { eventually, fixtureScript, tempAppDirs } from './support/hostFixture';

// The ordersApp fixture: OrdersKusto and AuditKusto are two clusters' connection settings; %OrdersQuery%,
// %OrdersDatabase%, %AuditDatabase% and %OrdersConnectionName% are app settings its bindings name.
const ORDERS_QUERY =
  'declare query_parameters (customer:string);Orders | where Customer == customer | project OrderId, Total | order by OrderId asc';
const ORDERS_TABLE = `.create table Orders (OrderId:long, Customer:string, Total:real)

.ingest inline into table Orders <| 1,alice,10
2,bob,20
3,alice,30`;
const AUDIT_TABLE = `.create table AuditEvents (Event:string, OrderId:long)

.alter table AuditEvents policy streamingingestion enable`;
const SETTINGS = [
  'OrdersKusto',
  'AuditKusto',
  'OrdersQuery',
  'OrdersDatabase',
  'AuditDatabase',
  'OrdersConnectionName',
];
const VALUES = {
  OrdersQuery: ORDERS_QUERY,
  OrdersDatabase: 'ordersdb',
  AuditDatabase: 'auditdb',
  OrdersConnectionName: 'OrdersKusto',
};

describe('Kusto connections and app settings on the local host', () => {
  const app = tempAppDirs();
  const hosts: RunningHost[] = [];
  let logs: HostLogEntry[];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });

  /** Starts the fixture in an app directory of `files`, with none of its settings in the environment. */
  async function start(files: Record<string, string | object>, env: NodeJS.ProcessEnv = {}): Promise<RunningHost> {
    const base = { ...process.env };
    for (const setting of SETTINGS) delete base[setting];
    logs = [];
    const script = fixtureScript('ordersApp');
    delete require.cache[script];
    const host = await startHost({
      appDir: app({ 'host.json': { version: '2.0' }, ...files }),
      script,
      port: 0,
      volatile: true,
      env: { ...base, ...env },
      log: (entry) => logs.push(entry),
    });
    hosts.push(host);
    return host;
  }
  const startupLines = () => logs.map((e) => e.message);
  const get = async (host: RunningHost, path: string) => (await fetch(`${host.url}/api/${path}`)).json();
  const audit = (host: RunningHost, event: unknown) =>
    fetch(`${host.url}/api/audit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });

  describe('with a real cluster (an emulator the spec starts)', () => {
    let cluster: KustoEmulator;
    before(async () => {
      cluster = await startEmulator({ databases: ['ordersdb', 'auditdb'] });
      await cluster.runScript('ordersdb', ORDERS_TABLE);
      await cluster.runScript('auditdb', AUDIT_TABLE);
    });
    after(() => cluster?.close());

    it('refuses to start when one cluster is set and the other missing, naming the missing setting and its binding', async () => {
      const failure = await start(
        { 'local.settings.json': { Values: VALUES } },
        { OrdersKusto: cluster.connectionString('ordersdb') },
      ).catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(HostStartError);
      expect((failure as Error).message).to.equal(
        "The Kusto connection setting 'AuditKusto' (used by Kusto binding 'audit' of recordAudit) is not set, while 'OrdersKusto' is: set it to a Kusto connection string, or to UseKustoEmulator=true to use the embedded Kusto emulator (which stands in by itself only when no Kusto connection setting is set).",
      );
    });

    it('mixes the real cluster and the embedded emulator on purpose, from local.settings.json ConnectionStrings', async () => {
      const host = await start({
        'local.settings.json': {
          Values: VALUES,
          ConnectionStrings: { OrdersKusto: cluster.connectionString('ordersdb'), AuditKusto: 'UseKustoEmulator=true' },
        },
        'setup.kql': AUDIT_TABLE,
      });
      expect(startupLines()).to.include.members([
        `Kusto: AuditKusto is UseKustoEmulator=true: using the embedded Kusto emulator at ${host.emulator!.url} (volatile: data is kept in memory only).`,
        'Kusto: ran setup.kql in auditdb (2 commands).',
        'Kusto: OrdersKusto is set: using that cluster.',
      ]);
      // Orders come from the real cluster, through %OrdersQuery% and through %OrdersConnectionName%.
      expect(await get(host, 'customers/alice/orders')).to.deep.equal([
        { OrderId: 1, Total: 10 },
        { OrderId: 3, Total: 30 },
      ]);
      expect(await get(host, 'orders/count')).to.deep.equal([{ Orders: 3 }]);
      // The audit trail goes to the embedded emulator only.
      expect((await audit(host, { Event: 'viewed', OrderId: 1 })).status).to.equal(202);
      const [written] = await host.emulator!.executeQuery('auditdb', 'AuditEvents');
      expect(written.rows).to.deep.equal([['viewed', 1n]]);
      const [untouched] = await cluster.executeQuery('auditdb', 'AuditEvents | count');
      expect(untouched.rows).to.deep.equal([[0n]]);
    });
  });

  it('starts the embedded emulator for every connection setting when none is set, and says so', async () => {
    const host = await start({
      'host.json': { version: '2.0', kustoFunctions: { emulator: { database: 'ordersdb' } } },
      'local.settings.json': { Values: VALUES },
      'setup.kql': ORDERS_TABLE,
    });
    expect(startupLines()).to.include(
      `Kusto: OrdersKusto, AuditKusto are not set: using the embedded Kusto emulator at ${host.emulator!.url} (volatile: data is kept in memory only).`,
    );
    expect(startupLines().filter((line) => line.includes('is set: using that cluster'))).to.deep.equal([]);
    // The emulator's query page, at the address printed.
    expect(startupLines()).to.include(
      `Kusto: query page (KQL editor, schema, results, charts): ${host.emulator!.url}/`,
    );
    const page = await fetch(`${host.emulator!.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(await page.text()).to.contain('<script src="/page/main.js">');
    expect(await get(host, 'customers/bob/orders')).to.deep.equal([{ OrderId: 2, Total: 20 }]);
    expect(await get(host, 'orders/count')).to.deep.equal([{ Orders: 3 }]);
    await host.emulator!.runScript('auditdb', AUDIT_TABLE);
    expect((await audit(host, { Event: 'created', OrderId: 4 })).status).to.equal(202);
    const [written] = await host.emulator!.executeQuery('auditdb', 'AuditEvents');
    expect(written.rows).to.deep.equal([['created', 4n]]);
  });

  it('names a missing %Setting% and its binding: at start, and when the binding runs', async () => {
    const { OrdersQuery: _query, OrdersConnectionName: _connection, ...values } = VALUES;
    const host = await start({
      'host.json': { version: '2.0', kustoFunctions: { emulator: { database: 'ordersdb' } } },
      'local.settings.json': { Values: values },
      'setup.kql': ORDERS_TABLE,
    });
    expect(logs.filter((e) => e.level === 'warning').map((e) => e.message)).to.deep.equal([
      "Function 'listOrders': the app setting 'OrdersQuery' (named by kqlCommand of its Kusto binding 'orders') is not set, so its invocations will fail. Add it to the Values of local.settings.json.",
      "Function 'countOrders': the app setting 'OrdersConnectionName' (named by connection of its Kusto binding 'count') is not set, so its invocations will fail. Add it to the Values of local.settings.json.",
    ]);
    for (const [path, functionName, message] of [
      [
        'customers/alice/orders',
        'listOrders',
        "Kusto input 'orders' of listOrders: '%OrdersQuery%' in kqlCommand names the app setting 'OrdersQuery', which is not set.",
      ],
      [
        'orders/count',
        'countOrders',
        "Kusto input 'count' of countOrders: '%OrdersConnectionName%' in connection names the app setting 'OrdersConnectionName', which is not set.",
      ],
    ]) {
      expect((await fetch(`${host.url}/api/${path}`)).status).to.equal(500);
      const error = await eventually(() =>
        logs.find((e) => e.level === 'error' && e.functionName === functionName && !e.lifecycle),
      );
      expect(error.message).to.contain(message);
    }
    // The other functions are unaffected, as in the Functions host.
    await host.emulator!.runScript('auditdb', AUDIT_TABLE);
    expect((await audit(host, { Event: 'created', OrderId: 5 })).status).to.equal(202);
  });

  it('names the missing %Setting% databases and their bindings, not host.json, when the setup script needs one', async () => {
    const { OrdersDatabase: _o, AuditDatabase: _a, ...values } = VALUES;
    const failure = await start({ 'local.settings.json': { Values: values }, 'setup.kql': ORDERS_TABLE }).catch(
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(HostStartError);
    expect((failure as Error).message).to.equal(
      "Function 'listOrders': the app setting 'OrdersDatabase' (named by database of its Kusto binding 'orders') is not set; " +
        "Function 'countOrders': the app setting 'OrdersDatabase' (named by database of its Kusto binding 'count') is not set; " +
        "Function 'recordAudit': the app setting 'AuditDatabase' (named by database of its Kusto binding 'audit') is not set, " +
        'so setup.kql has no database to run in: set them, or name the one setup.kql runs in with host.json "kustoFunctions": { "emulator": { "database": "<name>" } }.',
    );
  });
});
