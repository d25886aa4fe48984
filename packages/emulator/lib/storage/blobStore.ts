/**
 * The data management service's blob containers (TempStorage), in memory: what @azure/storage-blob's
 * BlockBlobClient uses to upload ingestion data (Put Blob; Put Block and Put Block List for streams and
 * large files), and what reading it back needs (Get Blob, Get Blob Properties, Delete Blob).
 */
import { createHash } from 'node:crypto';
import {
  notImplemented,
  StorageError,
  type StorageRequest,
  type StorageResponse,
  headerOf,
  xmlText,
} from './storageProtocol';

/** A stored block blob. */
export interface StoredBlob {
  /** Its content. */
  data: Buffer;
  /** Content-Type it was uploaded with. */
  contentType: string;
  /** ETag, quoted. */
  etag: string;
  /** Last modification time. */
  lastModified: Date;
}

interface BlobEntry {
  committed?: StoredBlob;
  /** Staged (uncommitted) blocks by block id. */
  blocks: Map<string, Buffer>;
  /** When a block was last staged (Date.now()). */
  stagedAt?: number;
}

/**
 * Staged blocks untouched this long are dropped when room is needed: an upload abandoned half-way (or refused) must
 * not hold its blocks forever (Azure Storage drops uncommitted blocks after a week).
 */
const STALE_BLOCKS_MS = 60_000;

// Azure Storage's limit on the number of uncommitted blocks of one blob.
const MAX_UNCOMMITTED_BLOCKS = 100_000;

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

function blobNotFound(): StorageError {
  return new StorageError(404, 'BlobNotFound', 'The specified blob does not exist.');
}

/** The block ids of a Put Block List body, in order, each with the list it names. */
function readBlockList(xml: string): { list: 'latest' | 'committed' | 'uncommitted'; id: string }[] {
  if (!/<BlockList[\s>]/.test(xml)) {
    throw new StorageError(400, 'InvalidXmlDocument', 'The Put Block List body is not a <BlockList> document.');
  }
  return [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([\s\S]*?)<\/\1\s*>/g)].map((m) => ({
    list: m[1].toLowerCase() as 'latest' | 'committed' | 'uncommitted',
    id: xmlText(m[2]).trim(),
  }));
}

/**
 * Bytes of already-ingested blobs kept (RetainBlobOnSuccess, failures): beyond it the oldest go, as a
 * TempStorage retention would remove them, so a long-running emulator does not grow without bound.
 */
const RETIRED_BYTES_LIMIT = 256 * 1024 * 1024;

/**
 * Bytes that blobs not yet ingested (committed and never queued, or staged blocks) may hold by default: an upload that
 * would pass it is refused, as Azure Storage refuses ingress over an account's limit, instead of the emulator's
 * memory growing with every blob uploaded and never queued.
 */
export const DEFAULT_HELD_BLOB_BYTES = 1024 * 1024 * 1024;

/** Azure Storage's answer to ingress over the account's limit (503 ServerBusy, retriable). */
function ingressOverLimit(limit: number, wanted: number): StorageError {
  return new StorageError(
    503,
    'ServerBusy',
    `Ingress is over the account limit: blobs not yet ingested would hold ${wanted} bytes with this upload, over the limit of ${limit} (queuedIngestionStorageBytes). Queue the uploaded blobs for ingestion, or delete them, first.`,
  );
}

/** Blob containers by name; each holds block blobs by name. */
export class BlobStore {
  private readonly containers = new Map<string, Map<string, BlobEntry>>();
  private readonly retired: { container: string; name: string; blob: StoredBlob }[] = [];
  private readonly retiredBlobs = new WeakSet<StoredBlob>();
  private retiredBytes = 0;
  /** Bytes of committed blobs not retired, and of staged blocks. */
  private heldBytes = 0;
  // Per store, like the rest of its state: two emulators in one process share nothing.
  private etagCounter = 0;

  /**
   * @param containerNames - the containers it has.
   * @param maxHeldBytes - most bytes blobs not yet ingested may hold ({@link DEFAULT_HELD_BLOB_BYTES}).
   */
  constructor(
    containerNames: readonly string[],
    private readonly maxHeldBytes = DEFAULT_HELD_BLOB_BYTES,
  ) {
    for (const name of containerNames) this.containers.set(name, new Map());
  }

  /** Bytes held by blobs not yet ingested (committed and not retired, or staged). */
  get held(): number {
    return this.heldBytes;
  }

