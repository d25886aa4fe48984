import { expect } from 'chai';
import { Readable } from 'node:stream';
import { toKustoError } from '../lib/server';
import { failure, kustoIngest, useEmulator } from './support/emulatorFixture';
import type { StatusQueue } from './support/queuedFixture';

const { DataFormat, ReportLevel, ReportMethod } = kustoIngest;

/** The first message a status queue holds, polled a bounded number of times. */
async function firstMessage(queue: StatusQueue): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const popped = await queue.pop(1);
    if (popped.length > 0) return popped[0] as unknown as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('Timed out waiting for a status message.');
}

interface Frame {
  FrameType: string;
  TableKind?: string;
  Columns?: { ColumnName: string; ColumnType: string }[];
  Rows?: unknown[][];
}

describe('emulator: REST protocol details', () => {
  const fixture = useEmulator();

  before(async () => {
    await fixture.emulator.runScript(
      'db',
      `.create table Items (Id:long, Name:string)

.ingest inline into table Items <| 1,apple
2,pear
3,plum`,
    );
  });

  describe('GET /v2/rest/query and /v1/rest/query (db, csl and properties as URL parameters)', () => {
    const get = (path: string, params: Record<string, string>) =>
      fetch(`${fixture.emulator.url}${path}?${new URLSearchParams(params).toString()}`);

    it('answers GET /v2/rest/query with the v2 frames of the query', async () => {
      const response = await get('/v2/rest/query', { db: 'db', csl: 'Items | where Id >= 2 | order by Id asc' });
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-ms-activity-id')).to.match(/^[0-9a-f-]{36}$/);
      const frames = (await response.json()) as Frame[];
      expect(frames[0].FrameType).to.equal('DataSetHeader');
      expect(frames[frames.length - 1]).to.include({ FrameType: 'DataSetCompletion', HasErrors: false });
      const primary = frames.find((f) => f.TableKind === 'PrimaryResult');
      expect(primary?.Columns?.map((c) => c.ColumnName)).to.deep.equal(['Id', 'Name']);
      expect(primary?.Rows).to.deep.equal([
        [2, 'pear'],
        [3, 'plum'],
      ]);
    });

    it('answers GET /v1/rest/query with the v1 tables, and takes query parameters from properties', async () => {
      const properties = JSON.stringify({ Parameters: { name: 'plum' } });
      const response = await get('/v1/rest/query', {
        db: 'db',
        csl: 'declare query_parameters (name:string); Items | where Name == name | project Id',
        properties,
      });
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { Tables: { TableName: string; Rows: unknown[][] }[] };
      expect(body.Tables[0].Rows).to.deep.equal([[3]]);
      expect(body.Tables[body.Tables.length - 1].TableName).to.equal(`Table_${body.Tables.length - 1}`);
    });

    it('answers a GET without csl with 400, and a GET of /v1/rest/mgmt (POST only) with 405', async () => {
      const noCsl = await get('/v2/rest/query', { db: 'db' });
      expect(noCsl.status).to.equal(400);
      expect(((await noCsl.json()) as { error: { '@message': string } }).error['@message']).to.contain('"csl"');
      const mgmt = await get('/v1/rest/mgmt', { db: 'db', csl: '.drop table Items' });
      expect(mgmt.status).to.equal(405);
      expect((await fixture.client.execute('db', 'Items | count')).primaryResults[0].toJSON().data).to.deep.equal([
        { Count: 3 },
      ]);
    });
  });

  describe("errors in Kusto's shape", () => {
    it('reports a semantic error as SemanticException with the code in innererror, through the official client', async () => {
      const f = await failure(fixture.client.execute('db', 'Items | where Weight > 1'));
      expect(f.status).to.equal(400);
      expect(f.error.code).to.equal('General_BadRequest');
      expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.SemanticException');
      expect(f.error['@message']).to.match(/^Semantic error: .*'Weight'/);
      const inner = (f.error as unknown as { innererror: Record<string, unknown> }).innererror;
      expect(inner.code).to.match(/^KS\d+$/);
      expect(inner['@errorCode']).to.equal(inner.code);
      expect(inner['@type']).to.equal('Kusto.Data.Exceptions.SemanticException');
      expect(inner['@errorMessage']).to.contain("'Weight'");
      expect(inner['@message']).to.equal(f.error['@message']);
      expect(inner['@permanent']).to.equal(true);
      expect((inner['@context'] as Record<string, unknown>).clientRequestId).to.equal(
        f.error['@context'].clientRequestId,
      );
    });

    it('reports a syntax error as SyntaxException with its code in innererror', async () => {
      const f = await failure(fixture.client.execute('db', 'Items | where'));
      expect(f.status).to.equal(400);
      expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.SyntaxException');
      const inner = (f.error as unknown as { innererror: Record<string, unknown> }).innererror;
      expect(inner.code).to.match(/^KS\d+$/);
      expect(inner['@type']).to.equal('Kusto.Data.Exceptions.SyntaxException');
    });

    it("answers with the REST API's status codes: 400, 403, 404, and 520 for a failure of the emulator's own", async () => {
      const url = fixture.emulator.url;
      const bad = await fetch(`${url}/v2/rest/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"db":"db"}',
      });
      const unknown = await fetch(`${url}/v3/rest/query`, { method: 'POST' });
      const denied = await fetch(`${url}/v1/rest/mgmt`, {
        method: 'POST',
        headers: { origin: 'http://attacker.example', 'content-type': 'application/json' },
        body: '{"db":"db","csl":".show tables"}',
      });
      expect([bad.status, unknown.status, denied.status]).to.deep.equal([400, 404, 403]);
      // An unexpected failure (a bug, not the request's fault) is the REST API's 520 ServiceError, not permanent.
      const internal = toKustoError(new RangeError('Maximum call stack size exceeded'));
      expect(internal).to.include({ status: 520, kustoType: 'Kusto.Data.Exceptions.KustoServiceException' });
      expect(internal.permanent).to.equal(false);
    });
  });

  describe('queued ingestion status through the documented status API', () => {
    it('reports success and failure to the status queues, read with IngestStatusQueues (no client option needed)', async () => {
      await fixture.client.executeMgmt('db', '.create table Queued (Id:long)');
      const queued = new kustoIngest.IngestClient(fixture.emulator.connectionString('db'));
      try {
        const statusQueues = new kustoIngest.IngestStatusQueues(queued);
        const props = {
          database: 'db',
          format: DataFormat.CSV,
          reportLevel: ReportLevel.FailuresAndSuccesses,
          reportMethod: ReportMethod.Queue,
          flushImmediately: true,
        };
        await queued.ingestFromStream(Readable.from([Buffer.from('1\n2\n')]), { ...props, table: 'Queued' });
        await queued.ingestFromStream(Readable.from([Buffer.from('3\n')]), { ...props, table: 'NoSuchTable' });
        await fixture.emulator.processIngestionQueue();
        const success = await firstMessage(statusQueues.success);
        const failed = await firstMessage(statusQueues.failure);
        expect(success).to.include({ Database: 'db', Table: 'Queued' });
        expect(failed).to.include({ Database: 'db', Table: 'NoSuchTable', FailureStatus: 'Permanent' });
        const count = await fixture.client.execute('db', 'Queued | count');
        expect(count.primaryResults[0].toJSON().data).to.deep.equal([{ Count: 2 }]);
      } finally {
        queued.close();
      }
    });

    it("names the one option the status table needs: @azure/data-tables' allowInsecureConnection (README)", async () => {
      // azure-kusto-ingest builds the status table's client itself, without it; against http:// it cannot connect.
      await fixture.client.executeMgmt('db', '.create table InTable (Id:long)');
      const queued = new kustoIngest.IngestClient(fixture.emulator.connectionString('db'));
      try {
        const result = await queued.ingestFromStream(Readable.from([Buffer.from('1\n')]), {
          database: 'db',
          table: 'InTable',
          format: DataFormat.CSV,
          reportLevel: ReportLevel.FailuresAndSuccesses,
          reportMethod: ReportMethod.Table,
          flushImmediately: true,
        });
        const error = await result.getIngestionStatusCollection().then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.message).to.contain('allowInsecureConnection');
      } finally {
        queued.close();
      }
    });
  });
});
