/**
 * Bounded retries with exponential backoff and jitter, for transient failures (throttling, 5xx, a connection refused
 * or reset). Permanent failures are never retried.
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
 * Runs `operation` until it succeeds, a failure is permanent, or the attempts are used up. Rejects with the
 * original error of a permanent failure, or with {@link RetriesExhausted} after the last transient one.
 *
 * @param onRetry - told about each transient failure before the wait (for logs).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  onRetry?: (failure: KustoFailure, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const failure = classifyFailure(error);
      if (!failure.transient) throw error;
      if (attempt >= policy.attempts) throw new RetriesExhausted(error, failure, attempt);
      const delay = backoffDelay(policy, attempt, failure);
      onRetry?.(failure, attempt, delay);
      await sleep(delay);
    }
  }
}
