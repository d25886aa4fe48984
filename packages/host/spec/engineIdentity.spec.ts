import { expect } from 'chai';
import { ManagedIdentityCredential } from '@azure/identity';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { createKustoEngine, type KustoEngine } from 'kusto-functions-engine';
import type { KustoInputBinding, KustoOutputBinding } from 'kusto-functions-bindings';
import { LOCAL_TENANT_ID, readManagedIdentities, sharedIdentityEndpoint, type IdentityEndpoint } from '../lib/identity';
import { withIdentityEnvironment } from './support/identity';

// The binding engine as in-process mode runs it (and the local host), with IDENTITY_ENDPOINT set as App Service
// sets it: a binding's managedServiceIdentity signs in to an emulator that checks the local issuer's tokens and the
// database's grants.
const READER = '1b7e4c9a-2d3f-4a5b-8c6d-7e8f9a0b1c2d';
const WRITER = '5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f';
const STRANGER = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

describe('engine bindings with managedServiceIdentity against an emulator that checks identities', function () {
  this.timeout(60_000);
  const identities = readManagedIdentities(
    { SystemAssigned: true, UserAssigned: [READER, WRITER] },
    'local.settings.json',
    '/apps/engine-identity-spec',
  );
  const system = identities[0].clientId;
  let endpoint: IdentityEndpoint;
  let unregister: () => void;
  let restoreEnv: () => void;
  let emulator: KustoEmulator;
  let engine: KustoEngine;
  const logs: string[] = [];
  const errors: string[] = [];

  before(async () => {
    endpoint = await sharedIdentityEndpoint();
    unregister = endpoint.register(identities);
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
        `.add database db viewers ('aadapp=${system};${LOCAL_TENANT_ID}')`,
        `.add database db users ('aadapp=${READER};${LOCAL_TENANT_ID}')`,
        `.add database db ingestors ('aadapp=${WRITER};${LOCAL_TENANT_ID}')`,
      ].join('\n\n'),
    );
    engine = createKustoEngine({
      env: {
        Kusto: emulator.connectionString('db'),
        IDENTITY_ENDPOINT: endpoint.endpoint,
        IDENTITY_HEADER: endpoint.header,
        ReaderId: READER,
      },
      log: (_level, message) => logs.push(message),
    });
  });
  after(async () => {
    await engine?.close();
    await emulator?.close();
    restoreEnv?.();
    unregister?.();
  });

  const input = (msi?: string): KustoInputBinding => ({
    type: 'kusto',
    name: 'kustoInput0',
    database: 'db',
    connection: 'Kusto',
    kqlCommand: 'T | project Id, Name | order by Id asc | take 1',
    ...(msi ? { managedServiceIdentity: msi } : {}),
  });
  const output = (msi: string): KustoOutputBinding => ({
    type: 'kusto',
    name: 'kustoOutput1',
    database: 'db',
    connection: 'Kusto',
    tableName: 'T',
    managedServiceIdentity: msi,
  });
  const failure = async (call: Promise<unknown>): Promise<Error> => {
    const error = await call.then(
      () => expect.fail('expected the binding to fail'),
      (e: Error) => e,
    );
    errors.push(`${error.message}\n${error.stack}\n${String((error as { cause?: unknown }).cause)}`);
    return error;
  };

  it('queries as the system-assigned identity and as a user-assigned one named by %Setting%', async () => {
    const expected = [{ Id: 1, Name: 'one' }];
    expect(await engine.runInput(input('system'), { functionName: 'bySystem' })).to.deep.equal(expected);
    expect(await engine.runInput(input('%ReaderId%'), { functionName: 'byReader' })).to.deep.equal(expected);
  });

  it('queries as the local developer when the binding names no identity', async () => {
    expect(await engine.runInput(input(), { functionName: 'developer' })).to.have.length(1);
  });

  it('ingests as an ingestor, and is refused a query it holds no viewer role for, with the 403 naming it', async () => {
    await engine.runOutput(output(WRITER), [{ Id: 2, Name: 'two' }], { functionName: 'writer' });
    const rows = await emulator.executeQuery('db', 'T | where Id == 2 | count');
    expect(rows[0].rows).to.have.length(1);
    expect(Number(rows[0].rows[0][0])).to.equal(1);
    const error = await failure(engine.runInput(input(WRITER), { functionName: 'writerReads' }));
    expect(error.message)
      .to.include('403')
      .and.to.include(`aadapp=${WRITER};${LOCAL_TENANT_ID}`)
      .and.to.include("database 'db'");
  });

  it('fails an identity the app does not declare, naming it, without probing anything else', async () => {
    const error = await failure(engine.runInput(input(STRANGER), { functionName: 'stranger' }));
    expect(error.message).to.include(STRANGER);
  });

  it('never puts a token in a log line or an error', async () => {
    const tokens = await Promise.all(
      [undefined, READER, WRITER].map(
        async (clientId) =>
          (await new ManagedIdentityCredential(clientId ? { clientId } : {}).getToken(`${emulator.url}/.default`))
            .token,
      ),
    );
    const text = [...logs, ...errors].join('\n');
    expect(errors.length).to.be.greaterThan(0);
    for (const token of tokens) {
      expect(text).not.to.include(token);
      expect(text).not.to.include(token.split('.')[2]);
    }
    expect(text).not.to.match(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/);
  });
});
