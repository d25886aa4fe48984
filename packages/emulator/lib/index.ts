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
import { executeQuery, type ResultTable, warmUpQueryEngine } from './kql';
import { flushCatalog, loadCatalog } from './persistence';
import { splitScript } from './script';
import { DataManagement } from './dataManagement/dataManagement';
import { EmulatorServer, type RequestInfo } from './server';

export { Catalog, type DatabaseInfo, type CatalogChanges } from './catalog';
export { KustoEmulatorError } from './errors';
export type { ResultTable } from './kql';
export type { RequestInfo } from './server';
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
   * Directory of `persist` databases: those found there are loaded at start, and those created with
   * `.create database X persist (…)` are written there on {@link KustoEmulator.flush} and close.
   * Without it, `persist` databases cannot be created. Volatile databases never touch disk.
   */
  dataDir?: string;
  /** Databases to create (volatile) at start, unless they already exist (loaded from dataDir). */
  databases?: string[];
  /** Called after each HTTP request is answered (for request logs). */
  onRequest?: (info: RequestInfo) => void;
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
  /** Writes changed `persist` databases to dataDir (nothing without a dataDir). */
  flush(): Promise<void>;
  /** Stops accepting requests, waits for those under way, flushes, and releases the port. */
  close(): Promise<void>;
}

/** Starts an emulator; rejects with an error naming host and port when the port is in use. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<KustoEmulator> {
  const host = options.host ?? '127.0.0.1';
  const catalog = new Catalog();
  if (options.dataDir) await loadCatalog(catalog, options.dataDir);
  for (const name of options.databases ?? []) {
    if (!catalog.get(name)) catalog.createDatabase(name, false);
  }
  if (options.warmUp) warmUpQueryEngine();
  const dm = new DataManagement({ catalog, queuedIngestionIntervalMs: options.queuedIngestionIntervalMs });
  const server = new EmulatorServer({
    catalog,
    dataDir: options.dataDir,
    onRequest: options.onRequest,
    storage: dm,
    ingestionResources: dm,
  });
  const port = await server.listen(options.port ?? 0, host);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  dm.start(url);

  let flushing: Promise<void> = Promise.resolve();
  let closed: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    const dataDir = options.dataDir;
    if (!dataDir) return Promise.resolve();
    // One flush at a time: each writes what changed before it started.
    flushing = flushing.catch(() => undefined).then(() => flushCatalog(catalog, dataDir));
    return flushing;
  };
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
    executeCommand: async (database, text) => command(database, text),
    executeQuery: async (database, text, parameters) => query(database, text, parameters),
    runScript: async (database, script) => {
      const steps: ScriptStepResult[] = [];
      for (const block of splitScript(script)) {
        try {
          const tables = block.text.startsWith('.') ? [command(database, block.text)] : query(database, block.text);
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
        .then(flush);
      return closed;
    },
  };
}
