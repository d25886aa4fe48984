/**
 * What a management command runs with, and how it builds its result table.
 */
import type { Catalog } from '../catalog';
import type { ResultTable } from '../kql';
import type { Database, KustoScalarType, Value } from '../model';

/**
 * What `.get ingestion resources` and `.get kusto identity token` report: implemented by the emulator's data
 * management service.
 */
export interface IngestionResources {
  /** `[ResourceTypeName, StorageRoot]` rows. */
  resourceRows(): [string, string][];
  /** The identity token ingestion messages carry. */
  readonly authorizationContext: string;
}

/** One management command request. */
export interface CommandContext {
  /** All databases. */
  catalog: Catalog;
  /** The request's database (`db`); database-scoped commands need it to exist. */
  databaseName: string;
  /** `properties.Parameters` (for the queries of `.set-or-append … <| query`). */
  parameters: Record<string, string>;
  /** `properties.Options`. */
  options: Record<string, unknown>;
  /** The request's `now()`, in ticks. */
  now: bigint;
  /** Where `persist` databases are stored; undefined when the emulator keeps everything in memory. */
  dataDir?: string;
  /** The emulator's data management service; undefined when commands run without one (queued ingestion is refused). */
  ingestionResources?: IngestionResources;
  /**
   * The principal (`aadapp=<id>;<tenant>`) running the command when the emulator checks identities; undefined for the
   * local developer. `.get kusto identity token` names it, so that queued ingestion is held to its roles.
   */
  caller?: string;
}

/** The database in scope; entity-not-found when the request names none that exists. */
export function contextDatabase(context: CommandContext): Database {
  return context.catalog.require(context.databaseName);
}

/** A command result with the given `[name, type]` columns. */
export function resultTable(columns: [string, KustoScalarType][], rows: Value[][]): ResultTable {
  return { name: 'Table_0', columns: columns.map(([name, type]) => ({ name, type })), rows };
}
