/**
 * The binding engine: executes one Kusto binding (a query for an input, an ingestion for an output) for one
 * invocation, the way the Functions host's Kusto extension does. Used by the local host (which plays the
 * host's part), by in-process mode, and by tests.
 */
// The declarations of this entry reach only files that name none of the Kusto and identity client packages: those are
// ES modules that a CommonJS consumer under node16 cannot import, and @azure/identity's types need TypeScript 5.3.
// So nothing here is re-exported from the connections barrel, the results or the ingestion module.
import type { KustoEngine } from 'kusto-functions-bindings';
import { loadKustoData } from './connections/modules';
import { BindingEngine } from './engine';
import type { KustoEngineOptions } from './engineOptions';
import { STREAMING_LIMIT_BYTES as streamingLimitBytes } from './ingest';

export type { KustoEngineOptions } from './engineOptions';

/** How long columns are delivered: numbers (as in Azure) or exact decimal text. */
export type LongsAs = NonNullable<KustoEngineOptions['longs']>;
export type { RetryOptions, TimeoutOptions } from './retry';
export { DEFAULT_RETRY, DEFAULT_TIMEOUTS, type RetryPolicy, type TimeoutPolicy } from './retry';
/** Azure's streaming ingestion limit (uncompressed): larger payloads go queued. */
export const STREAMING_LIMIT_BYTES: number = streamingLimitBytes;
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
  type KustoConnection,
  type KustoEndpoint,
  type KustoQueryConsistency,
  type ResolveConnectionOptions,
} from './connections/connection';
export { scrubError, scrubSecrets, SECRET_MASK } from './connections/secrets';

/**
 * Loads the Kusto query client now (about 0.5 s) instead of on the first binding, for hosts and test setups that warm
 * up before they serve. A client that cannot load is not reported here: the binding that needs it reports it.
 */
export function preloadKustoClient(): void {
  try {
    loadKustoData();
  } catch {
    // Only a warm-up; see above.
  }
}
