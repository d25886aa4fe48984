/**
 * The binding engine: executes one Kusto binding (a query for an input, an ingestion for an output) for one
 * invocation, the way the Functions host's Kusto extension does. Used by the local host (which plays the
 * host's part), by in-process mode, and by tests.
 */
import type { KustoEngine } from 'kusto-functions-bindings';
import { BindingEngine } from './engine';
import type { KustoEngineOptions } from './engineOptions';

export type { KustoEngineOptions } from './engineOptions';

export type { LongsAs } from './results';
export type { RetryOptions } from './retry';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export { STREAMING_LIMIT_BYTES } from './ingest';
export type { IngestOutcome, KustoEngine, TriggerData } from 'kusto-functions-bindings';

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

// What the local host needs of connection handling: which cluster a binding's setting names, and secret scrubbing.
export {
  DEFAULT_CONNECTION_SETTING,
  resolveConnection,
  type KustoAuthKind,
  type KustoConnection,
  type KustoEndpoint,
  type KustoQueryConsistency,
  type ResolveConnectionOptions,
} from './connections';
export { scrubError, scrubSecrets, SECRET_MASK } from './connections';
