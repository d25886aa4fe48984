/**
 * Turns ingestion data (text in one of the supported formats) into one extent of a table, all or nothing:
 * every record is converted before anything is appended, and the first value that does not convert fails
 * the whole request with a message naming the record, the column and the value.
 */
import { TICKS_PER_MS, ticksToIso } from '../clock';
import { KustoEmulatorError } from '../errors';
import type { Column, Extent, IngestionMapping, IngestionMappingEntry, Table, Value } from '../model';
import { PreciseNumber } from '../values/decimalValue';
import { fromJson, fromText } from '../values/valueReaders';
import { readDelimited } from './delimitedReader';
import { delimiterOf, type IngestFormat, isJsonFormat, mappingKindOf } from './formats';
import { type JsonValue, readJsonRecords, withoutBigints } from './jsonReader';
import { checkMappingColumns, evaluateJsonPath, mappingKey, parseJsonPath, type PathStep } from './mapping';

/** One ingestion into one table. */
export interface IngestRequest {
  /** Target table. */
  table: Table;
  /** The data, decoded as UTF-8. */
  data: string;
  /** Its format. */
  format: IngestFormat;
  /** A mapping to apply (a stored one, see {@link resolveMapping}, or an inline one); identity mapping when absent. */
  mapping?: { name: string; entries: IngestionMappingEntry[] };
  /** Skip the first record (a CSV header): `ignoreFirstRecord`. */
  ignoreFirstRecord?: boolean;
  /** What `SourceLocation` transforms produce. */
  sourceLocation?: string;
  /** Ingestion time of the new extent, in ticks. */
  now: bigint;
  /** Extent tags (`ingest-by:…`, `drop-by:…`). */
  tags?: string[];
}

/** The stored mapping `name` of `table` for `format`; a clear error when there is none. */
export function resolveMapping(table: Table, format: IngestFormat, name: string): IngestionMapping {
  const kind = mappingKindOf(format);
  const mapping = table.mappings.get(mappingKey(kind, name));
  if (!mapping) {
    const other = [...table.mappings.values()].find((m) => m.name === name);
    const hint = other
      ? ` (table '${table.name}' has a ${other.kind} mapping of that name, which format '${format}' cannot use)`
      : '';
    throw new KustoEmulatorError(
      `Mapping reference '${name}' of kind '${kind}' was not found on table '${table.name}'${hint}.`,
      { code: 'BadRequest_MappingReferenceWasNotFound', kustoType: 'Kusto.Data.Exceptions.EntityNotFoundException' },
    );
  }
  return mapping;
}

function describe(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = value.toString();
  else {
    try {
      text = JSON.stringify(withoutBigints(value as JsonValue)) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function conversionError(record: number, column: Column, value: unknown, cause: unknown): KustoEmulatorError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KustoEmulatorError(
    `Ingestion failed at row ${record}, column '${column.name}' (${column.type}): value ${describe(value)} does not convert: ${reason} Nothing was ingested.`,
    { code: 'BadRequest_IngestionDataConversionFailed', kustoType: 'Kusto.Data.Exceptions.KustoBadRequestException' },
  );
}

function emptyOf(column: Column): Value {
  return column.type === 'string' ? '' : null;
}

/** A JSON value converted to a column's type (bigints from the reader keep longs exact). */
function convertJson(column: Column, value: JsonValue | undefined): Value {
  if (value === undefined || value === null) return emptyOf(column);
  return fromJson(column.type, value);
}

function convertText(column: Column, value: string | undefined): Value {
  // An empty cell is null (the empty string for a string column), as in Kusto's CSV ingestion.
  if (value === undefined || value === '') return emptyOf(column);
  return fromText(column.type, value);
}

/** Ticks for a unix-time number in `unit`-per-second, or a conversion error. */
function unixToTicks(value: JsonValue | undefined, perSecond: bigint): bigint | null {
  if (value === undefined || value === null) return null;
  let n: bigint;
  if (value instanceof PreciseNumber) value = value.value;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isFinite(value)) {
    // Fractions of the unit are kept down to the tick.
    const ticks = (value * 10_000_000) / Number(perSecond);
    return BigInt(Math.round(ticks));
  } else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else throw new Error('a unix time must be a number.');
  return (n * 10_000_000n) / perSecond;
}

const UNIX_UNITS: Record<string, bigint> = {
  DateTimeFromUnixSeconds: 1n,
  DateTimeFromUnixMilliseconds: 1_000n,
  DateTimeFromUnixMicroseconds: 1_000_000n,
  DateTimeFromUnixNanoseconds: 1_000_000_000n,
};

function propertyBagArrayToDictionary(value: JsonValue | undefined): JsonValue | undefined {
  if (!Array.isArray(value)) return value;
  const result: { [key: string]: JsonValue } = {};
  for (const item of value) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && !(item instanceof PreciseNumber)) {
      Object.assign(result, item);
    }
  }
  return result;
}

