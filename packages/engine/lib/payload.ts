/**
 * What an output binding's value becomes on the wire, as the extension's collector writes it: one JSON object as
 * `json`, several as `multijson` (also when `json` was asked for), strings passed through as they are (joined by line
 * breaks), and objects in a delimited format (csv, tsv, psv, …) written as records in the target table's column order
 * with RFC 4180 quoting.
 */
import type { KustoDataFormat } from 'kusto-functions-bindings';
import { DELIMITERS, isDelimitedFormat, toDelimitedText } from 'kusto-functions-bindings';

/** Ingestion text and what it holds. */
export interface IngestPayloadText {
  /** The text to ingest. */
  text: string;
  /** The format it is in. */
  format: KustoDataFormat;
  /** Records sent: items of an array, 1 for an object, lines for a string. */
  records: number;
}

/** Thrown when a value cannot be written in the binding's format; the message says what is wrong. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** Whether a format needs the table's columns to write objects. */
export function needsColumns(format: KustoDataFormat | undefined, value: unknown): boolean {
  if (!isDelimitedFormat(format)) return false;
  const items = Array.isArray(value) ? value : [value];
  return items.some((item) => item !== null && typeof item === 'object');
}

function isRow(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const BIGINT = '\u0000kf-bigint:';

/** JSON text of a row; bigints (exact longs) are written as bare integers. */
export function rowJson(row: unknown): string {
  try {
    return JSON.stringify(row);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    // JSON.stringify writes the marker's NUL as \u0000.
    return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? BIGINT + v.toString() : v)).replace(
      /"\\u0000kf-bigint:(-?\d+)"/g,
      '$1',
    );
  }
}

function lineCount(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

/**
 * Serializes an output value. `columns` (the table's column names, in order) is needed only to write objects in a
 * delimited format ({@link needsColumns}).
 */
export function toPayloadText(
  value: unknown,
  dataFormat: KustoDataFormat | undefined,
  columns?: readonly string[],
): IngestPayloadText {
  if (typeof value === 'string') {
    return { text: value, format: dataFormat ?? 'json', records: lineCount(value) };
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new PayloadError('there is nothing to ingest (an empty array)');
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as unknown;
    if (typeof item !== 'string' && !isRow(item)) {
      const what = item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item;
      throw new PayloadError(
        `${items.length > 1 || Array.isArray(value) ? `item ${i} is ` : 'the value is '}${what}: give objects (rows) or strings`,
      );
    }
  }
  if (isDelimitedFormat(dataFormat)) {
    const text = items
      .map((item) =>
        typeof item === 'string'
          ? item.replace(/\r?\n$/, '') + '\n'
          : delimitedRow(item as Record<string, unknown>, dataFormat, columns),
      )
      .join('');
    return { text, format: dataFormat, records: items.length };
  }
  if (dataFormat !== undefined && dataFormat !== 'json' && dataFormat !== 'multijson') {
    // txt / raw: each item is a line of text; objects as their JSON.
    const text = items.map((item) => (typeof item === 'string' ? item : rowJson(item))).join('\n');
    return { text, format: dataFormat, records: items.length };
  }
  const text = items.map((item) => (typeof item === 'string' ? item : rowJson(item))).join('\n');
  const format: KustoDataFormat = items.length > 1 || dataFormat === 'multijson' ? 'multijson' : 'json';
  return { text, format, records: items.length };
}

function delimitedRow(
  row: Record<string, unknown>,
  format: keyof typeof DELIMITERS,
  columns: readonly string[] | undefined,
): string {
  if (columns === undefined) throw new PayloadError(`the table's columns are needed to write objects as ${format}`);
  const known = new Set(columns);
  const unknown = Object.keys(row).filter((k) => !known.has(k) && row[k] !== undefined);
  if (unknown.length > 0) {
    throw new PayloadError(
      `the row has ${unknown.length === 1 ? 'a property' : 'properties'} ${unknown.map((k) => `'${k}'`).join(', ')} ` +
        `that the table does not have (its columns: ${columns.join(', ')}); ${format} records carry values by position`,
    );
  }
  return toDelimitedText([columns.map((c) => row[c])], format);
}
