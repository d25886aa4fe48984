import { expect } from 'chai';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import { KustoConnectionStringBuilder } from 'azure-kusto-data';
import { type KustoEmulator, startEmulator } from '../../lib';
import { kustoIngest, streamOf } from '../support/emulatorFixture';
import { statusOf } from '../support/queuedFixture';

const { DataFormat, ReportLevel, ReportMethod } = kustoIngest;
const issuer = 'http://127.0.0.1:9/';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const tenant = '72f988bf-0000-4000-8000-00000000abcd';

function tokenFor(appId: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: issuer,
    aud: audience,
    appid: appId,
    azp: appId,
    tid: tenant,
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
  const signed = `${part({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${part(claims)}`;
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), keys.privateKey).toString('base64url')}`;
}

// Queued ingestion is processed by the data management service: it holds the message to the roles of the principal
// whose token fetched the identity token the message carries.
describe('emulator identities: queued ingestion', function () {
  this.timeout(30_000);
  let emulator: KustoEmulator;
  before(async () => {
    emulator = await startEmulator({
      databases: ['db'],
      identity: { issuer, publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    await emulator.executeCommand('db', '.create table Events (Id:long, Name:string)');
  });
  after(() => emulator?.close());

  it('fails a principal without ingestors with Forbidden, and ingests once it is granted', async () => {
    const app = randomUUID();
    const fqn = `aadapp=${app};${tenant}`;
    const token = tokenFor(app, emulator.url);
    const queued = new kustoIngest.IngestClient(KustoConnectionStringBuilder.withAccessToken(emulator.url, token));
    const properties = {
      database: 'db',
      table: 'Events',
      format: DataFormat.CSV,
      reportLevel: ReportLevel.FailuresAndSuccesses,
      reportMethod: ReportMethod.Table,
      flushImmediately: true,
    } as KustoIngest.IngestionProperties;
    try {
      const refused = await statusOf(await queued.ingestFromStream(streamOf('1,a\n'), properties));
      expect(refused.Status).to.equal('Failed');
      expect(refused.ErrorCode).to.equal('Forbidden');
      expect(refused.Details).to.include(`Principal '${fqn}' is not authorized to ingest (queued) in database 'db'`);
      expect(JSON.stringify(refused)).not.to.include(token);
      expect(emulator.catalog.get('db')?.tables.get('Events')?.extents).to.have.length(0);

      await emulator.executeCommand('db', `.add database db ingestors ('${fqn}')`);
      const ingested = await statusOf(await queued.ingestFromStream(streamOf('2,b\n'), properties));
      expect(ingested.Status).to.equal('Succeeded');
      const rows = emulator.catalog
        .get('db')
        ?.tables.get('Events')
        ?.extents.flatMap((e) => e.rows);
      expect(rows).to.deep.equal([[2n, 'b']]);
    } finally {
      queued.close();
    }
  });
});
