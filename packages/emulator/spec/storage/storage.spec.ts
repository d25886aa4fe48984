import { expect } from 'chai';
import { TableClient } from '@azure/data-tables';
import { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { Readable } from 'node:stream';
import { rowsOf } from '../support/emulatorFixture';
import { useQueuedEmulator } from '../support/queuedFixture';

/** The status code and storage error code (`x-ms-error-code`, which every SDK exposes) of a failed SDK call. */
async function storageFailure(call: Promise<unknown>): Promise<{ statusCode?: number; code?: string }> {
  try {
    await call;
  } catch (error) {
    const { statusCode, details } = error as { statusCode?: number; details?: { errorCode?: string } };
    return { statusCode, code: details?.errorCode };
  }
  throw new Error('Expected the storage call to fail, but it succeeded.');
}

describe('emulator data management storage, through the Azure Storage SDKs', () => {
  const fixture = useQueuedEmulator();
  const resources = new Map<string, string>();
  const noRetry = { retryOptions: { maxTries: 1 } };

  before(async () => {
    const rows = rowsOf(await fixture.client.executeMgmt('NetDefaultDB', '.get ingestion resources'));
    for (const row of rows) resources.set(row.ResourceTypeName as string, row.StorageRoot as string);
  });

  const container = () => new ContainerClient(resources.get('TempStorage') as string, undefined, noRetry);
  const statusTable = () => {
    // As azure-kusto-ingest builds it: account URL with the SAS, and the path (account/table) as the table name.
    const url = new URL(resources.get('IngestionsStatusTable') as string);
    return new TableClient(url.origin + url.search, url.pathname.replace('/', ''), {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
  };

  describe('blobs', () => {
    it('uploads in one Put Blob and reads back, with its properties', async () => {
      const blob = container().getBlockBlobClient('single.csv');
      await blob.uploadData(Buffer.from('1,a\n2,b\n'), { blobHTTPHeaders: { blobContentType: 'text/csv' } });

      expect((await blob.downloadToBuffer()).toString()).to.equal('1,a\n2,b\n');
      const properties = await blob.getProperties();
      expect(properties.contentLength).to.equal(8);
      expect(properties.contentType).to.equal('text/csv');
      expect(properties.blobType).to.equal('BlockBlob');
    });

    it('uploads a stream as staged blocks and commits them in their listed order', async () => {
      const blob = container().getBlockBlobClient('blocks.csv');
      const chunks = Array.from({ length: 20 }, (_, i) => `${i},${'v'.repeat(i)}\n`);
      await blob.uploadStream(Readable.from(chunks.map((c) => Buffer.from(c))), 16, 4);

      const blocks = fixture.requests.filter((r) => r.url.includes('/blocks.csv?') && r.url.includes('comp=block&'));
      expect(blocks.length).to.be.greaterThan(1);
      expect((await blob.downloadToBuffer()).toString()).to.equal(chunks.join(''));
    });

    it('refuses a block list naming a block that was not staged', async () => {
      const blob = container().getBlockBlobClient('unstaged.csv');
      const failed = await storageFailure(blob.commitBlockList([Buffer.from('nope').toString('base64')]));
      expect(failed).to.include({ statusCode: 400, code: 'InvalidBlockList' });
    });

    it('answers 404 BlobNotFound for a blob that does not exist', async () => {
      const failed = await storageFailure(container().getBlockBlobClient('absent.csv').downloadToBuffer());
      expect(failed).to.include({ statusCode: 404, code: 'BlobNotFound' });
    });

    it('refuses a request without the SAS it handed out', async () => {
      const url = new URL(resources.get('TempStorage') as string);
      const blob = new BlockBlobClient(`${url.origin}${url.pathname}/unsigned.csv`, undefined, noRetry);
      const failed = await storageFailure(blob.uploadData(Buffer.from('1,a\n')));
      expect(failed).to.include({ statusCode: 403, code: 'AuthenticationFailed' });
    });

    it('answers operations it does not implement with 501 NotImplemented, never a silent success', async () => {
      expect(await storageFailure(container().getProperties())).to.include({ statusCode: 501, code: 'NotImplemented' });
      const blob = container().getBlockBlobClient('single.csv');
      expect(await storageFailure(blob.setMetadata({ a: 'b' }))).to.include({
        statusCode: 501,
        code: 'NotImplemented',
      });
    });

    it('answers 404 for a container it does not have', async () => {
      const url = new URL(resources.get('TempStorage') as string);
      const other = new ContainerClient(`${url.origin}/dm/othercontainer${url.search}`, undefined, noRetry);
      const failed = await storageFailure(other.getBlockBlobClient('x.csv').uploadData(Buffer.from('x')));
      expect(failed).to.include({ statusCode: 404, code: 'ResourceNotFound' });
    });
  });

  describe('queues', () => {
    const queue = () => new QueueClient(resources.get('SuccessfulIngestionsQueue') as string, undefined, noRetry);

    it('sends, peeks, receives (hiding the message) and deletes with the pop receipt', async () => {
      const sent = await queue().sendMessage('aGVsbG8=');
      expect(sent.messageId).to.be.a('string');

      const peeked = await queue().peekMessages({ numberOfMessages: 32 });
      expect(peeked.peekedMessageItems.map((m) => m.messageText)).to.deep.equal(['aGVsbG8=']);
      const received = await queue().receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
      expect(received.receivedMessageItems).to.have.length(1);
      const [message] = received.receivedMessageItems;
      expect(message).to.include({ messageId: sent.messageId, messageText: 'aGVsbG8=', dequeueCount: 1 });
      expect((await queue().peekMessages()).peekedMessageItems).to.deep.equal([]);

      const stale = await storageFailure(queue().deleteMessage(message.messageId, sent.popReceipt));
      expect(stale).to.include({ statusCode: 400, code: 'PopReceiptMismatch' });
      await queue().deleteMessage(message.messageId, message.popReceipt);
      const gone = await storageFailure(queue().deleteMessage(message.messageId, message.popReceipt));
      expect(gone).to.include({ statusCode: 404, code: 'MessageNotFound' });
    });

    it('refuses a message over 64 KB', async () => {
      const failed = await storageFailure(queue().sendMessage('x'.repeat(64 * 1024 + 1)));
      expect(failed).to.include({ statusCode: 413, code: 'RequestBodyTooLarge' });
    });
  });

  describe('status table', () => {
    it('inserts and reads an entity with its types, and refuses a second insert with 409', async () => {
      const at = new Date('2024-05-06T07:08:09.123Z');
      await statusTable().createEntity({
        partitionKey: 'p',
        rowKey: 'r1',
        Status: 'Pending',
        Count: 3,
        Ok: true,
        At: at,
      });

      const entity = await statusTable().getEntity<Record<string, unknown>>('p', 'r1');
      expect(entity).to.include({ partitionKey: 'p', rowKey: 'r1', Status: 'Pending', Count: 3, Ok: true });
      expect(entity.At).to.deep.equal(at);
      expect(entity.etag).to.match(/^W\/"datetime'/);
      const again = await storageFailure(statusTable().createEntity({ partitionKey: 'p', rowKey: 'r1' }));
      expect(again).to.include({ statusCode: 409, code: 'EntityAlreadyExists' });
    });

    it('merges with a matching ETag and refuses a stale one with 412', async () => {
      await statusTable().createEntity({ partitionKey: 'p', rowKey: 'r2', Status: 'Pending', Details: '' });
      const { etag } = await statusTable().getEntity('p', 'r2');
      await statusTable().updateEntity({ partitionKey: 'p', rowKey: 'r2', Status: 'Succeeded' }, 'Merge', { etag });

      expect(await statusTable().getEntity('p', 'r2')).to.include({ Status: 'Succeeded', Details: '' });
      const stale = await storageFailure(
        statusTable().updateEntity({ partitionKey: 'p', rowKey: 'r2', Status: 'Failed' }, 'Merge', { etag }),
      );
      expect(stale).to.include({ statusCode: 412, code: 'UpdateConditionNotSatisfied' });
    });

    it('deletes an entity, after which it is not found', async () => {
      await statusTable().createEntity({ partitionKey: 'p', rowKey: 'r3' });
      await statusTable().deleteEntity('p', 'r3');
      const failed = await storageFailure(statusTable().getEntity('p', 'r3'));
      expect(failed).to.include({ statusCode: 404, code: 'ResourceNotFound' });
    });

    it('answers queries, which it does not implement, with 501', async () => {
      const failed = await storageFailure(statusTable().listEntities().next());
      expect(failed).to.include({ statusCode: 501, code: 'NotImplemented' });
    });
  });
});
