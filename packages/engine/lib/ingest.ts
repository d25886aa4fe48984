/**
 * One ingestion, as the extension's output collector does it, with the failures handled where it does not:
 *
 * - `managed`: streaming ingestion with bounded retries of transient failures (throttling, 5xx, a connection refused
 *   or reset), then queued ingestion when those are used up, when the payload is over the streaming limit (4 MB), or
 *   when the table does not take streaming ingestion. A permanent failure (a 4xx, `@permanent`) fails at once.
 *   azure-kusto-ingest's ManagedStreamingIngestClient is not used: in Node it reads `@permanent` off the axios error,
 *   where it never is, so it retries permanent failures three times and then queues data that can never be ingested.
 * - `queued`: queued ingestion with report level FailuresAndSuccesses and report method Table, flushImmediately when
 *   asked, and — when a poll interval is given — the status polled until it is final or the (enforced) timeout ends.
 *
 * Each step (streaming, queued, one status read) ends by the engine's ingestion timeout, its retries included.
 *
 * Retries never double rows: every attempt reuses one source id (the GUID of the client request id), and queued
 * ingestion is tagged `ingest-by:<source id>` with ingestIfNotExists on that tag, so a message posted twice is
 * ingested once. (Kusto's streaming ingestion has no such key: a response lost after the service committed the rows
 * cannot be told from a failure, and the retry then writes them again.)
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestClient } from 'azure-kusto-ingest/types/src/index';
import type { IngestionPropertiesInput } from 'azure-kusto-ingest/types/src/ingestionProperties';
import type { IngestionResult } from 'azure-kusto-ingest/types/src/ingestionResult';
import type { KustoDataFormat } from 'kusto-functions-bindings';
import { KustoBindingError } from 'kusto-functions-bindings';
import { type KustoClientPool, type KustoConnection } from './connections';
import { kustoIngest } from './clientModules';
import { classifyFailure, failureLabel, isStreamingNotEnabled, type KustoFailure } from './failures';
import type { IngestOutcome } from 'kusto-functions-bindings';
import type { KustoEngineOptions } from './engineOptions';
import {
  CallTimedOut,
  callFailure,
  formatDuration,
  RetriesExhausted,
  withinTime,
  withRetries,
  type RetryPolicy,
  type TimeoutPolicy,
} from './retry';

/** Azure's streaming ingestion limit (uncompressed): larger payloads go queued. */
export const STREAMING_LIMIT_BYTES = 4 * 1024 * 1024;

/** Queued ingestion settings from the binding's ingestionProperties. */
export interface QueuedSettings {
  /** `@flushImmediately`. */
  flushImmediately: boolean;
  /** `@pollIntervalSeconds`: poll the status only when given. */
  pollIntervalSeconds?: number;
  /** `@pollTimeoutMinutes`: when polling stops (default 30, as the extension). */
  pollTimeoutMinutes: number;
}

/** One ingestion to run. */
export interface IngestRequest {
  /** The connection. */
  connection: KustoConnection;
  /** Target database. */
  database: string;
  /** Target table. */
  table: string;
  /** Ingestion mapping reference, if any. */
  mappingRef?: string;
  /** The data. */
  text: string;
  /** Its format. */
  format: KustoDataFormat;
  /** Records it holds. */
  records: number;
  /** `managed` or `queued`. */
  ingestionType: 'managed' | 'queued';
  /** Queued ingestion settings. */
  queued: QueuedSettings;
  /** Client request id of every streaming attempt. */
  clientRequestId: string;
  /** Source id of every attempt. */
  sourceId: string;
  /** Names the binding, table, database and source id in messages. */
  site: string;
}

type Log = NonNullable<KustoEngineOptions['log']>;

const MAPPING_KIND: Partial<Record<KustoDataFormat, string>> = { json: 'Json', multijson: 'Json' };

/** Runs ingestions over a pool's clients. */
export class Ingestor {
  constructor(
    private readonly pool: KustoClientPool,
    private readonly retry: RetryPolicy,
    private readonly timeouts: TimeoutPolicy,
    private readonly log: Log,
    private readonly streamingLimitBytes: number,
  ) {}

