/** The engine's options, apart from the entry point so engine modules can import them without a loop. */
import type { KustoClientPool } from './connections';
import type { TimeoutOptions } from './retry';

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
   * How long a Kusto call may take, retries included, before it fails the invocation: a cluster that accepts the
   * connection and never answers fails it rather than hangs it. Defaults: a query 4 min 30 s (or its
   * `@servertimeout` plus 30 s), a management command 10 min 30 s, each ingestion step 10 min 30 s; these are
   * azure-kusto-data's own client timeouts, which here bound the whole call instead of each attempt.
   */
  timeouts?: TimeoutOptions;
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
