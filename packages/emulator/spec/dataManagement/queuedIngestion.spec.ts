import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import type { Value } from '../../lib';
import { startEmulator } from '../../lib';
import { kustoIngest, rowsOf, startFailure, streamOf } from '../support/emulatorFixture';
import { emptied, eventually, statusOf, useQueuedEmulator } from '../support/queuedFixture';

const { DataFormat, ReportLevel, ReportMethod } = kustoIngest;

// azure-kusto-ingest's putRecordInTable retries its Pending insert with 1 s and 2 s backoffs whatever happens
// (it never leaves its loop on success), so each ingestion reporting to the status table takes about 3 s.
const TABLE_REPORT_MS = 3_000;

describe('emulator queued ingestion (QueuedIngestClient)', function () {
  this.timeout(4 * TABLE_REPORT_MS + 10_000);
  const fixture = useQueuedEmulator();
  const mgmt = (command: string) => fixture.client.executeMgmt('db', command);
  const extents = (table: string) => fixture.emulator.catalog.get('db')?.tables.get(table)?.extents ?? [];
  const rows = (table: string): Value[][] => extents(table).flatMap((e) => e.rows);
  const toTable = (more: Partial<KustoIngest.IngestionProperties> = {}) =>
    ({
      database: 'db',
      table: 'Events',
      format: DataFormat.CSV,
      reportLevel: ReportLevel.FailuresAndSuccesses,
      reportMethod: ReportMethod.Table,
      flushImmediately: true,
      ...more,
    }) as KustoIngest.IngestionProperties;

  beforeEach(async () => {
    await mgmt('.drop tables (Events) ifexists');
    await mgmt('.create table Events (Id:long, Name:string)');
  });

  it('ingests a CSV stream, records its ingestion time, and reports Succeeded in the status table', async () => {
    const before = Date.now();
    const result = await fixture.queued.ingestFromStream(streamOf('1,a\n2,b\n'), toTable());
    const status = await statusOf(result);
    const after = Date.now();

    expect(status.Status).to.equal('Succeeded');
    expect(status).to.include({ Database: 'db', Table: 'Events', ErrorCode: 'Unknown', Details: '' });
    expect(status.IngestionSourcePath).to.match(
      /^http:\/\/127\.0\.0\.1:\d+\/dm\/ingestdata\/db__Events__[-0-9a-f]+\.csv$/,
    );
    const response = await fixture.client.execute('db', 'Events | extend At = ingestion_time() | order by Id asc');
    const data = rowsOf(response);
    expect(data.map((r) => [r.Id, r.Name])).to.deep.equal([
      [1, 'a'],
      [2, 'b'],
    ]);
    for (const row of data) {
      const at = new Date(row.At as string).getTime();
      expect(at).to.be.within(before, after);
    }
  });

  it('uploads a file gzip-compressed and ingests it through a stored JSON mapping', async () => {
    await mgmt(
      `.create table Events ingestion json mapping 'byPath' '[` +
        `{"column":"Id","Properties":{"Path":"$.id"}},{"column":"Name","Properties":{"Path":"$.info.name"}}]'`,
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'queued-'));
    const file = path.join(dir, 'events.json');
    await fs.writeFile(file, '{"id": 7, "info": {"name": "seven"}}\n{"id": 8, "info": {"name": "eight"}}\n');
    try {
      const result = await fixture.queued.ingestFromFile(
        file,
        toTable({ format: DataFormat.JSON, ingestionMappingReference: 'byPath' }),
      );
      expect((await statusOf(result)).Status).to.equal('Succeeded');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    const uploads = fixture.requests.filter((r) => r.method === 'PUT' && r.url.startsWith('/dm/ingestdata/'));
    expect(uploads.at(-1)?.url).to.match(/__events\.json\.gz\?/);
    expect(rows('Events')).to.deep.equal([
      [7n, 'seven'],
      [8n, 'eight'],
    ]);
  });

  it('ingests MULTIJSON: arrays and objects spanning lines', async () => {
    const result = await fixture.queued.ingestFromStream(
      streamOf('[{"Id": 1, "Name": "x"}, {"Id": 2}]\n{\n  "Id": 3,\n  "Name": "z"\n}'),
      toTable({ format: DataFormat.MULTIJSON }),
    );
    expect((await statusOf(result)).Status).to.equal('Succeeded');
    expect(rows('Events')).to.deep.equal([
      [1n, 'x'],
      [2n, ''],
      [3n, 'z'],
    ]);
  });

  it('fails a blob with a bad value as a whole: Failed, naming row, column and value; nothing appended', async () => {
    const result = await fixture.queued.ingestFromStream(streamOf('1,a\nnot-a-number,b\n3,c\n'), toTable());
    const status = await statusOf(result);

    expect(status).to.include({ Status: 'Failed', FailureStatus: 'Permanent' });
    expect(status.ErrorCode).to.equal('BadRequest_IngestionDataConversionFailed');
    expect(status.Details).to.match(/row 2, column 'Id' \(long\): value "not-a-number"/);
    expect(rows('Events')).to.deep.equal([]);
  });

  it('ingests a tag once with ingestIfNotExists, reporting the repeat as Skipped', async () => {
    const once = toTable({ ingestByTags: ['batch-1'], ingestIfNotExists: '["batch-1"]' });
    const first = await statusOf(await fixture.queued.ingestFromStream(streamOf('1,a\n2,b\n'), once));
    const second = await statusOf(await fixture.queued.ingestFromStream(streamOf('1,a\n2,b\n'), once));

    expect(first.Status).to.equal('Succeeded');
    expect(second).to.include({ Status: 'Skipped', ErrorCode: 'Skipped_IngestByTagAlreadyExists' });
    expect(extents('Events').map((e) => e.tags)).to.deep.equal([['ingest-by:batch-1']]);
    expect(rows('Events')).to.have.length(2);
  });

  it('reports to the status queues by default: failures to the failed queue, read with IngestStatusQueues', async () => {
    const queues = new kustoIngest.IngestStatusQueues(fixture.queued);
    await emptied(queues.failure);
    await emptied(queues.success);

    const queuedOnly = await fixture.queued.ingestFromStream(streamOf('1,a\n'), {
      database: 'db',
      table: 'Missing',
      format: DataFormat.CSV,
      flushImmediately: true,
    } as KustoIngest.IngestionProperties);
    expect((await queuedOnly.getIngestionStatusCollection()).Status).to.equal('Queued');
    await fixture.emulator.processIngestionQueue();

    const failures = (await queues.failure.pop(1)) as unknown as Record<string, unknown>[];
    expect(failures).to.have.length(1);
    expect(failures[0]).to.include({ Database: 'db', Table: 'Missing', ErrorCode: 'BadRequest_TableNotExist' });
    expect(failures[0].Details).to.match(/Table 'Missing' does not exist/);
    expect(await queues.success.isEmpty()).to.equal(true);
  });

  it('reports successes to the successful queue when asked for FailuresAndSuccesses by queue', async () => {
    const queues = new kustoIngest.IngestStatusQueues(fixture.queued);
    await emptied(queues.success);
    await fixture.queued.ingestFromStream(
      streamOf('5,e\n'),
      toTable({ reportMethod: ReportMethod.Queue, flushImmediately: false }),
    );
    await fixture.emulator.processIngestionQueue();

    const successes = (await queues.success.pop(1)) as unknown as Record<string, unknown>[];
    expect(successes).to.have.length(1);
    expect(successes[0]).to.include({ Database: 'db', Table: 'Events' });
    expect(successes[0].IngestionSourcePath).to.match(/\/dm\/ingestdata\/db__Events__/);
    expect(rows('Events')).to.deep.equal([[5n, 'e']]);
  });

  it('ingests messages without FlushImmediately on the next run of its timer', async () => {
    await fixture.queued.ingestFromStream(
      streamOf('9,i\n'),
      toTable({ reportMethod: ReportMethod.Queue, flushImmediately: false }),
    );
    await eventually(() => rows('Events').length === 1, 'the timer ingested the message');
    expect(rows('Events')).to.deep.equal([[9n, 'i']]);
  });

  it('fails a blob that is not in its own storage, without its SAS in the report', async () => {
    const queues = new kustoIngest.IngestStatusQueues(fixture.queued);
    await emptied(queues.failure);
    await fixture.queued.ingestFromBlob('https://elsewhere.blob.core.windows.net/c/data.csv?sig=secret', {
      database: 'db',
      table: 'Events',
      format: DataFormat.CSV,
    } as KustoIngest.IngestionProperties);
    await fixture.emulator.processIngestionQueue();

    const [failure] = (await queues.failure.pop(1)) as unknown as Record<string, unknown>[];
    expect(failure).to.include({ ErrorCode: 'BadRequest_NotSupported', FailureStatus: 'Permanent' });
    expect(failure.Details).to.include('https://elsewhere.blob.core.windows.net/c/data.csv').and.not.include('secret');
  });
});

