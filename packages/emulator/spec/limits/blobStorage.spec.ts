import { expect } from 'chai';
import { ContainerClient } from '@azure/storage-blob';
import { kustoIngest, rowsOf, streamOf } from '../support/emulatorFixture';
import { statusOf, useQueuedEmulator } from '../support/queuedFixture';
import { seededRandom, stillServing } from './support';

/** The status code and storage error code of a failed SDK call. */
async function storageFailure(
  call: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const { statusCode, details, message } = error as {
      statusCode?: number;
      details?: { errorCode?: string };
      message: string;
    };
    return { statusCode, code: details?.errorCode, message };
  }
  throw new Error('Expected the storage call to fail, but it succeeded.');
}

const MiB = 1024 * 1024;
const CAP = 4 * MiB;

describe('limits: blobs uploaded for queued ingestion and never queued', () => {
  const fixture = useQueuedEmulator({ queuedIngestionStorageBytes: CAP });
  let container: ContainerClient;

  before(async () => {
    const rows = rowsOf(await fixture.client.executeMgmt('NetDefaultDB', '.get ingestion resources'));
    const url = rows.find((r) => r.ResourceTypeName === 'TempStorage')?.StorageRoot as string;
    container = new ContainerClient(url, undefined, { retryOptions: { maxTries: 1 } });
  });

  afterEach(async () => {
    for await (const name of ['a', 'b', 'c', ...Array.from({ length: 40 }, (_, i) => `r${i}`)]) {
      await container.getBlockBlobClient(name).deleteIfExists();
    }
  });

  it("refuses uploads past the cap with Azure Storage's ServerBusy, whatever the sizes, and keeps serving", async () => {
    const random = seededRandom('blob sizes');
    let held = 0;
    let refused = 0;
    for (let i = 0; held < CAP && i < 40; i++) {
      const size = random.int(1, 2 * MiB);
      const blob = container.getBlockBlobClient(`r${i}`);
      // Half the uploads in one Put Blob, half as staged blocks.
      const upload =
        random.next() < 0.5
          ? blob.uploadData(Buffer.alloc(size, 1))
          : blob.uploadData(Buffer.alloc(size, 2), { blockSize: 256 * 1024 });
      if (held + size <= CAP) {
        await upload;
        held += size;
      } else {
        const f = await storageFailure(upload);
        expect(f, `${size} bytes with ${held} held`).to.include({ statusCode: 503, code: 'ServerBusy' });
        expect(f.message).to.match(/Ingress is over the account limit/);
        refused++;
        break;
      }
    }
    expect(refused).to.equal(1);
    await stillServing(fixture.client);
  });

  it('makes room again when a blob is deleted or ingested', async () => {
    await container.getBlockBlobClient('a').uploadData(Buffer.alloc(3 * MiB, 1));
    const b = container.getBlockBlobClient('b');
    expect(await storageFailure(b.uploadData(Buffer.alloc(2 * MiB, 1)))).to.include({ statusCode: 503 });
    await container.getBlockBlobClient('a').delete();
    await b.uploadData(Buffer.alloc(2 * MiB, 1));

    // A queued ingestion's blob leaves the held bytes once ingested: 2 MiB held + 1.5 MiB ingested + 1.5 MiB fits.
    await fixture.client.executeMgmt('db', '.create-merge table Q (v:string)');
    const csv = `${'x'.repeat(1000)}\n`.repeat(1536);
    const result = await fixture.queued.ingestFromStream(streamOf(csv), {
      database: 'db',
      table: 'Q',
      format: kustoIngest.DataFormat.CSV,
      reportLevel: kustoIngest.ReportLevel.FailuresAndSuccesses,
      reportMethod: kustoIngest.ReportMethod.Table,
      flushImmediately: true,
    });
    expect((await statusOf(result)).Status).to.equal('Succeeded');
    await container.getBlockBlobClient('c').uploadData(Buffer.alloc(1.5 * MiB, 1));
  });
});
