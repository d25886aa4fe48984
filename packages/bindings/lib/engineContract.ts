/**
 * The contract between registration and whatever runs Kusto bindings for an invocation (the engine, in the local
 * host or in-process mode): what binding expressions resolve against, what an ingestion confirmed, and the runner
 * itself. Kept here so the SDK can type in-process mode without importing the engine.
 */
import type { KustoInputBinding, KustoOutputBinding } from './options';

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

/** Executes Kusto bindings. One engine holds one client per (cluster, identity), reused across invocations. */
export interface KustoEngine {
  /** Runs an input binding: the rows, as the extension delivers them (datetime as ISO text, dynamic as JSON, long as number). */
  runInput(binding: KustoInputBinding, trigger: TriggerData): Promise<Record<string, unknown>[]>;
  /** Runs an output binding with what the handler produced (rows, one object, or text in the binding's format). */
  runOutput(binding: KustoOutputBinding, value: unknown, trigger: TriggerData): Promise<IngestOutcome | undefined>;
  /** Closes every client. Idempotent. */
  close(): Promise<void>;
}
