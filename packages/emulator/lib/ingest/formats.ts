/**
 * Ingestion data formats the emulator reads, and the mapping kind each one uses.
 */
import { notSupported, syntaxError } from '../errors';

/** A data format the emulator can ingest. */
export type IngestFormat =
  'csv' | 'tsv' | 'tsve' | 'psv' | 'scsv' | 'sohsv' | 'txt' | 'raw' | 'json' | 'multijson' | 'singlejson';

/** Formats of the CSV family (read by the delimited reader, mapped by ordinal). */
const DELIMITED: Partial<Record<IngestFormat, string>> = {
  csv: ',',
  tsv: '\t',
  tsve: '\t',
  psv: '|',
  scsv: ';',
  sohsv: '\u0001',
};

const SUPPORTED: readonly IngestFormat[] = [
  'csv',
  'tsv',
  'tsve',
  'psv',
  'scsv',
  'sohsv',
  'txt',
  'raw',
  'json',
  'multijson',
  'singlejson',
];

// Formats Kusto knows that need binary readers the emulator does not have.
const UNSUPPORTED = ['avro', 'apacheavro', 'parquet', 'orc', 'w3clogfile', 'azmonstream'];

/** The format named `name` (case-insensitive, as `streamFormat` or `format=` give it). */
export function parseFormat(name: string): IngestFormat {
  const lower = name.toLowerCase();
  if ((SUPPORTED as readonly string[]).includes(lower)) return lower as IngestFormat;
  if (UNSUPPORTED.includes(lower)) throw notSupported(`Ingestion format '${name}'`);
  throw syntaxError(`Unknown ingestion format '${name}': expected one of ${SUPPORTED.join(', ')}.`);
}

/** The field delimiter of a CSV-family format, or undefined for other formats. */
export function delimiterOf(format: IngestFormat): string | undefined {
  return DELIMITED[format];
}

/** Whether the format is one of the JSON family. */
export function isJsonFormat(format: IngestFormat): boolean {
  return format === 'json' || format === 'multijson' || format === 'singlejson';
}

/** The ingestion mapping kind a format uses, as Kusto spells it. */
export function mappingKindOf(format: IngestFormat): 'Json' | 'Csv' {
  return isJsonFormat(format) ? 'Json' : 'Csv';
}
