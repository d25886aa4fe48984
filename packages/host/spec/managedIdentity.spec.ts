import { expect } from 'chai';
import * as path from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { Client, KustoConnectionStringBuilder } from 'azure-kusto-data';
import { startHost, type HostLogEntry, type RunningHost } from '../lib';
import { LOCAL_TENANT_ID } from '../lib/identity';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { fixtureScript, tempAppDirs } from './support/hostFixture';
import { forgetManagedIdentitySource } from './support/identity';

// The managed identity tutorial on the local host, with the Products example: its local.settings.json attaches a
// user-assigned identity, its setup.kql grants that identity `users` on productsdb, and getProductsManagedIdentity
// names it in managedServiceIdentity. Removing the grant fails the invocation with the cluster's 403, as in Azure.
const ROOT = path.resolve(__dirname, '../../../..');
const CLIENT_ID = '3f1c6a52-8d2e-4b7a-9c41-5e0b7d2a6f18';
const PRINCIPAL = `aadapp=${CLIENT_ID};${LOCAL_TENANT_ID}`;

describe('managed identity on the local host: the Products example', function () {
  this.timeout(120_000);
  let host: RunningHost;
  let logs: HostLogEntry[];
  let developer: Client;
  const endpointBefore = process.env.IDENTITY_ENDPOINT;

  before(async () => {
    forgetManagedIdentitySource();
    // The repository's suite loads the example in this process too (spec/examples): its modules, and the SDK whose
    // registry holds their function names, are taken out of the require cache so that this host loads them afresh.
    const example = path.join(ROOT, 'dist/examples/products') + path.sep;
    for (const file of Object.keys(require.cache)) {
      if (file.startsWith(example) || file === path.join(ROOT, 'dist/kusto-functions.js')) delete require.cache[file];
    }
    logs = [];
    const env = { ...process.env };
    delete env.KustoConnectionString;
    delete env.KustoManagedIdentityClientId;
    host = await startHost({
      appDir: path.join(ROOT, 'examples/products'),
      script: path.join(ROOT, 'dist/examples/products/src/index.js'),
      port: 0,
      volatile: true,
      verbose: true,
      env,
      log: (entry) => logs.push(entry),
    });
    // The local developer: no token, as someone signed in with `az login` on their own cluster.
    developer = new Client(new KustoConnectionStringBuilder(host.emulator!.url));
  });
  after(async () => {
    developer?.close();
    await host?.close();
    forgetManagedIdentitySource();
    expect(process.env.IDENTITY_ENDPOINT, 'the host puts IDENTITY_ENDPOINT back').to.equal(endpointBefore);
  });

  const api = (route: string, init?: RequestInit) => fetch(`${host.url}/api/${route}`, init);
  const grant = (verb: '.add' | '.drop') =>
    developer.executeMgmt('productsdb', `${verb} database productsdb users ('${PRINCIPAL}')`);

  it('serves the declared identity and points IDENTITY_ENDPOINT at it', () => {
    const line = logs.find((e) => e.message.startsWith('Identity: managed identities served at IDENTITY_ENDPOINT'));
    expect(line?.message).to.include(`user-assigned ${CLIENT_ID}`).and.to.include(LOCAL_TENANT_ID);
    expect(process.env.IDENTITY_ENDPOINT).to.match(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
  });

  it('queries as the granted identity, fails with 403 once the grant is dropped, and succeeds once it is back', async () => {
    const product = { ProductID: 91501, Name: 'Identity-91501', Cost: 15 };
    const added = await api('addproduct', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([product]),
    });
    expect(added.status).to.equal(201);

    const granted = await api(`getproductsmi/${product.Name}`);
    expect(granted.status).to.equal(200);
    expect(await granted.json()).to.deep.equal([product]);
    expect(logs.some((e) => e.message.includes(`Identity: issued a token for client id ${CLIENT_ID}`))).to.equal(true);

    await grant('.drop');
    const refused = await api(`getproductsmi/${product.Name}`);
    expect(refused.status).to.equal(500);
    const failure = logs.find(
      (e) => e.level === 'error' && e.functionName === 'getProductsManagedIdentity' && !e.lifecycle,
    );
    expect(failure, 'the failure is logged').not.to.equal(undefined);
    expect(failure!.invocationId).to.be.a('string').and.not.equal('');
    const executed = logs.find(
      (e) => e.lifecycle && e.message.startsWith("Executed 'Functions.getProductsManagedIdentity' (Failed"),
    );
    expect(executed?.message).to.include(`Id=${failure!.invocationId}`);
    expect(failure!.message).to.include('403').and.to.include(`Principal '${PRINCIPAL}'`).and.to.include('productsdb');

    await grant('.add');
    const restored = await api(`getproductsmi/${product.Name}`);
    expect(restored.status).to.equal(200);
    expect(await restored.json()).to.deep.equal([product]);
  });

  it('never logs a token: neither the one the engine used nor anything JWT-shaped', async () => {
    // msal-node caches the engine's token process-wide: asking again gives the very token the binding sent.
    const token = await new ManagedIdentityCredential({ clientId: CLIENT_ID }).getToken(
      `${host.emulator!.url}/.default`,
    );
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).to.include({ aud: host.emulator!.url, appid: CLIENT_ID, tid: LOCAL_TENANT_ID });
    expect(logs.length).to.be.greaterThan(10);
    const text = logs.map((e) => e.message).join('\n');
    expect(text).not.to.include(token.token);
    expect(text).not.to.include(token.token.split('.')[2]);
    expect(text).not.to.match(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/);
  });
});

describe('managed identities with a cluster the host does not embed', () => {
  const app = tempAppDirs();
  let cluster: KustoEmulator;
  before(async () => {
    cluster = await startEmulator({ databases: ['ordersdb'] });
  });
  after(() => cluster?.close());

  it('warns that only the embedded emulator accepts the local tokens, naming the settings', async () => {
    const logs: HostLogEntry[] = [];
    const script = fixtureScript('ordersApp');
    delete require.cache[script];
    const host = await startHost({
      appDir: app({
        'host.json': { version: '2.0' },
        'local.settings.json': {
          Values: {
            OrdersQuery: 'print 1',
            OrdersDatabase: 'ordersdb',
            AuditDatabase: 'ordersdb',
            OrdersConnectionName: 'OrdersKusto',
          },
          ManagedIdentity: { SystemAssigned: true },
        },
      }),
      script,
      port: 0,
      volatile: true,
      env: {
        ...process.env,
        OrdersKusto: cluster.connectionString('ordersdb'),
        AuditKusto: cluster.connectionString('ordersdb'),
      },
      log: (entry) => logs.push(entry),
    });
    try {
      const warning = logs.find((e) => e.level === 'warning' && e.message.startsWith('Identity:'));
      expect(warning?.message).to.include('only the embedded emulator accepts them').and.to.include('OrdersKusto');
    } finally {
      await host.close();
      forgetManagedIdentitySource();
    }
  });
});
