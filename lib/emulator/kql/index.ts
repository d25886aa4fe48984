/**
 * The emulator's KQL engine: runs a query text against a database.
 *
 * CONTRACT (owned by the KQL engine; the server and management commands call only this file):
 * - `executeQuery` parses (Kusto.Language, loaded lazily and cached by schema version + text), checks,
 *   and evaluates a query, returning one result table per tabular result the query produces.
 * - Errors are `KustoEmulatorError`s worded like Kusto's.
 */
import type { Catalog } from '../catalog';
import type { Column, Database, Value } from '../model';

/** One query to run. */
export interface QueryRequest {
  /** All databases (for `database("x").T` and cross-database function calls). */
  catalog: Catalog;
  /** The database in scope (the request's `db`). */
  database: Database;
  /** Query text as the client sent it (`csl`). */
  text: string;
  /** `properties.Parameters`: name → value text, typed by the query's `declare query_parameters`. */
  parameters: Record<string, string>;
  /** `properties.Options` (request properties such as `servertimeout`, `truncationmaxrecords`). */
  options: Record<string, unknown>;
  /** The request's `now()`, in ticks; one value for the whole request. */
  now: bigint;
}

/** One tabular result. */
export interface ResultTable {
  /** Name: `PrimaryResult` for unnamed results, or the name given by `as` / `fork`. */
  name: string;
  /** Columns with their Kusto types. */
  columns: Column[];
  /** Rows in column order. */
  rows: Value[][];
}

/** Runs a query; throws a `KustoEmulatorError` for syntax, semantic and runtime errors. */
export function executeQuery(request: QueryRequest): ResultTable[] {
  void request;
  throw new Error('executeQuery: not implemented yet');
}
