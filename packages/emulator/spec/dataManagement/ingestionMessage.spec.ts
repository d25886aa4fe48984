import { expect } from 'chai';
import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { randomUUID } from 'node:crypto';
import { rowsOf } from '../support/emulatorFixture';
import { useQueuedEmulator } from '../support/queuedFixture';

// Messages written by hand, as other clients (C#, Python, Java) or tools post them, where azure-kusto-ingest
// leaves no choice (it always sends RetainBlobOnSuccess: true, numeric enums and base64).
describe('emulator ingestion messages', () => {
  const fixture = useQueuedEmulator();
  const resources = new Map<string, string>();
  let token = '';
  const noRetry = { retryOptions: { maxTries: 1 } };
  const queue = (type: string) => new QueueClient(resources.get(type) as string, undefined, noRetry);
  const container = () => new ContainerClient(resources.get('TempStorage') as string, undefined, noRetry);
  const rows = () =>
    fixture.emulator.catalog
      .get('db')
      ?.tables.get('Events')
      ?.extents.flatMap((e) => e.rows) ?? [];

  /** Uploads `data` as blob `name` and returns its URL with the SAS. */
  async function upload(name: string, data: string | Buffer): Promise<string> {
    const blob = container().getBlockBlobClient(name);
    await blob.uploadData(Buffer.from(data));
    return blob.url;
  }

  /** A message for `blobPath` into db.Events, reporting everything to the queues, with `more` on top. */
  function message(blobPath: string, more: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) {
    return {
      Id: randomUUID(),
      BlobPath: blobPath,
      RawDataSize: 0,
      DatabaseName: 'db',
      TableName: 'Events',
      RetainBlobOnSuccess: true,
      FlushImmediately: true,
      ReportLevel: 2,
      ReportMethod: 0,
      AdditionalProperties: { authorizationContext: token, format: 'csv', ...properties },
      ...more,
    };
  }

  /** Posts a message (base64 JSON unless `text` is given) and processes the queue. */
  async function post(body: object | string, base64 = true): Promise<void> {
    const json = typeof body === 'string' ? body : JSON.stringify(body);
    await queue('SecuredReadyForAggregationQueue').sendMessage(base64 ? Buffer.from(json).toString('base64') : json);
    await fixture.emulator.processIngestionQueue();
  }

  /** The next status message of a queue, decoded. */
  async function next(type: 'SuccessfulIngestionsQueue' | 'FailedIngestionsQueue'): Promise<Record<string, unknown>> {
    const { receivedMessageItems } = await queue(type).receiveMessages();
    expect(receivedMessageItems, `a message on ${type}`).to.have.length(1);
    const [item] = receivedMessageItems;
    await queue(type).deleteMessage(item.messageId, item.popReceipt);
    return JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as Record<string, unknown>;
  }

  before(async () => {
    const mgmt = (command: string) => fixture.client.executeMgmt('NetDefaultDB', command);
    for (const row of rowsOf(await mgmt('.get ingestion resources'))) {
      resources.set(row.ResourceTypeName as string, row.StorageRoot as string);
    }
    token = rowsOf(await mgmt('.get kusto identity token'))[0].AuthorizationContext as string;
  });
  beforeEach(async () => {
    await fixture.client.executeMgmt('db', '.drop tables (Events) ifexists');
    await fixture.client.executeMgmt('db', '.create table Events (Id:long, Name:string)');
  });

  it('deletes the blob after a success when RetainBlobOnSuccess is false, and keeps it otherwise', async () => {
    const dropped = await upload('dropped.csv', '1,a\n');
    const kept = await upload('kept.csv', '2,b\n');
    await post(message(dropped, { RetainBlobOnSuccess: false }));
    await post(message(kept));

    expect((await next('SuccessfulIngestionsQueue')).IngestionSourcePath).to.match(/\/dropped\.csv$/);
    expect((await next('SuccessfulIngestionsQueue')).IngestionSourcePath).to.match(/\/kept\.csv$/);
    expect(await container().getBlockBlobClient('dropped.csv').exists()).to.equal(false);
    expect(await container().getBlockBlobClient('kept.csv').exists()).to.equal(true);
    expect(rows()).to.deep.equal([
      [1n, 'a'],
      [2n, 'b'],
    ]);
  });

  it('reads plain JSON messages with enums by name', async () => {
    const path = await upload('named.csv', '3,c\n');
    await post(message(path, { ReportLevel: 'FailuresAndSuccesses', ReportMethod: 'Queue' }), false);
    expect(await next('SuccessfulIngestionsQueue')).to.include({ Database: 'db', Table: 'Events' });
    expect(rows()).to.deep.equal([[3n, 'c']]);
  });

  it('applies an inline mapping, tags and ignoreFirstRecord', async () => {
    const path = await upload('header.csv', 'name,id\nann,1\nbob,2\n');
    const mapping = JSON.stringify([
      { column: 'Id', Properties: { Ordinal: '1' } },
      { column: 'Name', Properties: { Ordinal: '0' } },
    ]);
    await post(message(path, {}, { ingestionMapping: mapping, tags: '["drop-by:x"]', ignoreFirstRecord: true }));

    await next('SuccessfulIngestionsQueue');
    expect(rows()).to.deep.equal([
      [1n, 'ann'],
      [2n, 'bob'],
    ]);
    const extents = fixture.emulator.catalog.get('db')?.tables.get('Events')?.extents ?? [];
    expect(extents.map((e) => e.tags)).to.deep.equal([['drop-by:x']]);
  });

  it('reports a message that is not JSON as BadRequest_CorruptedMessage', async () => {
    await post('this is not json', false);
    expect(await next('FailedIngestionsQueue')).to.include({ ErrorCode: 'BadRequest_CorruptedMessage' });
  });

  it('reports a message without a blob path as corrupted, naming the field', async () => {
    const { BlobPath: _omitted, ...withoutPath } = message('x');
    await post(withoutPath);
    const failure = await next('FailedIngestionsQueue');
    expect(failure).to.include({ ErrorCode: 'BadRequest_CorruptedMessage', IngestionSourceId: withoutPath.Id });
    expect(failure.Details).to.match(/no BlobPath/);
  });

  it('refuses a message carrying another identity token', async () => {
    const path = await upload('token.csv', '4,d\n');
    await post(message(path, {}, { authorizationContext: 'someone-else' }));
    expect(await next('FailedIngestionsQueue')).to.include({ ErrorCode: 'BadRequest_InvalidKustoIdentityToken' });
    expect(rows()).to.deep.equal([]);
  });

  it('fails a .gz blob that is not gzip data, and an empty blob', async () => {
    await post(message(await upload('broken.csv.gz', 'plain text')));
    expect(await next('FailedIngestionsQueue')).to.include({ ErrorCode: 'BadRequest_InvalidArchive' });
    await post(message(await upload('empty.csv', '')));
    expect(await next('FailedIngestionsQueue')).to.include({ ErrorCode: 'BadRequest_EmptyBlob' });
  });

  it('fails a missing blob and a missing mapping with their error codes', async () => {
    const url = new URL(resources.get('TempStorage') as string);
    await post(message(`${url.origin}${url.pathname}/never-uploaded.csv${url.search}`));
    expect(await next('FailedIngestionsQueue')).to.include({ ErrorCode: 'Download_SourceNotFound' });
    await post(message(await upload('m.json', '{}'), {}, { format: 'json', ingestionMappingReference: 'none' }));
    expect(await next('FailedIngestionsQueue')).to.include({ ErrorCode: 'BadRequest_MappingReferenceWasNotFound' });
  });
});
