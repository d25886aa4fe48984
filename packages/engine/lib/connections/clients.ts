/**
 * A pool of Kusto clients shared across invocations: one query client and one ingest client of each kind per
 * (cluster, identity), created on first use.
 */
import type { Client } from 'azure-kusto-data';
// The package declares its types only under `exports`, and it is an ES module: `resolution-mode` makes TypeScript read
// them (node10 resolution included) through the package's public entry, as the shipped .d.ts must (its internal
// paths are closed to consumers by that same `exports`).
import type { IngestClient, ManagedStreamingIngestClient, StreamingIngestClient } from 'azure-kusto-ingest' with {
  'resolution-mode': 'import',
};
import type { TokenCredential } from '@azure/identity';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import type { KustoConnection, KustoEndpoint } from './connection';
import { loadKustoData, loadKustoIngest } from './modules';
import { applyConnectorDetails, type KustoBindingDirection } from './tracing';

/**
 * How an output binding ingests, as the binding's `ingestionType` says:
 * `managed` (the default): streaming ingestion that retries transient failures and falls back to queued;
 * `queued`: queued ingestion through the data management endpoint;
 * `streaming`: streaming ingestion only (no fallback).
 */
export type KustoIngestKind = 'managed' | 'queued' | 'streaming';

/** The azure-kusto-ingest client class each {@link KustoIngestKind} gets. */
export interface KustoIngestClients {
  /** ManagedStreamingIngestClient on the engine and data management endpoints. */
  managed: ManagedStreamingIngestClient;
  /** IngestClient (queued) on the data management endpoint. */
  queued: IngestClient;
  /** StreamingIngestClient on the engine endpoint. */
  streaming: StreamingIngestClient;
}

/** Options of {@link KustoClientPool}. */
export interface KustoClientPoolOptions {
  /** Where `FUNCTIONS_WORKER_RUNTIME` and `WEBSITE_SITE_NAME` are read for the connector details; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

interface Closable {
  close(): void;
}

type ClientKind = 'query' | KustoIngestKind;

/**
 * Kusto clients shared across invocations, keyed by cluster, identity ({@link KustoConnection.identityKey}) and kind.
 *
 * - Lazy: azure-kusto-data / azure-kusto-ingest / @azure/identity load, and a client is built, on first request.
 * - Concurrency-safe: the pending client is cached, so concurrent first requests share one client. A creation that
 *   fails is not cached; the next request tries again.
 * - One credential per identity, shared by that identity's query and ingest clients (and their token cache).
 * - Clients carry no default database: pass the database on every call (a client serves every database of its
 *   cluster and identity).
 * - Endpoints are passed explicitly ({@link KustoConnection.engineUrl} / {@link KustoConnection.ingestUrl}), with
 *   azure-kusto-ingest's own endpoint correction off, so a loopback emulator gets its one URL for both.
 *
 * @example
 * const pool = new KustoClientPool();
 * const client = await pool.queryClient(resolveConnection('KustoConnectionString'));
 * await client.execute('Samples', 'StormEvents | take 1', newClientRequestProperties('input'));
 * await pool.close();
 */
export class KustoClientPool {
  readonly #env: NodeJS.ProcessEnv;
  readonly #clients = new Map<string, Promise<Closable>>();
  readonly #credentials = new Map<string, TokenCredential | undefined>();
  readonly #cloudLookups = new Map<string, Promise<void>>();
  #closing: Promise<void> | undefined;

  /** An empty pool; clients are made on first request. */
  constructor(options: KustoClientPoolOptions = {}) {
    this.#env = options.env ?? process.env;
  }

  /** How many clients the pool holds or is creating. */
  get size(): number {
    return this.#clients.size;
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The query client (azure-kusto-data `Client` on the engine endpoint) for a connection, created on first use. */
  queryClient(connection: KustoConnection): Promise<Client> {
    return this.#get(connection, 'query', () => {
      const { Client: QueryClient } = loadKustoData();
      return new QueryClient(this.#builder(connection, 'engine', 'input'));
    }) as Promise<Client>;
  }

