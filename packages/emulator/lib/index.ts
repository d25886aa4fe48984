/**
 * The embedded Kusto emulator: a Kusto REST endpoint on node:http that the official clients
 * (azure-kusto-data, azure-kusto-ingest) use unchanged, with a connection string such as
 * `Data Source=http://127.0.0.1:8080;Database=productsdb`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ databases: ['productsdb'] });
 * await emulator.runScript('productsdb', '.create table Products (Id:long, Name:string)');
 * const client = new Client(emulator.connectionString('productsdb'));
 * // … client.execute('productsdb', 'Products | take 10') …
 * await emulator.close();
 * ```
 */
import { Catalog } from './catalog';
import { nowTicks } from './clock';
import { executeCommand } from './commands';
import { KustoEmulatorError } from './errors';
import { executeQuery, executeQueryAsync, type ResultTable, warmUpQueryEngine } from './kql';
import { Durability } from './persistence';
import { splitScript } from './script';
import { DataManagement } from './dataManagement/dataManagement';
import { EmulatorServer, type RequestInfo } from './server';
import { normalizeOrigin } from './requestOrigin';
import { type IdentityIssuer, TokenVerifier } from './identity/tokens';

export { Catalog, type DatabaseInfo, type CatalogChanges, type CatalogDurability } from './catalog';
export { KustoEmulatorError, type InnerErrorDetails } from './errors';
export {
  analyzeQuery,
  schemaFromCatalog,
  schemaFromShowSchemaJson,
  type AnalysisColumn,
  type AnalysisDatabase,
  type AnalysisFunction,
  type AnalysisMapping,
  type AnalysisSchema,
  type AnalysisTable,
  type QueryAnalysis,
  type QueryDiagnostic,
} from './analysis';
export type { ResultTable } from './kql';
export type { Visualization } from './kql/render';
export type { RequestInfo } from './server';
export type { IdentityIssuer } from './identity/tokens';
export type { DatabaseRole, PrincipalGrant } from './identity/principals';
export {
  type AllowedOrigins,
  foreignRequestReason,
  hasJsonContentType,
  isAllowedOrigin,
  type ListenAddress,
  mediaTypeOf,
  normalizeOrigin,
  ownOrigin,
} from './requestOrigin';
export { runEmulatorCli, type EmulatorCliOptions } from './cli';
export type {
  Column,
  Database,
  DynamicValue,
  Extent,
  IngestionMapping,
  IngestionMappingEntry,
  KustoScalarType,
  StoredFunction,
  Table,
  Value,
} from './model';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /**
   * Directory of the persistent databases, as on a real cluster every database is: those found there are loaded at
   * start, and every change to them (schema, functions, mappings, policies, rows from every ingestion path) is
   * written to a per-database write-ahead log and fsynced before the request that made it is answered.
   * With it, databases are persistent unless created `volatile`; without it, everything is kept in memory and
   * `persist` databases cannot be created.
   */
  dataDir?: string;
  /** Databases to create at start (persistent when there is a dataDir), unless they already exist (loaded from dataDir). */
  databases?: string[];
  /** Receives storage warnings (a damaged log tail truncated at start, a database directory set aside); console.warn unless told. */
  onWarning?: (message: string) => void;
  /**
   * Size in bytes past which a database's write-ahead log is compacted into a snapshot (so that a restart reads
   * about the data's size, not its history); 64 MiB unless told.
   */
  compactionBytes?: number;
  /** Called after each HTTP request is answered (for request logs). */
  onRequest?: (info: RequestInfo) => void;
  /**
   * Web page origins (`http://localhost:3000`, or `*` for any) whose pages may call the emulator from a browser,
   * besides the emulator's own; they get CORS answers. Requests with any other `Origin` are refused with 403, as are
   * requests whose `Host` is not a loopback name or `host` (DNS rebinding). Tools send no `Origin`: they need nothing.
   */
  allowedOrigins?: string[];
  /**
   * Load the KQL parser at start (about 1.5 s of CPU) instead of on the first query, so the first query
   * answers as fast as the rest. Off by default.
   */
  warmUp?: boolean;
  /**
   * Queued ingestion (QueuedIngestClient, and ManagedStreamingIngestClient's fallback): milliseconds between
   * runs over the ingestion queue; 100 unless told otherwise. A message with FlushImmediately is ingested
   * at once, and close ingests what is still waiting.
   */
  queuedIngestionIntervalMs?: number;
  /**
   * Most bytes blobs uploaded to the queued-ingestion storage and not yet ingested may hold (1 GiB unless told
   * otherwise): an upload past it is refused with Azure Storage's 503 ServerBusy ("Ingress is over the account limit").
   */
  queuedIngestionStorageBytes?: number;
  /**
   * Check identities, as a cluster with Entra ID does: a request's bearer token must be an RS256 JWT signed with
   * `publicKey`, issued by `issuer`, unexpired, for this cluster's URL (the audience the clients ask for, since
   * GET /v1/rest/auth/metadata then names it); it is the principal `aadapp=<appid>;<tid>`, held to the database
   * roles granted with `.add database X viewers|users|ingestors|admins (…)`. A request without a token is the local
   * developer, who holds every role. Off unless given.
   */
  identity?: IdentityIssuer;
}

/** One block of a script run by {@link KustoEmulator.runScript}. */
export interface ScriptStepResult {
  /** 1-based line of the script where the block starts. */
  line: number;
  /** The block's text. */
  text: string;
  /** Its results: one table for a command, the query's tables for a query. */
  tables: ResultTable[];
}

