import { expect } from 'chai';
import { Readable } from 'node:stream';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import { KustoClientPool, type KustoIngestKind } from '../../lib/connections/clients';
import { resolveConnection, type KustoConnection } from '../../lib/connections/connection';
import { loadKustoData, loadKustoIngest } from '../../lib/connections/modules';
import { newClientRequestId, newClientRequestProperties, packageVersion } from '../../lib/connections/tracing';
import { startFakeCluster, type FakeCluster } from './support/fakeCluster';

const CLUSTER = 'https://mycluster.westeurope.kusto.windows.net';
const APP_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP_KEY = 'Xq8~s3cr3t.AppKey_value==';
const OTHER_KEY = 'Yz9~an0ther.AppKey_value==';

function resolve(connectionString: string, managedServiceIdentity?: string): KustoConnection {
  return resolveConnection('KustoConn', { env: { KustoConn: connectionString }, managedServiceIdentity });
}

function appKeyConnection(key = APP_KEY, database = 'db'): KustoConnection {
  return resolve(
    `Data Source=${CLUSTER};Database=${database};AppClientId=${APP_ID};AppKey=${key};Authority Id=${TENANT}`,
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** The token provider azure-kusto-data chose for a client, as it would use it for the Authorization header. */
function tokenProviderOf(client: { aadHelper: { tokenProvider?: unknown } }) {
  return client.aadHelper.tokenProvider as { getCredential?: () => object; token?: string } | undefined;
}

function csvRows(): Readable {
  return Readable.from([Buffer.from('a,1\n')]);
}

describe('kusto/clients', () => {
  let pool: KustoClientPool;

  beforeEach(() => {
    pool = new KustoClientPool({ env: {} });
  });

  afterEach(() => pool.close());

  describe('reuse and keys', () => {
    it('returns the same query client on every call for one connection, and for a re-resolved one', async () => {
      const first = await pool.queryClient(appKeyConnection());
      expect(await pool.queryClient(appKeyConnection())).to.equal(first);
      expect(first).to.be.instanceOf(loadKustoData().Client);
      expect(pool.size).to.equal(1);
    });

    it('creates one client under concurrent first use', async () => {
      const connection = appKeyConnection();
      const clients = await Promise.all([1, 2, 3, 4].map(() => pool.queryClient(connection)));
      expect(new Set(clients).size).to.equal(1);
      expect(pool.size).to.equal(1);
    });

    it('keys by identity: two app keys of one app id get two clients', async () => {
      const one = await pool.queryClient(appKeyConnection(APP_KEY));
      const two = await pool.queryClient(appKeyConnection(OTHER_KEY));
      expect(one).not.to.equal(two);
      expect(pool.size).to.equal(2);
    });

    it('keys by cluster and identity kind, and shares one client across databases', async () => {
      const base = await pool.queryClient(resolve(`Data Source=${CLUSTER};Database=a`));
      expect(await pool.queryClient(resolve(`Data Source=${CLUSTER};Database=b`))).to.equal(base);
      expect(await pool.queryClient(resolve(`Data Source=${CLUSTER}`, 'system'))).not.to.equal(base);
      expect(await pool.queryClient(resolve(`Data Source=${CLUSTER}`, APP_ID))).not.to.equal(base);
      expect(await pool.queryClient(resolve('Data Source=https://other.kusto.windows.net'))).not.to.equal(base);
      expect(pool.size).to.equal(4);
      expect(base.defaultDatabase).to.equal('NetDefaultDB'); // no connection's database is baked in
    });

    it('keeps the query client and each ingest kind apart, each of its azure-kusto-ingest class', async () => {
      const connection = appKeyConnection();
      const ingest = loadKustoIngest();
      const expected: Record<KustoIngestKind, unknown> = {
        managed: ingest.ManagedStreamingIngestClient,
        queued: ingest.IngestClient,
        streaming: ingest.StreamingIngestClient,
      };
      for (const kind of ['managed', 'queued', 'streaming'] as const) {
        const client = await pool.ingestClient(connection, kind);
        expect(client).to.be.instanceOf(expected[kind] as new (...args: never[]) => unknown);
        expect(await pool.ingestClient(connection, kind)).to.equal(client);
      }
      await pool.queryClient(connection);
      expect(pool.size).to.equal(4);
    });

    it('points queued ingestion at the ingest- endpoint and shares the identity’s credential', async () => {
      const connection = appKeyConnection();
      const query = await pool.queryClient(connection);
      const queued = await pool.ingestClient(connection, 'queued');
      const dm = queued.resourceManager.kustoClient;
      expect(query.cluster).to.equal(CLUSTER);
      expect(dm.cluster).to.equal('https://ingest-mycluster.westeurope.kusto.windows.net');
      const credential = tokenProviderOf(query)?.getCredential?.();
      expect(credential?.constructor.name).to.equal('ClientSecretCredential');
      expect(tokenProviderOf(dm)?.getCredential?.()).to.equal(credential);
    });

    it('gives a bracketed IPv6 loopback emulator its one URL for queued ingestion too', async () => {
      // azure-kusto-ingest's own correction would make it http://ingest-[::1]:1, which is not even a URL.
      const queued = await pool.ingestClient(resolve('Data Source=http://[::1]:1'), 'queued');
      expect(queued.resourceManager.kustoClient.cluster).to.equal('http://[::1]:1');
    });

    it('wires each auth kind into the client azure-kusto-data builds', async () => {
      const cases: [KustoConnection, string | undefined][] = [
        [appKeyConnection(), 'ClientSecretCredential'],
        [resolve(`Data Source=${CLUSTER}`, 'system'), 'ManagedIdentityCredential'],
        [resolve(`Data Source=${CLUSTER}`, APP_ID), 'ManagedIdentityCredential'],
        [resolve(`Data Source=${CLUSTER};Fed=true`), 'DefaultAzureCredential'],
      ];
      for (const [connection, credentialClass] of cases) {
        const provider = tokenProviderOf(await pool.queryClient(connection));
        expect(provider?.constructor.name, connection.auth.kind).to.equal('TokenCredentialProvider');
        expect(provider?.getCredential?.().constructor.name, connection.auth.kind).to.equal(credentialClass);
      }
      for (const keyword of ['UserToken', 'AppToken']) {
        const provider = tokenProviderOf(
          await pool.queryClient(resolve(`Data Source=${CLUSTER};${keyword}=tok-${keyword}`)),
        );
        expect(provider?.constructor.name).to.equal('BasicTokenProvider');
        expect(provider?.token).to.equal(`tok-${keyword}`);
      }
      const loopback = await pool.queryClient(resolve('Data Source=http://127.0.0.1:1'));
      expect(tokenProviderOf(loopback)).to.equal(undefined);
    });

    it('does not cache a failed creation, and scrubs its error', async () => {
      const real = appKeyConnection();
      let calls = 0;
      const flaky: KustoConnection = {
        ...real,
        auth: real.auth,
        createCredential: () => real.createCredential(),
        toConnectionStringBuilder: (options) => {
          calls++;
          if (calls === 1) throw new Error(`transient failure near ${APP_KEY}`);
          return real.toConnectionStringBuilder(options);
        },
        scrub: (text) => real.scrub(text),
        scrubError: (error) => real.scrubError(error),
        toString: () => real.toString(),
      };
      const error = await rejectionOf(pool.queryClient(flaky));
      expect(error).to.be.instanceOf(KustoBindingError);
      expect(error.message).to.include('transient failure near ****').and.to.include("'KustoConn'");
      expect(error.message + error.stack + String((error.cause as Error).stack)).not.to.include(APP_KEY);
      expect(pool.size).to.equal(0);
      expect(await pool.queryClient(flaky)).to.be.instanceOf(loadKustoData().Client);
      expect(pool.size).to.equal(1);
    });

    it('rejects an unknown ingestion kind', async () => {
      const error = await rejectionOf(pool.ingestClient(appKeyConnection(), 'bulk' as KustoIngestKind));
      expect(error).to.be.instanceOf(KustoConfigurationError);
      expect(error.message).to.include("'bulk'");
    });
  });

  describe('close', () => {
    it('closes every client, is idempotent, and refuses new requests', async () => {
      const connection = appKeyConnection();
      const query = await pool.queryClient(connection);
      const managed = await pool.ingestClient(connection, 'managed');
      const queued = await pool.ingestClient(connection, 'queued');
      const first = pool.close();
      expect(pool.close()).to.equal(first);
      await first;
      expect(pool.closed).to.equal(true);
      expect(pool.size).to.equal(0);
      expect((await rejectionOf(query.execute('db', 'T | take 1'))).message).to.match(/closed/i);
      const props = { database: 'db', table: 'T', format: loadKustoIngest().DataFormat.CSV };
      expect((await rejectionOf(managed.ingestFromStream(csvRows(), props))).message).to.match(/closed/i);
      expect((await rejectionOf(queued.ingestFromStream(csvRows(), props))).message).to.match(/closed/i);
      const refused = await rejectionOf(pool.queryClient(connection));
      expect(refused).to.be.instanceOf(KustoBindingError);
      expect(refused.message).to.include('closed');
    });

    it('closes a client that was still being created', async () => {
      const pending = pool.queryClient(appKeyConnection());
      await pool.close();
      const client = await pending;
      expect((await rejectionOf(client.execute('db', 'T'))).message).to.match(/closed/i);
    });
  });

  describe('against a loopback http endpoint (the emulator)', () => {
    let fake: FakeCluster;
    let local: KustoConnection;

    beforeEach(async () => {
      fake = await startFakeCluster();
      // The binding's managed identity is ignored on loopback, so one binding works locally and in Azure.
      local = resolveConnection('KustoLocal', {
        env: { KustoLocal: `Data Source=${fake.url};Database=db` },
        managedServiceIdentity: 'system',
      });
      await pool.close();
      pool = new KustoClientPool({ env: { FUNCTIONS_WORKER_RUNTIME: 'node', WEBSITE_SITE_NAME: 'orders-app' } });
    });

    afterEach(async () => {
      await pool.close();
      await fake.close();
    });

    it('records the Authorization header of a client that has a token (control)', async () => {
      const { Client, KustoConnectionStringBuilder } = loadKustoData();
      const control = new Client(
        KustoConnectionStringBuilder.withAccessToken(`Data Source=${fake.url}`, 'control-token'),
      );
      try {
        await control.executeMgmt('db', '.show version');
      } finally {
        control.close();
      }
      expect(fake.requests.find((r) => r.path === '/v1/rest/mgmt')?.headers.authorization).to.equal(
        'Bearer control-token',
      );
    });

    it('sends no Authorization header from the pool’s query client', async () => {
      const client = await pool.queryClient(local);
      const response = await client.executeMgmt('db', '.show version', newClientRequestProperties('input'));
      expect([...response.primaryResults[0].rows()].map((row) => row.toJSON())).to.deep.equal([{ Answer: 42 }]);
      expect(fake.requests.map((r) => r.path)).to.include('/v1/rest/mgmt');
      for (const request of fake.requests) expect(request.headers.authorization, request.path).to.equal(undefined);
    });

    it('sends the extension’s client request id and connector details', async () => {
      const client = await pool.queryClient(local);
      await client.executeMgmt('db', '.show version', newClientRequestProperties('input'));
      const mgmt = fake.requests.find((r) => r.path === '/v1/rest/mgmt');
      const version = packageVersion().replace(/\./g, '\\.');
      expect(mgmt?.headers['x-ms-client-request-id']).to.match(
        new RegExp(`^AzFunctions\\.InputBinding;${version};[0-9a-f-]{36}$`),
      );
      const app = String(mgmt?.headers['x-ms-app']);
      expect(app).to.include(`Kusto.AzFunctions.Client:{${packageVersion()}}`);
      expect(app).to.include('App.{orders-app}');
      expect(app).to.include('FunctionsRuntime:{node}').and.to.include('BindingType:{InputBinding}');
      expect(app).to.include('Sdk:{kusto-functions-engine}').and.not.to.include('MSI');
    });

    for (const kind of ['streaming', 'managed'] as const) {
      it(`sends ${kind} ingestion to the same URL, unauthenticated, with the output request id`, async () => {
        const client = await pool.ingestClient(local, kind);
        const props = { database: 'db', table: 'T', format: loadKustoIngest().DataFormat.CSV };
        await client.ingestFromStream(csvRows(), props, newClientRequestId('output'));
        const ingest = fake.requests.find((r) => r.path.startsWith('/v1/rest/ingest/'));
        expect(ingest?.path).to.equal('/v1/rest/ingest/db/T?streamFormat=csv');
        expect(ingest?.headers.authorization).to.equal(undefined);
        expect(ingest?.headers['x-ms-client-request-id']).to.match(/^AzFunctions\.OutputBinding;/);
        expect(String(ingest?.headers['x-ms-app'])).to.include('BindingType:{OutputBinding}');
      });
    }

    it('asks the same URL for ingestion resources when ingesting queued (one URL serves engine and DM)', async () => {
      const queued = await pool.ingestClient(local, 'queued');
      const props = { database: 'db', table: 'T', format: loadKustoIngest().DataFormat.CSV };
      // The fake has no ingestion resources, so the upload fails; what matters is where the client asked.
      await rejectionOf(queued.ingestFromStream(csvRows(), props));
      const resources = fake.requests.find((r) => r.csl?.startsWith('.get ingestion resources'));
      expect(resources, 'the DM request reached the loopback URL').not.to.equal(undefined);
      expect(resources?.headers.authorization).to.equal(undefined);
      expect(String(resources?.headers['x-ms-app'])).to.include('BindingType:{OutputBinding}');
    });
  });
});