  /** Refuses an upload that would bring the held bytes past the limit once `released` bytes it replaces are gone. */
  private reserve(added: number, released = 0): void {
    if (added <= released || this.heldBytes - released + added <= this.maxHeldBytes) return;
    this.dropStaleBlocks(Date.now() - STALE_BLOCKS_MS);
    const wanted = this.heldBytes - released + added;
    if (wanted > this.maxHeldBytes) throw ingressOverLimit(this.maxHeldBytes, wanted);
  }

  /** Drops the staged blocks of every blob last staged before `before`. */
  private dropStaleBlocks(before: number): void {
    for (const blobs of this.containers.values()) {
      for (const [name, entry] of blobs) {
        if (entry.blocks.size === 0 || (entry.stagedAt ?? 0) >= before) continue;
        for (const block of entry.blocks.values()) this.heldBytes -= block.length;
        entry.blocks.clear();
        if (!entry.committed) blobs.delete(name);
      }
    }
  }

  /** The bytes an entry holds (its committed blob unless retired, and its staged blocks). */
  private entryBytes(entry: BlobEntry | undefined): number {
    if (!entry) return 0;
    let n = entry.committed && !this.isRetired(entry.committed) ? entry.committed.data.length : 0;
    for (const block of entry.blocks.values()) n += block.length;
    return n;
  }

  private isRetired(blob: StoredBlob): boolean {
    return this.retiredBlobs.has(blob);
  }

  /** Whether `container` is one of its containers. */
  has(container: string): boolean {
    return this.containers.has(container);
  }

  /** The committed blob, or undefined. */
  get(container: string, name: string): StoredBlob | undefined {
    return this.containers.get(container)?.get(name)?.committed;
  }

  /** Puts back a committed blob kept on disk with a queued ingestion request (at start). */
  restore(container: string, name: string, data: Buffer, contentType: string): void {
    const blobs = this.containers.get(container);
    if (!blobs || blobs.get(name)?.committed) return;
    blobs.set(name, {
      committed: { data, contentType, etag: this.newEtag(), lastModified: new Date() },
      blocks: new Map(),
    });
    this.heldBytes += data.length;
  }

  /** Removes a blob; whether it existed. */
  delete(container: string, name: string): boolean {
    const blobs = this.containers.get(container);
    const entry = blobs?.get(name);
    if (!blobs || !entry) return false;
    this.heldBytes -= this.entryBytes(entry);
    return blobs.delete(name);
  }

  /** Marks a blob as ingested: it stays readable until ingested blobs hold more than the retention limit. */
  retire(container: string, name: string): void {
    const blob = this.get(container, name);
    if (!blob || this.isRetired(blob)) return;
    // A retired blob counts against the retention limit below, no longer against the held bytes.
    this.heldBytes -= blob.data.length;
    this.retiredBlobs.add(blob);
    this.retired.push({ container, name, blob });
    this.retiredBytes += blob.data.length;
    while (this.retiredBytes > RETIRED_BYTES_LIMIT && this.retired.length > 0) {
      const oldest = this.retired.shift() as { container: string; name: string; blob: StoredBlob };
      this.retiredBytes -= oldest.blob.data.length;
      // Unless it was uploaded again since.
      if (this.get(oldest.container, oldest.name) === oldest.blob) this.delete(oldest.container, oldest.name);
    }
  }

  /** Serves one request on `container`/`blobName` (blobName empty for container-level requests). */
  serve(container: string, blobName: string, request: StorageRequest): StorageResponse {
    const blobs = this.containers.get(container);
    if (!blobs)
      throw new StorageError(404, 'ContainerNotFound', `The specified container '${container}' does not exist.`);
    const comp = request.query.get('comp');
    if (blobName === '') {
      throw notImplemented('blob', `container operations (${request.method}${comp ? ` comp=${comp}` : ''})`);
    }
    const { method } = request;
    if (method === 'PUT' && comp === undefined) return this.putBlob(blobs, blobName, request);
    if (method === 'PUT' && comp === 'block') return this.putBlock(blobs, blobName, request);
    if (method === 'PUT' && comp === 'blocklist') return this.putBlockList(blobs, blobName, request);
    if ((method === 'GET' || method === 'HEAD') && comp === undefined) return this.getBlob(blobs, blobName, request);
    if (method === 'DELETE' && comp === undefined) {
      if (!blobs.get(blobName)?.committed) throw blobNotFound();
      this.delete(container, blobName);
      return { status: 202, headers: { 'x-ms-delete-type-permanent': 'true' } };
    }
    throw notImplemented('blob', `${method} on a blob${comp ? ` with comp=${comp}` : ''}`);
  }

  private newEtag(): string {
    this.etagCounter = (this.etagCounter + 1) % 0x10000;
    return `"0x${Date.now().toString(16).toUpperCase()}${this.etagCounter.toString(16).toUpperCase().padStart(4, '0')}"`;
  }

