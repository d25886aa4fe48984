/**
 * The binding engine: executes one Kusto binding (a query for an input, an ingestion for an output) for one
 * invocation, the way the Functions host's Kusto extension does. Used by the local host (which plays the
 * host's part), by in-process mode, and by tests.
 *
 * CONTRACT (owned by the engine; the local host and in-process mode code against it).
 */
import type { KustoInputBinding, KustoOutputBinding } from '../binding';
import type { KustoClientPool } from '../kusto';
import { BindingEngine } from './engine';

export type { LongsAs } from './results';
export type { RetryOptions } from './retry';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export { STREAMING_LIMIT_BYTES } from './ingest';

/** What binding expressions (`{productId}`, `{Query.name}`, `{Headers.x}`, `{Prop}`) resolve against. */
export interface TriggerData {
  /** Function name (`{sys.methodname}`). */
  functionName: string;
  /** Invocation id, for logs and client request ids. */
  invocationId?: string;
  /** HTTP route parameters. */
  params?: Record<string, string>;
  /** HTTP query string values. */
  query?: Record<string, string>;
  /** HTTP headers (any case). */
  headers?: Record<string, string>;
  /** The HTTP JSON body or the trigger payload (queue message, …): `{Prop}` and `{a.b}` read it. */
  body?: unknown;
  /** Other trigger metadata by name. */
  metadata?: Record<string, unknown>;
}

/** What an output binding's ingestion confirmed. */
export interface IngestOutcome {
  /** Database ingested into. */
  database: string;
  /** Table ingested into. */
  table: string;
  /** Rows (records) sent. */
  records: number;
  /** The ingestion source id (reused across retries so rows are never doubled). */
  sourceId: string;
  /** How the data went: streamed, or queued (managed ingestion falls back to queued). */
  method: 'streaming' | 'queued';
  /** What is known: `succeeded` (streaming, or a polled status), `queued` (accepted, not confirmed). */
  status: 'succeeded' | 'queued';
}

/** Options of `createKustoEngine`. */
export interface KustoEngineOptions {
  /** App settings (connection strings, `%Name%` expressions). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives the engine's log lines (never with secrets, nor parameter values). */
  log?: (level: 'debug' | 'information' | 'warning' | 'error', message: string) => void;
  /**
   * Retries of transient failures (throttling, 5xx, a connection refused or reset) of queries and ingestions:
   * default 3 attempts, 1 s doubling to at most 10 s, with jitter. Management commands are never retried.
   */
  retry?: {
    /** Attempts in all, the first included (1 to 20). Default 3, as azure-kusto-ingest's managed client. */
    attempts?: number;
    /** Delay before the second attempt, in ms; it doubles after each. Default 1000. */
    baseDelayMs?: number;
    /** Longest delay between two attempts, in ms (also caps a service's Retry-After). Default 10000. */
    maxDelayMs?: number;
  };
  /**
   * How long columns reach handlers: `number` (the default, as in Azure: values beyond 2^53 lose precision) or
   * `string` (exact decimal text, read from the response text).
   */
  longs?: 'number' | 'string';
  /** Payloads larger than this (bytes, uncompressed) go queued under managed ingestion. Default 4 MiB, Azure's limit. */
  streamingLimitBytes?: number;
  /**
   * A client pool to use (and leave open on close); by default the engine makes and closes its own.
   *
   * @internal
   */
  pool?: KustoClientPool;
}

/** Executes Kusto bindings. One engine holds one client per (cluster, identity), reused across invocations. */
export interface KustoEngine {
  /** Runs an input binding: the rows, as the extension delivers them (datetime as ISO text, dynamic as JSON, long as number). */
  runInput(binding: KustoInputBinding, trigger: TriggerData): Promise<Record<string, unknown>[]>;
  /** Runs an output binding with what the handler produced (rows, one object, or text in the binding's format). */
  runOutput(binding: KustoOutputBinding, value: unknown, trigger: TriggerData): Promise<IngestOutcome | undefined>;
  /** Closes every client. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates an engine. Nothing is loaded or connected until a binding runs.
 *
 * @example
 * ```ts
 * const engine = createKustoEngine({ env: { KustoConnectionString: emulator.connectionString() } });
 * const rows = await engine.runInput(binding, { functionName: 'getProducts', params: { productId: '1' } });
 * await engine.close();
 * ```
 */
export function createKustoEngine(options: KustoEngineOptions = {}): KustoEngine {
  return new BindingEngine(options);
}