  /** The ingest client of a kind for a connection, created on first use. */
  ingestClient<K extends KustoIngestKind>(connection: KustoConnection, kind: K): Promise<KustoIngestClients[K]> {
    if (kind !== 'managed' && kind !== 'queued' && kind !== 'streaming') {
      return Promise.reject(
        new KustoConfigurationError(`Unknown ingestion type '${String(kind)}': use managed, queued or streaming.`),
      );
    }
    return this.#get(connection, kind, () => {
      const ingest = loadKustoIngest();
      // autoCorrectEndpoint false: the URLs are already right, and azure-kusto-ingest would turn http://[::1]:port
      // into http://ingest-[::1]:port (it does not see a bracketed IPv6 host as an IP address).
      switch (kind) {
        case 'managed':
          return new ingest.ManagedStreamingIngestClient(
            this.#builder(connection, 'engine', 'output'),
            this.#builder(connection, 'ingest', 'output'),
            undefined,
            false,
          );
        case 'queued':
          return new ingest.IngestClient(this.#builder(connection, 'ingest', 'output'), undefined, false);
        default:
          return new ingest.StreamingIngestClient(this.#builder(connection, 'engine', 'output'), undefined, false);
      }
    }) as Promise<KustoIngestClients[K]>;
  }

  /**
   * Resolves once azure-kusto-data knows the cloud (sign-in metadata) of the cluster at `url`, which it otherwise
   * looks up before a request with no timeout at all. One lookup per cluster runs at a time, shared by every caller:
   * against a cluster that never answers, callers give up at their own deadline, and no further request piles up.
   */
  cloudInfo(url: string): Promise<void> {
    const { CloudSettings } = loadKustoData();
    if (CloudSettings.getFromCache(url) !== undefined) return Promise.resolve();
    const key = new URL(url).origin;
    let lookup = this.#cloudLookups.get(key);
    if (lookup === undefined) {
      lookup = CloudSettings.getCloudInfoForCluster(url).then(
        () => {
          this.#cloudLookups.delete(key);
        },
        (error: unknown) => {
          this.#cloudLookups.delete(key);
          throw error;
        },
      );
      this.#cloudLookups.set(key, lookup);
    }
    return lookup;
  }

  /**
   * Closes every client (pending ones once created) and refuses new requests. Idempotent: later calls return the
   * same promise. In-flight requests of a closed client are cancelled by azure-kusto-data.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      const pending = [...this.#clients.values()];
      this.#clients.clear();
      this.#credentials.clear();
      this.#closing = Promise.allSettled(pending).then((results) => {
        const failures: unknown[] = [];
        for (const result of results) {
          if (result.status !== 'fulfilled') continue;
          try {
            result.value.close();
          } catch (error) {
            failures.push(error);
          }
        }
        if (failures.length > 0) {
          throw new KustoBindingError(`${failures.length} Kusto client(s) failed to close.`, { cause: failures[0] });
        }
      });
    }
    return this.#closing;
  }

  #get(connection: KustoConnection, kind: ClientKind, create: () => Closable): Promise<Closable> {
    if (this.#closing !== undefined) {
      return Promise.reject(new KustoBindingError(`The Kusto client pool is closed; cannot serve ${connection}.`));
    }
    // Tracing names go into the client details headers, so clients that differ in them are kept apart.
    const key = `${kind}|${connection.identityKey}|${JSON.stringify(connection.tracing)}`;
    let entry = this.#clients.get(key);
    if (entry === undefined) {
      const created: Promise<Closable> = new Promise<Closable>((resolve) => resolve(create())).catch((error) => {
        if (this.#clients.get(key) === created) this.#clients.delete(key);
        if (error instanceof KustoConfigurationError) throw error;
        throw new KustoBindingError(
          `Could not create the Kusto ${kind} client for ${connection}: ` +
            connection.scrub(error instanceof Error ? error.message : String(error)),
          { cause: connection.scrubError(error) },
        );
      });
      entry = created;
      this.#clients.set(key, entry);
    }
    return entry;
  }

  #builder(connection: KustoConnection, endpoint: KustoEndpoint, direction: KustoBindingDirection) {
    const kcsb = connection.toConnectionStringBuilder({
      endpoint,
      credential: this.#credential(connection),
      includeDatabase: false,
    });
    applyConnectorDetails(kcsb, connection, direction, this.#env);
    return kcsb;
  }

  #credential(connection: KustoConnection): TokenCredential | undefined {
    const kind = connection.auth.kind;
    // No credential object for these: none sends nothing, tokens go in as access tokens.
    if (kind === 'none' || kind === 'userToken' || kind === 'appToken') return undefined;
    if (!this.#credentials.has(connection.identityKey)) {
      this.#credentials.set(connection.identityKey, connection.createCredential());
    }
    return this.#credentials.get(connection.identityKey);
  }
}
