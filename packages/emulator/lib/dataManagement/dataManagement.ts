/**
 * The emulator's data management (DM) service: what azure-kusto-ingest's QueuedIngestClient talks to.
 *
 * The engine and the DM share one URL (an IP or localhost Data Source gets no `ingest-` prefix). Under
 * `/dm/` the server answers as the DM's Azure Storage account: one TempStorage blob container, the
 * SecuredReadyForAggregation, SuccessfulIngestions and FailedIngestions queues, and the IngestionsStatus
 * table, each a path segment after the account segment `dm` (path-style, as the storage SDKs read an IP
 * host: `http://127.0.0.1:<port>/dm/<container or queue or table>?<sas>`). `.get ingestion resources` hands
 * out those URLs, and an {@link IngestionProcessor} ingests what arrives on the queue.
 */
import type * as http from 'node:http';
import type { Catalog } from '../catalog';
import type { IngestionResources } from '../commands/context';
import { BlobStore, DEFAULT_HELD_BLOB_BYTES } from '../storage/blobStore';
import { type BlobLookup, withoutSas } from './blobIngestion';
import { type IngestionMessage, readIngestionMessage } from './ingestionMessage';
import { IngestionProcessor } from './ingestionProcessor';
import { QueuedJournal } from './queuedJournal';
import { QueueStore } from '../storage/queueStore';
import {
  checkSignature,
  EMULATOR_SAS,
  errorResponse,
  newRequestId,
  queryOf,
  readStorageBody,
  sendStorage,
  StorageError,
  type StorageResponse,
  type StorageService,
  xmlElements,
  xmlText,
} from '../storage/storageProtocol';
import { TableStore } from '../storage/tableStore';

/** Requests the engine's server hands over to another endpoint (the DM's storage). */
export interface StorageEndpoint {
  /** Whether the request's URL (path and query) is this endpoint's. */
  owns(url: string): boolean;
  /** Answers the request; never throws (failures are answered in the storage error shape). */
  serve(req: http.IncomingMessage, res: http.ServerResponse, closing: boolean): Promise<void>;
}

/** Options of {@link DataManagement}. */
export interface DataManagementOptions {
  /** The databases ingested into. */
  catalog: Catalog;
  /** Milliseconds between runs over the ingestion queue (100 unless told otherwise). */
  queuedIngestionIntervalMs?: number;
  /** Most bytes uploaded blobs not yet ingested may hold (1 GiB unless told otherwise); uploads past it are refused. */
  queuedIngestionStorageBytes?: number;
  /** The emulator's data directory: queued ingestion requests are kept there until processed (see QueuedJournal). */
  dataDir?: string;
  /** Receives warnings (an unreadable kept request); console.warn unless told. */
  warn?: (message: string) => void;
}

/** The account path segment of every storage URL. */
const ACCOUNT = 'dm';

/** Names of the DM's storage resources (as a real DM names them, without the date and hash suffixes). */
export const DM_RESOURCES = {
  container: 'ingestdata',
  ingestionQueue: 'readyforaggregation-secured',
  successQueue: 'successfulingestions',
  failureQueue: 'failedingestions',
  statusTable: 'ingestionsstatus',
} as const;

/** The fake Kusto identity token `.get kusto identity token` returns; messages carrying another are refused. */
const AUTHORIZATION_CONTEXT = 'KustoEmulator-identity-token';

const DEFAULT_INTERVAL_MS = 100;

/** The DM service of one emulator. */
export class DataManagement implements StorageEndpoint, IngestionResources {
  private readonly blobs: BlobStore;
  private readonly queues = new QueueStore([
    DM_RESOURCES.ingestionQueue,
    DM_RESOURCES.successQueue,
    DM_RESOURCES.failureQueue,
  ]);
  private readonly tables = new TableStore([DM_RESOURCES.statusTable]);
  private readonly processor: IngestionProcessor;
  private readonly journal: QueuedJournal | undefined;
  private baseUrl: string | undefined;

  /** The token `.get kusto identity token` returns. */
  readonly authorizationContext = AUTHORIZATION_CONTEXT;