  private entry(blobs: Map<string, BlobEntry>, name: string): BlobEntry {
    let entry = blobs.get(name);
    if (!entry) {
      entry = { blocks: new Map() };
      blobs.set(name, entry);
    }
    return entry;
  }

  private commit(entry: BlobEntry, data: Buffer, request: StorageRequest): StorageResponse {
    // The new content replaces the entry's committed blob and staged blocks.
    const released = this.entryBytes(entry);
    this.reserve(data.length, released);
    this.heldBytes += data.length - released;
    const blob: StoredBlob = {
      data,
      contentType: headerOf(request.req, 'x-ms-blob-content-type') ?? 'application/octet-stream',
      etag: this.newEtag(),
      lastModified: new Date(),
    };
    entry.committed = blob;
    entry.blocks.clear();
    return {
      status: 201,
      headers: {
        ETag: blob.etag,
        'Last-Modified': blob.lastModified.toUTCString(),
        'Content-MD5': md5(data),
        'x-ms-request-server-encrypted': 'false',
      },
    };
  }

  private putBlob(blobs: Map<string, BlobEntry>, name: string, request: StorageRequest): StorageResponse {
    const type = headerOf(request.req, 'x-ms-blob-type');
    if (type === undefined) {
      throw new StorageError(400, 'MissingRequiredHeader', 'Put Blob needs the x-ms-blob-type header (BlockBlob).');
    }
    if (type !== 'BlockBlob') throw notImplemented('blob', `${type} blobs (only BlockBlob)`);
    return this.commit(this.entry(blobs, name), request.body, request);
  }

  private putBlock(blobs: Map<string, BlobEntry>, name: string, request: StorageRequest): StorageResponse {
    const id = request.query.get('blockid');
    if (!id) throw new StorageError(400, 'MissingRequiredQueryParameter', 'Put Block needs the blockid parameter.');
    const entry = this.entry(blobs, name);
    if (!entry.blocks.has(id) && entry.blocks.size >= MAX_UNCOMMITTED_BLOCKS) {
      throw new StorageError(
        409,
        'BlockCountExceedsLimit',
        `A blob can have at most ${MAX_UNCOMMITTED_BLOCKS} uncommitted blocks.`,
      );
    }
    const replaced = entry.blocks.get(id)?.length ?? 0;
    this.reserve(request.body.length, replaced);
    this.heldBytes += request.body.length - replaced;
    entry.blocks.set(id, request.body);
    entry.stagedAt = Date.now();
    return { status: 201, headers: { 'Content-MD5': md5(request.body), 'x-ms-request-server-encrypted': 'false' } };
  }

  private putBlockList(blobs: Map<string, BlobEntry>, name: string, request: StorageRequest): StorageResponse {
    const entry = this.entry(blobs, name);
    // Blocks of a committed blob are not kept apart: its content is one committed block, usable by no id.
    const parts = readBlockList(request.body.toString('utf8')).map(({ list, id }) => {
      const block = list === 'committed' ? undefined : entry.blocks.get(id);
      if (!block) {
        throw new StorageError(
          400,
          'InvalidBlockList',
          `The specified block list is invalid: block '${id}' (${list}) was not staged.`,
        );
      }
      return block;
    });
    return this.commit(entry, Buffer.concat(parts), request);
  }

  private getBlob(blobs: Map<string, BlobEntry>, name: string, request: StorageRequest): StorageResponse {
    const blob = blobs.get(name)?.committed;
    if (!blob) throw blobNotFound();
    const headers = {
      'Content-Type': blob.contentType,
      ETag: blob.etag,
      'Last-Modified': blob.lastModified.toUTCString(),
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-creation-time': blob.lastModified.toUTCString(),
      'x-ms-lease-state': 'available',
      'x-ms-lease-status': 'unlocked',
      'x-ms-server-encrypted': 'false',
      'Accept-Ranges': 'bytes',
    };
    const range = headerOf(request.req, 'x-ms-range') ?? headerOf(request.req, 'range');
    if (range !== undefined && request.method === 'GET') {
      const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
      const size = blob.data.length;
      const start = match ? Number(match[1]) : NaN;
      if (!match || start >= size) {
        throw new StorageError(416, 'InvalidRange', `The range '${range}' is not satisfiable (blob size ${size}).`);
      }
      const end = Math.min(match[2] === '' ? size - 1 : Number(match[2]), size - 1);
      return {
        status: 206,
        headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` },
        body: blob.data.subarray(start, end + 1),
      };
    }
    return { status: 200, headers, body: blob.data, contentLength: blob.data.length };
  }
}
