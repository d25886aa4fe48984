/**
 * Queued ingestion requests kept on disk until they are processed: when the emulator has a data directory, a message
 * posted to the ingestion queue is written (with the blob it names, when that blob is the emulator's own) and fsynced
 * before the queue answers 201, and removed once the DM has processed it (its rows durable, or its failure reported).
 * At start, the requests found are queued again. A crash after the rows' fsync and before the removal ingests them a
 * second time: queued ingestion is at least once here, as it is in Kusto (`ingestIfNotExists` tags guard against it).
 * @internal
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { syncDirectory } from '../persistence/databaseStore';

/** The directory under the data directory: not a database's (those end in `.db`). */
export const QUEUED_DIRECTORY = 'dm.queued';

/** A queued request as kept on disk. */
export interface QueuedRequest {
  /** The ingestion message's text, as queued (what the processor reads). */
  messageText: string;
  /** The blob it names, without its signature (the key of the request). */
  blobPath: string;
  /** The blob's container, name, content type and bytes, when it is in the emulator's own storage. */
  blob?: { container: string; name: string; contentType: string; data: Buffer };
}

interface StoredRequest {
  messageText: string;
  blobPath: string;
  blob?: { container: string; name: string; contentType: string; data: string };
}

/** The requests of one data directory. */
export class QueuedJournal {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, QUEUED_DIRECTORY);
  }

  private file(blobPath: string): string {
    return path.join(this.dir, `${createHash('sha256').update(blobPath, 'utf8').digest('hex').slice(0, 40)}.json`);
  }

  /** Writes a request durably (temporary file, fsync, rename, fsync of the directory). */
  async save(request: QueuedRequest): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const stored: StoredRequest = {
      messageText: request.messageText,
      blobPath: request.blobPath,
      blob: request.blob && { ...request.blob, data: request.blob.data.toString('base64') },
    };
    const target = this.file(request.blobPath);
    const temp = `${target}.${process.pid}.tmp`;
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(stored));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    await syncDirectory(this.dir);
  }

  /** Forgets a processed request. */
  async remove(blobPath: string): Promise<void> {
    await fs.rm(this.file(blobPath), { force: true });
  }

  /** The requests kept, oldest first; unreadable files (a write cut short) are skipped with a warning. */
  async load(warn: (message: string) => void): Promise<QueuedRequest[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found: { at: number; request: QueuedRequest }[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (!name.endsWith('.json')) {
        // A temporary file of a save cut short: its request was never acknowledged.
        await fs.rm(file, { force: true });
        continue;
      }
      try {
        const stored = JSON.parse(await fs.readFile(file, 'utf8')) as StoredRequest;
        const { mtimeMs } = await fs.stat(file);
        found.push({
          at: mtimeMs,
          request: {
            messageText: stored.messageText,
            blobPath: stored.blobPath,
            blob: stored.blob && { ...stored.blob, data: Buffer.from(stored.blob.data, 'base64') },
          },
        });
      } catch (error) {
        warn(`Kusto emulator: skipped the queued ingestion request ${file}: ${(error as Error).message}`);
      }
    }
    return found.sort((a, b) => a.at - b.at).map((f) => f.request);
  }
}
