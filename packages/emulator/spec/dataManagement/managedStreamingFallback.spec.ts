import { expect } from 'chai';
import { Readable } from 'node:stream';
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import { kustoIngest, streamOf } from '../support/emulatorFixture';
import { useQueuedEmulator } from '../support/queuedFixture';

const { DataFormat } = kustoIngest;

// ManagedStreamingIngestClient streams payloads up to 4 MB and queues larger ones.
const STREAMING_LIMIT_BYTES = 4 * 1024 * 1024;

/** CSV rows `i,name-i-xxx…` totalling more than `bytes`, in chunks as a file or socket would deliver them. */
function largeCsv(bytes: number): { stream: Readable; rows: number } {
  const padding = 'x'.repeat(80);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size <= bytes; i++) {
    const line = `${i},name-${i}-${padding}\n`;
    lines.push(line);
    size += line.length;
  }
  const chunks: Buffer[] = [];
  for (let i = 0; i < lines.length; i += 1000) chunks.push(Buffer.from(lines.slice(i, i + 1000).join('')));
  return { stream: Readable.from(chunks), rows: lines.length };
}

describe('emulator with ManagedStreamingIngestClient', function () {
  this.timeout(30_000);
  const fixture = useQueuedEmulator();
  let managed: KustoIngest.ManagedStreamingIngestClient;
  const props = { database: 'db', table: 'Events', format: DataFormat.CSV } as KustoIngest.IngestionProperties;
  const table = () => fixture.emulator.catalog.get('db')?.tables.get('Events');

  before(() => {
    // Engine and DM on one URL: azure-kusto-ingest adds no ingest- prefix to an IP host.
    const connection = fixture.emulator.connectionString('db');
    managed = new kustoIngest.ManagedStreamingIngestClient(connection, connection);
  });
  after(() => managed?.close());
  beforeEach(async () => {
    await fixture.client.executeMgmt('db', '.drop tables (Events) ifexists');
    await fixture.client.executeMgmt('db', '.create table Events (Id:long, Name:string)');
    await fixture.client.executeMgmt('db', '.alter table Events policy streamingingestion enable');
    fixture.requests.length = 0;
  });

  it('streams a small payload: no blob upload, rows once', async () => {
    await managed.ingestFromStream(streamOf('1,a\n2,b\n'), props);

    expect(fixture.requests.some((r) => r.url.startsWith('/v1/rest/ingest/db/Events'))).to.equal(true);
    expect(fixture.requests.some((r) => r.url.startsWith('/dm/'))).to.equal(false);
    expect(table()?.extents.flatMap((e) => e.rows)).to.deep.equal([
      [1n, 'a'],
      [2n, 'b'],
    ]);
  });

  it('falls back to queued ingestion above the 4 MB streaming limit, ingesting the rows exactly once', async () => {
    const { stream, rows } = largeCsv(STREAMING_LIMIT_BYTES + 256 * 1024);
    const result = (await managed.ingestFromStream(stream, props)) as KustoIngest.IngestionResult;
    expect((await result.getIngestionStatusCollection()).Status).to.equal('Queued');
    await fixture.emulator.processIngestionQueue();

    expect(fixture.requests.some((r) => r.url.startsWith('/v1/rest/ingest/'))).to.equal(false);
    const uploads = fixture.requests.filter((r) => r.method === 'PUT' && r.url.startsWith('/dm/ingestdata/'));
    expect(uploads.map((r) => new URL(r.url, 'http://x').searchParams.get('comp'))).to.include('blocklist');
    const extents = table()?.extents ?? [];
    expect(extents).to.have.length(1);
    // Each row once. Not in order: the client's merge of its 4 MB probe buffer with the rest of the stream
    // pipes both into one PassThrough at once, so the rest can come first (Kusto keeps no row order anyway).
    const ids = extents[0].rows.map((row) => Number(row[0])).sort((a, b) => a - b);
    expect(ids).to.deep.equal(Array.from({ length: rows }, (_, i) => i));
    expect(extents[0].rows.every((row) => row[1] === `name-${row[0]}-${'x'.repeat(80)}`)).to.equal(true);
  });
});
