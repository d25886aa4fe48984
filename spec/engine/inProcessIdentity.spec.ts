import * as azureFunctions from '@azure/functions';
import { ManagedIdentityCredential } from '@azure/identity';
import { expect } from 'chai';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { createKustoEngine, type KustoEngine } from 'kusto-functions-engine';
import { FunctionsHarness } from 'kusto-functions-host/testing';
import { HttpTrigger, KustoInput, KustoOutput, registerFunctions, type Output } from '../../lib';
import {
  LOCAL_TENANT_ID,
  readManagedIdentities,
  startIdentityEndpoint,
  type IdentityEndpoint,
} from '../../packages/host/lib/identity';
import { withIdentityEnvironment } from '../../packages/host/spec/support/identity';

// In-process mode as in Azure: the SDK runs the bindings in the worker with an engine reading process.env, where App
// Service puts IDENTITY_ENDPOINT and IDENTITY_HEADER. Here they point at the local host's identity endpoint, and the
// emulator checks its tokens and the database's grants, so a binding's managedServiceIdentity is held to its grant.
const GRANTED = '2a6e1c3b-7d4f-4e8a-9b1c-0d2e3f4a5b6c';
const UNGRANTED = '8f7e6d5c-4b3a-4291-8e0f-1a2b3c4d5e6f';
const principal = (clientId: string) => `aadapp=${clientId};${LOCAL_TENANT_ID}`;

class Row {
  Id!: number;
  Name!: string;
}

const cluster = { database: 'db', connection: 'KustoIdentityConnection' };
const query = { ...cluster, kqlCommand: 'T | project Id, Name | order by Id asc' };

class IdentityFunctions {
  @HttpTrigger({ route: 'mi/granted', methods: ['GET'], name: 'ipMiGranted' })
  granted(@KustoInput({ ...query, managedServiceIdentity: '%GrantedIdentityClientId%' }, Row) rows: Row[]) {
    return { jsonBody: rows };
  }

  @HttpTrigger({ route: 'mi/ungranted', methods: ['GET'], name: 'ipMiUngranted' })
  ungranted(@KustoInput({ ...query, managedServiceIdentity: UNGRANTED }, Row) rows: Row[]) {
    return { jsonBody: rows };
  }

  @HttpTrigger({ route: 'mi/add', methods: ['POST'], name: 'ipMiAdd' })
  add(@KustoOutput({ ...cluster, tableName: 'T', managedServiceIdentity: GRANTED }) out: Output<Row>) {
    out.set({ Id: 2, Name: 'two' });
    return { status: 201 };
  }
}

describe('in-process mode: bindings with managedServiceIdentity sign in through IDENTITY_ENDPOINT', function () {
  this.timeout(60_000);
  const settings = ['KustoIdentityConnection', 'GrantedIdentityClientId'] as const;
  const saved = Object.fromEntries(settings.map((name) => [name, process.env[name]]));
  let endpoint: IdentityEndpoint;
  let unregister: () => void;
  let restoreEnv: () => void;
  let emulator: KustoEmulator;
  let engine: KustoEngine;
  let harness: FunctionsHarness;
  const engineLogs: string[] = [];
  const texts: string[] = [];

  before(async () => {
    endpoint = await startIdentityEndpoint();
    unregister = endpoint.register(
      readManagedIdentities({ UserAssigned: [GRANTED, UNGRANTED] }, 'local.settings.json', '/apps/in-process'),
    );
    restoreEnv = withIdentityEnvironment(endpoint);
    emulator = await startEmulator({
      databases: ['db'],
      identity: { issuer: endpoint.issuer, publicKey: endpoint.publicKey },
    });
    await emulator.runScript(
      'db',
      [
        '.create table T (Id:long, Name:string)',
        '.alter table T policy streamingingestion enable',
        '.ingest inline into table T <| 1,one',
        // The tutorial's grant: users may query; ingestors ingest.
        `.add database db users ('${principal(GRANTED)}')`,
        `.add database db ingestors ('${principal(GRANTED)}')`,
      ].join('\n\n'),
    );
    // App settings are process.env in Azure; the tutorial's connection string names only the cluster.
    process.env.KustoIdentityConnection = `Data Source=${emulator.url}`;
    process.env.GrantedIdentityClientId = GRANTED;
    // No env option: the engine reads process.env, as the SDK's default engine does.
    engine = createKustoEngine({ log: (level, message) => engineLogs.push(`${level}: ${message}`) });
    harness = FunctionsHarness.install().capture(() =>
      registerFunctions({ app: { ...azureFunctions.app }, bindings: 'in-process', engine }, IdentityFunctions),
    );
  });
  after(async () => {
    await engine?.close();
    await emulator?.close();
    restoreEnv?.();
    unregister?.();
    await endpoint?.close();
    for (const name of settings) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const keep = (res: { logs: { message: string }[]; error?: Error }) => {
    texts.push(...res.logs.map((l) => l.message));
    if (res.error) texts.push(res.error.message, res.error.stack ?? '', String(res.error.cause));
  };

  it('queries and ingests as the granted identity, named by %Setting% or by its client id', async () => {
    const read = await harness.invokeHttp('ipMiGranted');
    keep(read);
    expect(read.error).to.equal(undefined);
    expect(read.json()).to.deep.equal([{ Id: 1, Name: 'one' }]);

    const added = await harness.invokeHttp('ipMiAdd', { method: 'POST' });
    keep(added);
    expect(added.error).to.equal(undefined);
    expect(added.status).to.equal(201);
    const [count] = await emulator.executeQuery('db', 'T | where Id == 2 | count');
    expect(Number(count.rows[0][0])).to.equal(1);
  });

  it('fails the invocation of an identity without a grant with the cluster 403 naming it', async () => {
    const res = await harness.invokeHttp('ipMiUngranted');
    keep(res);
    expect(res.status).to.equal(500);
    expect(res.error?.message)
      .to.include("Kusto input 'kustoInput0' of ipMiUngranted")
      .and.to.include('403')
      .and.to.include(`Principal '${principal(UNGRANTED)}'`)
      .and.to.include("database 'db'");
  });

  it('holds the granted identity to its grant: dropped, the query fails with 403; restored, it succeeds', async () => {
    await emulator.runScript('db', `.drop database db users ('${principal(GRANTED)}')`);
    const refused = await harness.invokeHttp('ipMiGranted');
    keep(refused);
    expect(refused.status).to.equal(500);
    expect(refused.error?.message)
      .to.include('403')
      .and.to.include(`Principal '${principal(GRANTED)}'`);

    await emulator.runScript('db', `.add database db users ('${principal(GRANTED)}')`);
    const restored = await harness.invokeHttp('ipMiGranted');
    keep(restored);
    expect(restored.error).to.equal(undefined);
    expect(restored.json()).to.have.length.greaterThan(0);
  });

  it('never puts a token in a log line or an error', async () => {
    // msal-node caches tokens process-wide: asking again gives the very tokens the bindings sent.
    const tokens = await Promise.all(
      [GRANTED, UNGRANTED].map(
        async (clientId) =>
          (await new ManagedIdentityCredential({ clientId }).getToken(`${emulator.url}/.default`)).token,
      ),
    );
    const text = [...engineLogs, ...texts].join('\n');
    expect(text).to.include('403');
    for (const token of tokens) {
      expect(token.split('.')).to.have.length(3);
      expect(text).not.to.include(token);
      expect(text).not.to.include(token.split('.')[2]);
    }
    expect(text).not.to.match(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/);
  });
});