describe('emulator queued ingestion on close', () => {
  it('ingests what is still queued when the emulator closes', async () => {
    const emulator = await startEmulator({ databases: ['db'], queuedIngestionIntervalMs: 3_600_000 });
    let client: KustoIngest.IngestClient | undefined;
    try {
      client = new kustoIngest.IngestClient(emulator.connectionString('db'));
      await emulator.executeCommand('db', '.create table Events (Id:long, Name:string)');
      await client.ingestFromStream(streamOf('1,a\n2,b\n'), {
        database: 'db',
        table: 'Events',
        format: DataFormat.CSV,
      } as KustoIngest.IngestionProperties);
      const table = emulator.catalog.get('db')?.tables.get('Events');
      expect(table?.extents).to.deep.equal([]);
    } finally {
      client?.close();
      await emulator.close();
    }
    const rows = emulator.catalog
      .get('db')
      ?.tables.get('Events')
      ?.extents.flatMap((e) => e.rows);
    expect(rows).to.deep.equal([
      [1n, 'a'],
      [2n, 'b'],
    ]);
  });

  it('rejects an interval that is not a positive number of milliseconds', async () => {
    const caught = await startFailure({ queuedIngestionIntervalMs: 0 });
    expect(caught).to.be.instanceOf(RangeError);
    expect((caught as Error).message).to.match(/queuedIngestionIntervalMs must be a positive number/);
  });
});