/** Applies an entry's transformation to the extracted value and converts it to the column's type. */
function convertMapped(
  column: Column,
  entry: IngestionMappingEntry,
  raw: JsonValue | undefined,
  record: number,
  sourceLocation: string,
): Value {
  switch (entry.transform) {
    case 'SourceLocation':
      return convertJson(column, sourceLocation);
    case 'SourceLineNumber':
      return convertJson(column, record);
    case 'PropertyBagArrayToDictionary':
      return convertJson(column, propertyBagArrayToDictionary(raw));
    case undefined:
      return convertJson(column, raw);
    default: {
      const ticks = unixToTicks(raw, UNIX_UNITS[entry.transform] ?? 1n);
      if (ticks === null) return emptyOf(column);
      if (column.type === 'datetime') return ticks;
      return convertJson(column, ticksToIso(ticks));
    }
  }
}

interface CompiledEntry {
  target: number;
  column: Column;
  entry: IngestionMappingEntry;
  steps?: PathStep[];
}

function compileMapping(table: Table, mapping: { name: string; entries: IngestionMappingEntry[] }): CompiledEntry[] {
  checkMappingColumns(mapping, table);
  return mapping.entries.map((entry) => {
    const target = table.columns.findIndex((c) => c.name === entry.column);
    return {
      target,
      column: table.columns[target],
      entry,
      steps: entry.path !== undefined ? parseJsonPath(entry.path, `mapping '${mapping.name}'`) : undefined,
    };
  });
}

/** Converts the data into rows of the table, in order; throws (appending nothing) on the first bad value. */
export function toRows(request: IngestRequest): Value[][] {
  const { table, format } = request;
  const columns = table.columns;
  const mapping = request.mapping ? compileMapping(table, request.mapping) : undefined;
  const sourceLocation = request.sourceLocation ?? '';
  const rows: Value[][] = [];
  // Strip a UTF-8 byte order mark.
  const data = request.data.charCodeAt(0) === 0xfeff ? request.data.slice(1) : request.data;

  if (isJsonFormat(format)) {
    const records = readJsonRecords(data);
    records.forEach((record, index) => {
      const number = index + 1;
      if (request.ignoreFirstRecord && index === 0) return;
      const row: Value[] = columns.map(emptyOf);
      if (mapping) {
        for (const m of mapping) {
          const raw =
            m.entry.constValue !== undefined
              ? m.entry.constValue
              : m.steps
                ? evaluateJsonPath(record, m.steps)
                : undefined;
          try {
            row[m.target] =
              m.entry.constValue !== undefined && !m.entry.transform
                ? convertText(m.column, m.entry.constValue)
                : convertMapped(m.column, m.entry, raw, number, sourceLocation);
          } catch (error) {
            throw conversionError(number, m.column, raw, error);
          }
        }
      } else {
        if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof PreciseNumber) {
          throw new KustoEmulatorError(
            `Ingestion failed at row ${number}: the record is not a JSON object (${describe(record)}), so its fields cannot be matched to columns by name. Nothing was ingested.`,
            { code: 'BadRequest_InvalidJson' },
          );
        }
        columns.forEach((column, i) => {
          const raw = Object.prototype.hasOwnProperty.call(record, column.name) ? record[column.name] : undefined;
          try {
            row[i] = convertJson(column, raw);
          } catch (error) {
            throw conversionError(number, column, raw, error);
          }
        });
      }
      rows.push(row);
    });
    return rows;
  }

  let records: string[][];
  if (format === 'raw') records = data.length > 0 ? [[data]] : [];
  else if (format === 'txt')
    records = data
      .split(/\r?\n/)
      .filter((line, i, all) => line !== '' || i < all.length - 1)
      .map((line) => [line]);
  else records = readDelimited(data, { delimiter: delimiterOf(format) as string, escapes: format === 'tsve' });

  records.forEach((fields, index) => {
    const number = index + 1;
    if (request.ignoreFirstRecord && index === 0) return;
    const row: Value[] = columns.map(emptyOf);
    if (mapping) {
      for (const m of mapping) {
        const raw = m.entry.constValue ?? (m.entry.ordinal !== undefined ? fields[m.entry.ordinal] : undefined);
        try {
          row[m.target] = m.entry.transform
            ? convertMapped(m.column, m.entry, raw, number, sourceLocation)
            : convertText(m.column, raw);
        } catch (error) {
          throw conversionError(number, m.column, raw, error);
        }
      }
    } else {
      if (fields.length > columns.length) {
        throw new KustoEmulatorError(
          `Ingestion failed at row ${number}: it has ${fields.length} fields but table '${table.name}' has ${columns.length} columns. Nothing was ingested.`,
          { code: 'Stream_WrongNumberOfFields' },
        );
      }
      columns.forEach((column, i) => {
        try {
          row[i] = convertText(column, fields[i]);
        } catch (error) {
          throw conversionError(number, column, fields[i], error);
        }
      });
    }
    rows.push(row);
  });
  return rows;
}

/** Converts the data and appends it to the table as one extent; returns the extent (undefined for no data). */
export function ingestData(request: IngestRequest): Extent | undefined {
  const rows = toRows(request);
  if (rows.length === 0) return undefined;
  const extent: Extent = { ingestionTime: request.now, rows, tags: request.tags ?? [] };
  request.table.extents.push(extent);
  return extent;
}

/** Milliseconds in ticks (for durations reported by commands). */
export function msToTicks(ms: number): bigint {
  return BigInt(Math.round(ms)) * TICKS_PER_MS;
}
