/**
 * Bounded retries with exponential backoff and jitter, for transient failures (throttling, 5xx, a connection refused
 * or reset), within one deadline per call: a silent cluster fails the call once its timeout has passed, however many
 * attempts are left. Permanent failures are never retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyFailure, type KustoFailure } from './failures';

/** How transient failures are retried. */
export interface RetryOptions {
  /** Attempts in all, the first included (at least 1). Default 3, as azure-kusto-ingest's managed client. */
  attempts?: number;
  /** Delay before the second attempt, in ms; it doubles after each. Default 1000. */
  baseDelayMs?: number;
  /** Longest delay between two attempts, in ms (also caps a service's Retry-After). Default 10000. */
  maxDelayMs?: number;
}

/** {@link RetryOptions} with every value set. */
export type RetryPolicy = Required<RetryOptions>;

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 };

/** Validates and completes retry options. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1 || policy.attempts > 20) {
    throw new RangeError(`retry.attempts must be an integer from 1 to 20, not ${String(options.attempts)}.`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new RangeError(`retry.${key} must be a number of milliseconds ≥ 0, not ${String(options[key])}.`);
    }
  }
  return policy;
}

/** How long Kusto calls may take, each in milliseconds, attempts and the waits between them included. */
export interface TimeoutOptions {
  /**
   * A query whose binding sets no `servertimeout`. Default 270000 (4 min 30 s): Kusto's default query timeout of
   * 4 min plus the 30 s azure-kusto-data's client waits beyond it. A binding's `@servertimeout` sets it to that plus
   * 30 s, as azure-kusto-data does.
   */
  queryMs?: number;
  /**
   * A management command (a kqlCommand starting with `.`) whose binding sets no `servertimeout`. Default 630000
   * (10 min 30 s): Kusto's default command timeout of 10 min plus 30 s, as azure-kusto-data.
   */
  commandMs?: number;
  /**
   * Each step of an output: reading the table's columns (delimited formats), streaming ingestion, queued ingestion
   * (managed ingestion's queued fallback gets its own), one read of the ingestion status. Default 630000
   * (10 min 30 s): what azure-kusto-data gives a streaming ingestion request.
   */
  ingestMs?: number;
}

/** {@link TimeoutOptions} with every value set. */
export type TimeoutPolicy = Required<TimeoutOptions>;

/** The defaults of {@link TimeoutOptions}. */
export const DEFAULT_TIMEOUTS: TimeoutPolicy = { queryMs: 270_000, commandMs: 630_000, ingestMs: 630_000 };

// The longest delay setTimeout keeps (a longer one fires at once).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates and completes timeout options. */
export function timeoutPolicy(options: TimeoutOptions = {}): TimeoutPolicy {
  const policy = { ...DEFAULT_TIMEOUTS };
  for (const key of ['queryMs', 'commandMs', 'ingestMs'] as const) {
    policy[key] = options[key] ?? DEFAULT_TIMEOUTS[key];
    if (!Number.isFinite(policy[key]) || policy[key] <= 0 || policy[key] > MAX_TIMER_MS) {
      throw new RangeError(
        `timeouts.${key} must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, not ${String(options[key])}.`,
      );
    }
  }
  return policy;
}

/** `250 ms`, `2 s`, `4 min 30 s`: a duration for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

/**
 * A Kusto call that did not finish within its timeout. Its `code` is `ETIMEDOUT`, so that it is classified as a
 * transient network failure (managed ingestion then falls back to queued).
 */
export class CallTimedOut extends Error {
  /** Always `ETIMEDOUT`. */
  readonly code = 'ETIMEDOUT';
  /** The timeout, in ms. */
  readonly timeoutMs: number;
  /** Attempts started. */
  readonly attempts: number;

  constructor(timeoutMs: number, attempts: number) {
    super(`no answer within ${formatDuration(timeoutMs)}`);
    this.name = 'CallTimedOut';
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
  }
}

/**
 * Settles as `operation` does, or rejects with `timedOut()` after `ms`. The operation is left to end on its own
 * (the Kusto clients cannot cancel one request); its late failure is swallowed.
 */
export function withinTime<T>(operation: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  operation.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([operation, expired]).finally(() => clearTimeout(timer));
}

/**
 * The wait before attempt `attempt + 1` (after `attempt` failed): base·2^(attempt-1), capped, with "equal jitter"
 * (half fixed, half random) so that many invocations throttled together do not retry in step. A service's
 * Retry-After is honoured up to the cap.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, failure?: KustoFailure): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (Math.random() * exponential) / 2;
  const asked = failure?.retryAfterMs === undefined ? 0 : Math.min(policy.maxDelayMs, failure.retryAfterMs);
  return Math.max(jittered, asked);
}

/** What a retried operation ended with. */
export class RetriesExhausted extends Error {
  /** The last failure, classified. */
  readonly failure: KustoFailure;
  /** Attempts made. */
  readonly attempts: number;
  /** The original error of the last attempt (not scrubbed: never show it). */
  readonly lastError: unknown;

  constructor(lastError: unknown, failure: KustoFailure, attempts: number) {
    super(failure.message);
    this.name = 'RetriesExhausted';
    this.failure = failure;
    this.attempts = attempts;
    this.lastError = lastError;
  }
}

/**
 * Runs `operation` until it succeeds, a failure is permanent, the attempts are used up, or `timeoutMs` has passed
 * since the start. Rejects with the original error of a permanent failure, with {@link RetriesExhausted} after the
 * last transient one (also when no attempt would have time left after the wait), or with {@link CallTimedOut}.
 *
 * @param operation - given the attempt number and the milliseconds left (for a client-side timeout).
 * @param onRetry - told about each transient failure before the wait (for logs).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  operation: (attempt: number, remainingMs: number) => Promise<T>,
  onRetry: ((failure: KustoFailure, attempt: number, delayMs: number) => void) | undefined,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // Bounded by policy.attempts, and by the deadline (every attempt and wait ends before it).
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    try {
      const pending = (async () => operation(attempt, remaining))();
      return await withinTime(pending, remaining, () => new CallTimedOut(timeoutMs, attempt));
    } catch (error) {
      if (error instanceof CallTimedOut) throw error;
      const failure = classifyFailure(error);
      if (!failure.transient) throw error;
      const delay = backoffDelay(policy, attempt, failure);
      if (attempt >= policy.attempts || Date.now() + delay >= deadline) {
        throw new RetriesExhausted(error, failure, attempt);
      }
      onRetry?.(failure, attempt, delay);
      await sleep(delay);
    }
  }
}

/**
 * What a call {@link withRetries} rejected ended with: the original error (not scrubbed: never show it), the failure
 * classified, and ` after N attempts` when it was retried.
 */
export function callFailure(error: unknown): { original: unknown; failure: KustoFailure; tries: string } {
  if (!(error instanceof RetriesExhausted)) return { original: error, failure: classifyFailure(error), tries: '' };
  const tries = error.attempts === 1 ? '' : ` after ${error.attempts} attempts`;
  return { original: error.lastError, failure: error.failure, tries };
}
