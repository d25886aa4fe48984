/**
 * The background loop of queued ingestion: takes ingestion messages from the SecuredReadyForAggregation
 * queue, ingests each blob, and reports the outcome where the message asks (the status entity in the
 * status table, the successful / failed ingestions queues), as the data management service does.
 *
 * It runs every `intervalMs` (a timer that does not keep the process alive), at once when a message asks
 * for FlushImmediately, and a last time on close. Each run handles a bounded number of messages.
 */
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog';
import { type BlobLookup, ingestBlob, type IngestionOutcome, withoutSas } from './blobIngestion';
import { CorruptedMessageError, type IngestionMessage, readIngestionMessage } from './ingestionMessage';
import type { QueueMessage, QueueStore } from '../storage/queueStore';
import type { TableStore } from '../storage/tableStore';

/** The queues and table the processor works with. */
export interface ProcessorResources {
  /** Where ingestion messages arrive. */
  ingestionQueue: string;
  /** Where successes are reported. */
  successQueue: string;
  /** Where failures are reported. */
  failureQueue: string;
  /** Where status entities live. */
  statusTable: string;
}

/** What the processor needs. */
export interface ProcessorOptions {
  catalog: Catalog;
  queues: QueueStore;
  tables: TableStore;
  resources: ProcessorResources;
  /** Finds the blob a message's BlobPath names. */
  lookupBlob: (blobPath: string) => BlobLookup;
  /** Done with the blob a message's BlobPath names: deleted (`keep` false) or kept within the retention limit. */
  releaseBlob: (blobPath: string, keep: boolean) => void;
  /** The token `.get kusto identity token` hands out. */
  authorizationContext: string;
  /** Milliseconds between runs. */
  intervalMs: number;
}

// Bounds of one run: batches of Get Messages' maximum, and how many batches.
const BATCH_SIZE = 32;
const MAX_BATCHES_PER_RUN = 100;
// A message being processed stays invisible this long; one that failed to process this many times is dropped.
const VISIBILITY_SECONDS = 300;
const MAX_DEQUEUE_COUNT = 3;

/** Runs queued ingestion. */
export class IngestionProcessor {
  private timer: NodeJS.Timeout | undefined;
  private active: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: ProcessorOptions) {}

  /** Starts the timer. */
  start(): void {
    this.stopped = false;
    this.schedule(this.options.intervalMs);
  }

  /** Processes as soon as possible (a FlushImmediately message arrived). */
  trigger(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Processes the messages waiting now; resolves when they are done. */
  runNow(): Promise<void> {
    // One run at a time: a request during a run is served by a run after it.
    if (this.active) return this.active.then(() => this.runNow());
    clearTimeout(this.timer);
    this.active = this.drain().finally(() => {
      this.active = undefined;
      this.schedule(this.options.intervalMs);
    });
    return this.active;
  }

  /** Stops the timer after a last run over what is waiting. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.active;
    await this.drain();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runNow(), delayMs);
    // The emulator's server keeps the process alive; the ingestion timer alone must not.
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    const { queues, resources } = this.options;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const messages = queues.receive(resources.ingestionQueue, BATCH_SIZE, VISIBILITY_SECONDS);
      if (messages.length === 0) return;
      for (const message of messages) await this.process(message);
    }
  }

  private async process(queued: QueueMessage): Promise<void> {
    const { queues, resources } = this.options;
    try {
      let message: IngestionMessage;
      try {
        message = readIngestionMessage(queued.text);
      } catch (error) {
        if (!(error instanceof CorruptedMessageError)) throw error;
        this.reportCorrupted(error);
        return;
      }
      const outcome = await ingestBlob(
        this.options.catalog,
        message,
        this.options.lookupBlob(message.blobPath),
        this.options.authorizationContext,
      );
      this.report(message, outcome);
      // Failed blobs are kept for analysis, as Kusto keeps them.
      this.options.releaseBlob(message.blobPath, outcome.status !== 'Succeeded' || message.retainBlobOnSuccess);
    } catch {
      // Reporting failed (a status queue at its limit): leave the message to come back, a bounded number of times.
      if (queued.dequeueCount < MAX_DEQUEUE_COUNT) return;
    }
    queues.delete(resources.ingestionQueue, queued.id, queued.popReceipt);
  }

  private report(message: IngestionMessage, outcome: IngestionOutcome): void {
    const failed = outcome.status === 'Failed';
    if (message.reportLevel === 'DoNotReport') return;
    if (!failed && message.reportLevel !== 'FailuresAndSuccesses') return;
    const { queues, tables, resources } = this.options;
    const now = new Date().toISOString();
    const operationId = randomUUID();
    const activityId = randomUUID();
    const sourcePath = withoutSas(message.blobPath);
    if (message.reportMethod !== 'Queue' && message.statusInTable) {
      // An upsert: the entity may be missing when the message was not posted through the queue endpoint.
      tables.upsertMerge(resources.statusTable, message.statusInTable.partitionKey, message.statusInTable.rowKey, {
        Status: outcome.status,
        Details: outcome.details,
        ErrorCode: outcome.errorCode,
        FailureStatus: outcome.failureStatus,
        OriginatesFromUpdatePolicy: false,
        UpdatedOn: now,
        'UpdatedOn@odata.type': 'Edm.DateTime',
        // Ids as plain strings: data-tables would hand Edm.Guid values to JavaScript as { value, type } objects.
        OperationId: operationId,
        ActivityId: activityId,
        IngestionSourceId: message.id,
        IngestionSourcePath: sourcePath,
        Database: message.databaseName,
        Table: message.tableName,
      });
    }
    if (message.reportMethod !== 'Table') {
      const common = {
        OperationId: operationId,
        Database: message.databaseName,
        Table: message.tableName,
        IngestionSourceId: message.id,
        IngestionSourcePath: sourcePath,
        RootActivityId: activityId,
      };
      const body = failed
        ? {
            ...common,
            FailedOn: now,
            Details: outcome.details,
            ErrorCode: outcome.errorCode,
            FailureStatus: outcome.failureStatus,
            OriginatesFromUpdatePolicy: false,
            ShouldRetry: outcome.failureStatus === 'Transient',
          }
        : { ...common, SucceededOn: now };
      queues.put(failed ? resources.failureQueue : resources.successQueue, encode(body));
    }
  }

  /** A message that cannot be read still gets a failure on the failed ingestions queue. */
  private reportCorrupted(error: CorruptedMessageError): void {
    const id = error.partial.Id;
    const path = error.partial.BlobPath;
    this.options.queues.put(
      this.options.resources.failureQueue,
      encode({
        OperationId: randomUUID(),
        Database: error.partial.DatabaseName ?? null,
        Table: error.partial.TableName ?? null,
        IngestionSourceId: typeof id === 'string' ? id : null,
        IngestionSourcePath: typeof path === 'string' ? withoutSas(path) : null,
        RootActivityId: randomUUID(),
        FailedOn: new Date().toISOString(),
        Details: `The ingestion message is corrupted: ${error.message}`,
        ErrorCode: 'BadRequest_CorruptedMessage',
        FailureStatus: 'Permanent',
        OriginatesFromUpdatePolicy: false,
        ShouldRetry: false,
      }),
    );
  }
}

/** A status message as the queues carry it: base64 JSON. */
function encode(body: object): string {
  return Buffer.from(JSON.stringify(body)).toString('base64');
}