  /** Ingests; rejects with a KustoBindingError naming table, database and source id. */
  async ingest(request: IngestRequest): Promise<Omit<IngestOutcome, 'database' | 'table' | 'records' | 'sourceId'>> {
    const bytes = Buffer.from(request.text, 'utf8');
    if (request.ingestionType === 'queued') return this.#queued(request, bytes, true);
    if (bytes.length > this.streamingLimitBytes) {
      this.log(
        'information',
        `${request.site}: ${bytes.length} bytes is over the streaming limit of ${this.streamingLimitBytes}: ingesting queued.`,
      );
      return this.#queued(request, bytes, false);
    }
    const client = await this.pool.ingestClient(request.connection, 'streaming');
    const { StreamDescriptor } = kustoIngest();
    const props = this.#properties(request);
    try {
      await withRetries(
        this.retry,
        async () => {
          await this.pool.cloudInfo(request.connection.engineUrl);
          return client.ingestFromStream(
            new StreamDescriptor(Readable.from([bytes]), request.sourceId, undefined, bytes.length),
            props,
            request.clientRequestId,
          );
        },
        (failure, attempt, delay) => this.#retrying(request, 'streaming ingestion', failure, attempt, delay),
        this.timeouts.ingestMs,
      );
      return { method: 'streaming', status: 'succeeded' };
    } catch (error) {
      if (error instanceof CallTimedOut) {
        // A silent engine endpoint: the data management endpoint (another host in Azure) may still answer.
        this.log(
          'warning',
          `${request.site}: streaming ingestion timed out (${error.message}, the ingestion timeout): ingesting queued.`,
        );
      } else if (error instanceof RetriesExhausted) {
        this.log(
          'warning',
          `${request.site}: streaming ingestion failed ${error.attempts} times${failureLabel(error.failure)}: ingesting queued.`,
        );
      } else if (isStreamingNotEnabled(classifyFailure(error))) {
        this.log('information', `${request.site}: the table does not take streaming ingestion: ingesting queued.`);
      } else {
        throw this.#failed(request, 'streaming ingestion', error);
      }
    }
    return this.#queued(request, bytes, false);
  }