/** A running emulator. */
export interface KustoEmulator {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Its databases. */
  readonly catalog: Catalog;
  /** A connection string for the official clients: `Data Source=<url>;Database=<database>`. */
  connectionString(database?: string): string;
  /** Runs a management command in `database` (as POST /v1/rest/mgmt would). */
  executeCommand(database: string, commandText: string): Promise<ResultTable>;
  /** Runs a query in `database` (as POST /v2/rest/query would, without result truncation). */
  executeQuery(database: string, queryText: string, parameters?: Record<string, string>): Promise<ResultTable[]>;
  /**
   * Runs a .kql setup script as Kusto Explorer does: blocks separated by blank lines, each a command or a
   * query. Stops at the first failure, with an error naming the block's line.
   */
  runScript(database: string, scriptText: string): Promise<ScriptStepResult[]>;
  /** Ingests the queued ingestion messages waiting now (rather than at the next interval), reporting their status. */
  processIngestionQueue(): Promise<void>;
  /**
   * Records changes made to {@link KustoEmulator.catalog} directly (requests and the methods above are durable
   * before they return) and waits for every write under way; nothing without a dataDir.
   */
  flush(): Promise<void>;
  /** Stops accepting requests, waits for those under way, flushes, and releases the port. */
  close(): Promise<void>;
}

/** Starts an emulator; rejects with an error naming host and port when the port is in use. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<KustoEmulator> {
  const host = options.host ?? '127.0.0.1';
  // Checked before anything starts: a mistyped origin fails the start, naming it.
  const allowedOrigins = (options.allowedOrigins ?? []).map((origin) => {
    try {
      return normalizeOrigin(origin);
    } catch (error) {
      throw new KustoEmulatorError(`allowedOrigins: ${(error as Error).message}`);
    }
  });
  // Checked before anything starts: a key that is not an RSA public key fails the start, saying so.
  const verifier = options.identity ? new TokenVerifier(options.identity) : undefined;
  const catalog = new Catalog();
  let durability: Durability | undefined;
  if (options.dataDir) {
    durability = new Durability(catalog, options.dataDir, {
      warn: options.onWarning,
      compactionBytes: options.compactionBytes,
    });
    await durability.load();
    catalog.durability = durability;
  }
  for (const name of options.databases ?? []) {
    if (!catalog.get(name)) catalog.createDatabase(name, durability !== undefined);
  }
  await catalog.commit();
  if (options.warmUp) warmUpQueryEngine();
  const dm = new DataManagement({
    catalog,
    queuedIngestionIntervalMs: options.queuedIngestionIntervalMs,
    queuedIngestionStorageBytes: options.queuedIngestionStorageBytes,
    dataDir: options.dataDir,
    warn: options.onWarning,
  });
  await dm.recover();
  const server = new EmulatorServer({
    catalog,
    dataDir: options.dataDir,
    onRequest: options.onRequest,
    storage: dm,
    ingestionResources: dm,
    allowedOrigins,
    identity: verifier,
  });
  const port = await server.listen(options.port ?? 0, host).catch(async (error: unknown) => {
    // Not started: release the data directory (its lock and logs) for the next attempt.
    await durability?.close();
    throw error;
  });
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  verifier?.setAudience(url);
  dm.start(url);

  let closed: Promise<void> | undefined;
  // Changes are durable as they are made; flush records changes made to the catalog directly and waits for writes.
  const flush = (): Promise<void> => durability?.flush() ?? Promise.resolve();
  const command = (database: string, text: string): ResultTable =>
    executeCommand(
      {
        catalog,
        databaseName: database,
        parameters: {},
        options: {},
        now: nowTicks(),
        dataDir: options.dataDir,
        ingestionResources: dm,
      },
      text,
    );
  const query = (database: string, text: string, parameters: Record<string, string> = {}): ResultTable[] =>
    executeQuery({ catalog, database: catalog.require(database), text, parameters, options: {}, now: nowTicks() });

  return {
    url,
    port,
    catalog,
    connectionString: (database?: string) => `Data Source=${url}${database ? `;Database=${database}` : ''}`,
    executeCommand: async (database, text) => {
      let result: ResultTable;
      try {
        result = command(database, text);
      } finally {
        // Even a failing command may have changed something (a script's earlier part): record it.
        await catalog.commit();
      }
      return result;
    },
    // In slices, as the server runs queries: an in-process caller's slow query does not hold the server either.
    executeQuery: async (database, text, parameters = {}) =>
      executeQueryAsync({
        catalog,
        database: catalog.require(database),
        text,
        parameters,
        options: {},
        now: nowTicks(),
      }),
    runScript: async (database, script) => {
      const steps: ScriptStepResult[] = [];
      for (const block of splitScript(script)) {
        try {
          const tables = block.text.startsWith('.') ? [command(database, block.text)] : query(database, block.text);
          await catalog.commit();
          steps.push({ line: block.line, text: block.text, tables });
        } catch (error) {
          const message = `Script block at line ${block.line} failed: ${error instanceof Error ? error.message : String(error)}`;
          if (error instanceof KustoEmulatorError) {
            throw new KustoEmulatorError(message, {
              status: error.status,
              code: error.code,
              kustoType: error.kustoType,
              permanent: error.permanent,
            });
          }
          throw new Error(message, { cause: error });
        }
      }
      return steps;
    },
    processIngestionQueue: () => dm.processQueue(),
    flush,
    close: () => {
      // Requests first (messages under way land in the queue), then what the queue still holds, then disk.
      closed ??= server
        .close()
        .then(() => dm.close())
        .then(() => durability?.close());
      return closed;
    },
  };
}
