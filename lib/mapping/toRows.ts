/**
 * What a handler hands to a Kusto output → what gets ingested: plain rows (class instances through
 * class-transformer's `instanceToPlain`, Dates as ISO 8601) or text sent as is.
 */
import { classTransformer } from './classTransformer';
import { KustoBindingError } from 'kusto-functions-bindings';
import { isDelimitedFormat, toDelimitedText } from 'kusto-functions-bindings';
import type { ClassType } from '../metadata';
import { describeValueType } from './typedProperties';

/** A plain row ready for ingestion. */
export type PlainRow = Record<string, unknown>;

/** What an output binding ingests: rows, or text in the binding's data format. */
export type IngestPayload = PlainRow[] | string;

function isClassInstance(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto !== Object.prototype && proto !== null;
}

function datesToIso(row: PlainRow): PlainRow {
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (v instanceof Date) row[key] = v.toISOString();
  }
  return row;
}

function toPlainRow(value: unknown, type: ClassType | undefined, target: string, index: number | undefined): PlainRow {
  const where = index === undefined ? '' : ` (item ${index})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw new KustoBindingError(
      `Cannot ingest ${describeValueType(value)}${where} into ${target}: give an object, an array of objects or a string.`,
    );
  }
  let plain: PlainRow;
  if (isClassInstance(value)) {
    plain = classTransformer().instanceToPlain(value) as PlainRow;
  } else if (type) {
    // A plain object (say a JSON body) goes through the row class so its @Expose/@Exclude/@Transform rules apply.
    const ct = classTransformer();
    plain = ct.instanceToPlain(ct.plainToInstance(type, value)) as PlainRow;
  } else {
    plain = { ...(value as PlainRow) };
  }
  return datesToIso(plain);
}

/**
 * Converts an output value to what gets ingested. `undefined`/`null` and empty arrays mean "nothing to ingest"
 * (returned as `undefined`). With a delimited `dataFormat` (csv, tsv, psv, …) rows become text in their
 * property order, so Azure's extension and the local engine send the same bytes.
 *
 * @param target - names the binding for error messages, e.g. "the Kusto output 'kustoOutput1' (Products)".
 */
export function toIngestPayload(
  value: unknown,
  options: { type?: ClassType; dataFormat?: string; target: string },
): IngestPayload | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.length === 0 ? undefined : value;
  const rows = Array.isArray(value)
    ? value.map((v, i) => toPlainRow(v, options.type, options.target, i))
    : [toPlainRow(value, options.type, options.target, undefined)];
  if (rows.length === 0) return undefined;
  return isDelimitedFormat(options.dataFormat) ? toDelimitedText(rows, options.dataFormat) : rows;
}