  #properties(request: IngestRequest): IngestionPropertiesInput {
    const props: Record<string, unknown> = {
      database: request.database,
      table: request.table,
      format: request.format,
    };
    if (request.mappingRef) {
      props.ingestionMappingReference = request.mappingRef;
      props.ingestionMappingKind = MAPPING_KIND[request.format] ?? 'Csv';
    }
    return props as IngestionPropertiesInput;
  }

  async #queued(
    request: IngestRequest,
    bytes: Buffer,
    asked: boolean,
  ): Promise<Omit<IngestOutcome, 'database' | 'table' | 'records' | 'sourceId'>> {
    const ingest = kustoIngest();
    const polling = asked && request.queued.pollIntervalSeconds !== undefined;
    const props = {
      ...(this.#properties(request) as Record<string, unknown>),
      // The extension reports successes and failures to the status table on every queued ingestion. Here the table is
      // asked for only when it is read (polling): azure-kusto-ingest's putRecordInTable keeps retrying its insert
      // after it succeeded, which costs every table-reporting ingestion 3 s of backoff.
      ...(asked ? { reportLevel: ingest.ReportLevel.FailuresAndSuccesses } : {}),
      ...(polling ? { reportMethod: ingest.ReportMethod.Table } : {}),
      ...(asked && request.queued.flushImmediately ? { flushImmediately: true } : {}),
      ingestByTags: [request.sourceId],
      ingestIfNotExists: JSON.stringify([request.sourceId]),
    } as IngestionPropertiesInput;
    if (asked && request.queued.flushImmediately) {
      this.log(
        'warning',
        `${request.site}: flushImmediately is set: the data is not batched, which is not recommended for large volumes.`,
      );
    }
    let client: IngestClient;
    let result: IngestionResult;
    try {
      client = await this.pool.ingestClient(request.connection, 'queued');
      const blobName = `${request.database}__${request.table}__${request.sourceId}.${request.format}`;
      result = await withRetries(
        this.retry,
        async () => {
          await this.pool.cloudInfo(request.connection.ingestUrl);
          const uri = await client.uploadToBlobWithRetry(
            new ingest.StreamDescriptor(Readable.from([bytes]), request.sourceId, undefined, bytes.length),
            blobName,
          );
          return client.ingestFromBlob(new ingest.BlobDescriptor(uri, bytes.length, request.sourceId), props);
        },
        (failure, attempt, delay) => this.#retrying(request, 'queued ingestion', failure, attempt, delay),
        this.timeouts.ingestMs,
      );
    } catch (error) {
      throw this.#failed(request, 'queued ingestion', error);
    }
    if (!polling) return { method: 'queued', status: 'queued' };
    return this.#poll(request, result);
  }

  async #poll(
    request: IngestRequest,
    result: IngestionResult,
  ): Promise<Omit<IngestOutcome, 'database' | 'table' | 'records' | 'sourceId'>> {
    if (request.connection.loopback) allowHttp(result);
    const intervalMs = (request.queued.pollIntervalSeconds as number) * 1000;
    const timeoutMs = request.queued.pollTimeoutMinutes * 60_000;
    const deadline = Date.now() + timeoutMs;
    let last = 'Pending';
    // Bounded by the deadline: every pass waits, and the wait never runs past it.
    for (;;) {
      try {
        const readMs = Math.min(this.timeouts.ingestMs, Math.max(1, deadline - Date.now()));
        const status = await withinTime(
          result.getIngestionStatusCollection(),
          readMs,
          () => new CallTimedOut(readMs, 1),
        );
        last = String(status.Status);
        if (last === 'Succeeded' || last === 'Skipped') return { method: 'queued', status: 'succeeded' };
        if (last === 'Failed' || last === 'PartiallySucceeded') {
          const details = status.Details ? `: ${request.connection.scrub(String(status.Details))}` : '';
          throw new KustoBindingError(
            `${request.site}: queued ingestion ${last === 'Failed' ? 'failed' : 'partially succeeded'}${details}.`,
          );
        }
      } catch (error) {
        if (error instanceof KustoBindingError) throw error;
        const failure = classifyFailure(error);
        if (!failure.transient) throw this.#failed(request, 'reading the ingestion status', error);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await sleep(Math.min(intervalMs, remaining));
    }
    this.log(
      'warning',
      `${request.site}: the ingestion status was still ${last} after ${request.queued.pollTimeoutMinutes} minutes: ` +
        `the data was queued but not confirmed.`,
    );
    return { method: 'queued', status: 'queued' };
  }

  #retrying(request: IngestRequest, what: string, failure: KustoFailure, attempt: number, delayMs: number): void {
    this.log(
      'warning',
      `${request.site}: ${what} attempt ${attempt} failed${failureLabel(failure)}; retrying in ${Math.round(delayMs)} ms.`,
    );
  }

  #failed(request: IngestRequest, what: string, error: unknown): KustoBindingError {
    if (error instanceof CallTimedOut) {
      return new KustoBindingError(
        `${request.site}: ${what} timed out: no answer from ${request.connection.ingestUrl} within ${formatDuration(error.timeoutMs)} (the ingestion timeout).`,
      );
    }
    const { original, failure, tries } = callFailure(error);
    const message = request.connection.scrub(failure.message);
    return new KustoBindingError(`${request.site}: ${what} failed${tries}${failureLabel(failure)}: ${message}`, {
      cause: request.connection.scrubError(original),
    });
  }
}

/**
 * On the emulator's loopback http endpoint: azure-kusto-ingest makes its status TableClient without
 * allowInsecureConnection, which @azure/data-tables requires for http://. The same class is made again with it.
 */
function allowHttp(result: IngestionResult): void {
  type TableClientLike = { url: string; tableName: string; constructor: new (...args: unknown[]) => TableClientLike };
  const withTable = result as unknown as { tableClient?: TableClientLike | null };
  const own = withTable.tableClient;
  if (own && own.url.startsWith('http://')) {
    withTable.tableClient = new own.constructor(own.url, own.tableName, { allowInsecureConnection: true });
  }
}
