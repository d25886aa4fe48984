/**
 * The emulator's data model: what a database, table, column and value are in memory.
 *
 * This file is the contract between the emulator's parts (KQL engine, management commands, ingestion,
 * REST protocol). It holds types and tiny helpers only, so every part can depend on it.
 */

/** A Kusto scalar type, spelled as the REST API reports it in a column's `ColumnType`. */
export type KustoScalarType =
  'bool' | 'int' | 'long' | 'real' | 'decimal' | 'string' | 'datetime' | 'timespan' | 'guid' | 'dynamic';

/** The number types: Kusto compares and combines any two of them as numbers. */
export const NUMERIC_TYPES: ReadonlySet<KustoScalarType> = new Set(['int', 'long', 'real', 'decimal']);

/** A value inside a `dynamic`: JSON's own shapes (numbers as JS numbers). */
export type DynamicValue = null | boolean | number | string | DynamicValue[] | { [key: string]: DynamicValue };

/**
 * A value as the emulator holds it. The column's type says how to read it:
 * - bool → boolean; int → number (32-bit integer); real → number (NaN and ±Infinity allowed);
 * - long → bigint (exact 64-bit, so values beyond 2^53 survive storage and queries);
 * - decimal → string, the exact value's canonical text (`0.3`, `-12.5`, `100000`: no exponent, no trailing zeros;
 *   see values/decimalValue.ts), so that 0.1 + 0.2 is 0.3 as in Kusto;
 * - string → string (Kusto strings are never null: the empty string plays that part);
 * - datetime → bigint, 100-nanosecond ticks since 1970-01-01T00:00:00Z (Kusto's precision);
 * - timespan → bigint, 100-nanosecond ticks;
 * - guid → string, lower-case canonical 8-4-4-4-12 form;
 * - dynamic → {@link DynamicValue}.
 * `null` is Kusto's null for every type but string.
 */
export type Value = null | boolean | number | bigint | string | DynamicValue[] | { [key: string]: DynamicValue };

/** A column of a table or of a result. */
export interface Column {
  /** Column name, case-sensitive as in Kusto. */
  name: string;
  /** Column type. */
  type: KustoScalarType;
}

/** A batch of rows appended by one ingestion or command: appends are all-or-nothing per extent. */
export interface Extent {
  /** When the rows were ingested, in ticks (what `ingestion_time()` returns). */
  ingestionTime: bigint;
  /** Rows, each an array of values in the table's column order. */
  rows: Value[][];
  /** Tags given at ingestion (`ingest-by:…`, `drop-by:…`), used by ingestIfNotExists. */
  tags: string[];
}

/** An ingestion mapping stored on a table (`.create table T ingestion json mapping 'name' '[...]'`). */
export interface IngestionMapping {
  /** Mapping name. */
  name: string;
  /** Mapping kind as Kusto spells it: `Json`, `Csv`, … */
  kind: string;
  /** Mapping entries as given, parsed from JSON (`{ column, path?, ordinal?, datatype?, transform? }`). */
  entries: IngestionMappingEntry[];
}

/** One entry of an ingestion mapping. */
export interface IngestionMappingEntry {
  /** Target column. */
  column: string;
  /** JSON path for JSON-family formats (`$.ItemID`). */
  path?: string;
  /** Zero-based source ordinal for CSV-family formats. */
  ordinal?: number;
  /** Optional declared data type (used when the mapping creates the column). */
  datatype?: string;
  /** Optional constant value. */
  constValue?: string;
  /** Optional transformation name (for example `SourceLocation`); unknown ones are rejected. */
  transform?: string;
}

/** A table and its data. */
export interface Table {
  /** Table name, case-sensitive. */
  name: string;
  /** Columns in order. */
  columns: Column[];
  /** Data, in ingestion order. */
  extents: Extent[];
  /** Ingestion mappings keyed by `${kind.toLowerCase()}:${name}`. */
  mappings: Map<string, IngestionMapping>;
  /** Policies recorded by `.alter … policy …`, keyed by policy name in lower case. */
  policies: Map<string, string>;
  /** `docstring` property. */
  docString?: string;
  /** `folder` property. */
  folder?: string;
}

/** A stored function (`.create function F(a:string) { … }`). */
export interface StoredFunction {
  /** Function name. */
  name: string;
  /** Parameter list as declared, with parentheses: `(name:string)`. */
  parameters: string;
  /** Body as declared, with braces: `{ Products | where Name == name }`. */
  body: string;
  /** `docstring` property. */
  docString?: string;
  /** `folder` property. */
  folder?: string;
}

/** A database. */
export interface Database {
  /** Database name. */
  name: string;
  /** Whether it survives a restart (`persist`) or lives in memory only (`volatile`). */
  persistent: boolean;
  /** Tables by name. */
  tables: Map<string, Table>;
  /** Stored functions by name. */
  functions: Map<string, StoredFunction>;
  /** Bumped on every schema change (tables, columns, functions): keys the query analysis cache. */
  schemaVersion: number;
}

/** Number of rows of a table, over all its extents. */
export function rowCount(table: Table): number {
  let n = 0;
  for (const extent of table.extents) n += extent.rows.length;
  return n;
}