  constructor(private readonly options: DataManagementOptions) {
    const storageBytes = options.queuedIngestionStorageBytes ?? DEFAULT_HELD_BLOB_BYTES;
    if (!Number.isSafeInteger(storageBytes) || storageBytes <= 0) {
      throw new RangeError(`queuedIngestionStorageBytes must be a positive number of bytes, not ${storageBytes}.`);
    }
    this.blobs = new BlobStore([DM_RESOURCES.container], storageBytes);
    this.journal = options.dataDir ? new QueuedJournal(options.dataDir) : undefined;
    const intervalMs = options.queuedIngestionIntervalMs ?? DEFAULT_INTERVAL_MS;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(`queuedIngestionIntervalMs must be a positive number of milliseconds, not ${intervalMs}.`);
    }
    this.processor = new IngestionProcessor({
      catalog: options.catalog,
      queues: this.queues,
      tables: this.tables,
      resources: DM_RESOURCES,
      lookupBlob: (path) => this.lookupBlob(path),
      releaseBlob: (path, keep) => {
        // Processed: its rows are durable (or its failure reported), so the kept request goes.
        this.journal?.remove(withoutSas(path)).catch(() => undefined);
        const place = this.blobPlace(path);
        if (!place) return;
        if (keep) this.blobs.retire(place.container, place.name);
        else this.blobs.delete(place.container, place.name);
      },
      authorizationContext: AUTHORIZATION_CONTEXT,
      intervalMs,
    });
  }

  /** Queues again the requests kept in the data directory by an earlier run (before {@link DataManagement.start}). */
  async recover(): Promise<number> {
    if (!this.journal) return 0;
    const requests = await this.journal.load(this.options.warn ?? ((message) => console.warn(message)));
    for (const request of requests) {
      if (request.blob) {
        const { container, name, data, contentType } = request.blob;
        this.blobs.restore(container, name, data, contentType);
      }
      this.queues.put(DM_RESOURCES.ingestionQueue, request.messageText);
    }
    return requests.length;
  }

  /** Starts serving at `baseUrl` (the emulator's URL): resource URLs point there, and processing begins. */
  start(baseUrl: string): void {
    this.baseUrl = baseUrl;
    this.processor.start();
  }

  /** Processes the ingestion messages waiting now; resolves when they are ingested and reported. */
  processQueue(): Promise<void> {
    return this.processor.runNow();
  }

  /** Stops processing after a last run over the waiting messages. */
  close(): Promise<void> {
    return this.processor.close();
  }

  /** `.get ingestion resources` rows: resource type and URL with SAS. */
  resourceRows(): [string, string][] {
    const url = (name: string): string => `${this.requireBase()}/${ACCOUNT}/${name}?${EMULATOR_SAS}`;
    return [
      ['SecuredReadyForAggregationQueue', url(DM_RESOURCES.ingestionQueue)],
      ['SuccessfulIngestionsQueue', url(DM_RESOURCES.successQueue)],
      ['FailedIngestionsQueue', url(DM_RESOURCES.failureQueue)],
      ['TempStorage', url(DM_RESOURCES.container)],
      ['IngestionsStatusTable', url(DM_RESOURCES.statusTable)],
    ];
  }

  owns(url: string): boolean {
    // data-tables encodes the table name it is given whole: `dm/ingestionsstatus` arrives as `dm%2Fingestionsstatus`.
    return /^\/dm(\/|%2f)/i.test(url);
  }

  async serve(req: http.IncomingMessage, res: http.ServerResponse, closing: boolean): Promise<void> {
    const requestId = newRequestId();
    let service: StorageService = 'blob';
    let response: StorageResponse;
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        throw new StorageError(400, 'InvalidUri', 'The request URI is not valid percent-encoded text.');
      }
      const rest = path.slice(ACCOUNT.length + 2);
      const resource = /^[^/(]*/.exec(rest)?.[0] ?? '';
      const tail = rest.slice(resource.length);
      if (this.queues.has(resource)) service = 'queue';
      else if (this.tables.has(resource)) service = 'table';
      else if (!this.blobs.has(resource)) {
        throw new StorageError(
          404,
          'ResourceNotFound',
          `The emulator's DM storage has no container, queue or table '${resource}'; use the URLs .get ingestion resources returns.`,
        );
      }
      const query = queryOf(url);
      checkSignature(query);
      const request = {
        req,
        method: (req.method ?? 'GET').toUpperCase(),
        query,
        body: await readStorageBody(req),
        requestId,
      };
      if (service === 'queue') {
        const kept =
          resource === DM_RESOURCES.ingestionQueue && request.method === 'POST'
            ? await this.keep(request.body)
            : undefined;
        try {
          response = this.queues.serve(resource, tail.replace(/^\//, ''), request);
        } catch (error) {
          if (kept) await this.journal?.remove(kept).catch(() => undefined);
          throw error;
        }
        if (resource === DM_RESOURCES.ingestionQueue && request.method === 'POST')
          this.onIngestionMessage(request.body);
      } else if (service === 'table') {
        response = this.tables.serve(resource, tail, request, `${this.requireBase()}/${ACCOUNT}`);
      } else {
        response = this.blobs.serve(resource, tail.replace(/^\//, ''), request);
      }
    } catch (error) {
      const storageError =
        error instanceof StorageError
          ? error
          : new StorageError(
              500,
              'InternalError',
              `The emulator failed while serving the request: ${(error as Error).message}`,
            );
      response = errorResponse(service, storageError, requestId);
    }
    try {
      sendStorage(res, { req, requestId }, response, closing);
    } catch {
      res.destroy();
    }
  }

  /**
   * Writes a posted ingestion message (and the blob it names, when ours) to the data directory before the queue
   * acknowledges it; returns its key, or undefined when there is nothing to keep (no data directory, or a message
   * the processor will report as corrupted).
   */
  private async keep(body: Buffer): Promise<string | undefined> {
    if (!this.journal) return undefined;
    let text: string;
    let message: IngestionMessage;
    try {
      text = xmlText(xmlElements(body.toString('utf8'), 'MessageText')[0] ?? '');
      message = readIngestionMessage(text);
    } catch {
      return undefined;
    }
    const blobPath = withoutSas(message.blobPath);
    const place = this.blobPlace(message.blobPath);
    const blob = place && this.blobs.get(place.container, place.name);
    try {
      await this.journal.save({
        messageText: text,
        blobPath,
        blob: place && blob ? { ...place, contentType: blob.contentType, data: blob.data } : undefined,
      });
    } catch (error) {
      throw new StorageError(
        500,
        'InternalError',
        `The emulator could not keep the ingestion request on disk: ${(error as Error).message}`,
      );
    }
    return blobPath;
  }

  /**
   * A new ingestion message: its status entity shows Pending until it is processed, and FlushImmediately
   * (no batching delay) processes it at once.
   */
  private onIngestionMessage(body: Buffer): void {
    let message: IngestionMessage;
    try {
      message = readIngestionMessage(xmlText(xmlElements(body.toString('utf8'), 'MessageText')[0] ?? ''));
    } catch {
      // Reported on the failed ingestions queue by the next run: let it come at once.
      this.processor.trigger();
      return;
    }
    const status = message.statusInTable;
    const table = DM_RESOURCES.statusTable;
    if (
      status &&
      message.reportMethod !== 'Queue' &&
      message.reportLevel !== 'DoNotReport' &&
      !this.tables.get(table, status.partitionKey, status.rowKey)
    ) {
      // The client writes this Pending entity itself before posting, but @azure/data-tables refuses http://
      // URLs unless allowInsecureConnection is set, which azure-kusto-ingest does not do: it never arrives.
      this.tables.upsertMerge(table, status.partitionKey, status.rowKey, {
        Status: 'Pending',
        IngestionSourceId: message.id,
        IngestionSourcePath: withoutSas(message.blobPath),
        Database: message.databaseName,
        Table: message.tableName,
        UpdatedOn: new Date().toISOString(),
        'UpdatedOn@odata.type': 'Edm.DateTime',
        Details: '',
      });
    }
    if (message.flushImmediately) this.processor.trigger();
  }

  private requireBase(): string {
    if (this.baseUrl === undefined) throw new Error('The data management service has not been started.');
    return this.baseUrl;
  }

  /** Container and blob name of a blob URL of this DM's storage, or undefined for any other URL. */
  private blobPlace(blobPath: string): { container: string; name: string } | undefined {
    let url: URL;
    let base: URL;
    try {
      url = new URL(blobPath);
      base = new URL(this.requireBase());
    } catch {
      return undefined;
    }
    // The emulator's own host, or another name of loopback: 127.0.0.1 and localhost reach the same server.
    const loopback = ['127.0.0.1', 'localhost', '[::1]'];
    const bothLoopback = loopback.includes(url.hostname) && loopback.includes(base.hostname);
    const sameHost = url.hostname === base.hostname || bothLoopback;
    if (!sameHost || url.protocol !== base.protocol) return undefined;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return undefined;
    }
    const match = /^\/dm\/([^/]+)\/(.+)$/.exec(path);
    if (!match || !this.blobs.has(match[1])) return undefined;
    // Another port on loopback is this emulator only for a blob it holds: one a kept request brought back after a
    // restart on a new port (the request's URL names the old one).
    if (url.port !== base.port && !(bothLoopback && this.blobs.get(match[1], match[2]))) return undefined;
    return { container: match[1], name: match[2] };
  }

  private lookupBlob(blobPath: string): BlobLookup {
    const place = this.blobPlace(blobPath);
    if (!place) return { kind: 'foreign' };
    const blob = this.blobs.get(place.container, place.name);
    return blob ? { kind: 'found', blob } : { kind: 'missing' };
  }
}
