/**
 * Writes rows as delimited text (CSV and its relatives) the way Kusto ingestion reads it: RFC 4180 quoting,
 * one record per line. Shared by the registration wrapper and the engine, so a CSV output binding sends the
 * same text in Azure and locally.
 */

/** The delimited formats, with their separators. */
export const DELIMITERS = {
  /** Comma-separated. */
  csv: ',',
  /** Tab-separated. */
  tsv: '\t',
  /** Tab-separated, with escapes. */
  tsve: '\t',
  /** Pipe-separated. */
  psv: '|',
  /** Semicolon-separated. */
  scsv: ';',
  /** Separated by U+0001 (SOH). */
  sohsv: '\u0001',
} as const;

/** A delimited format name. */
export type DelimitedFormat = keyof typeof DELIMITERS;

/** Whether a data format is delimited text. */
export function isDelimitedFormat(format: string | undefined): format is DelimitedFormat {
  return format !== undefined && Object.prototype.hasOwnProperty.call(DELIMITERS, format);
}

function cell(value: unknown, separator: string): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  // Quote whenever the text holds the separator, a quote, a line break or edge blanks (which readers trim).
  if (text.includes(separator) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)) {
    return '"' + text.replace(/"/g, '""') + '"';
  }
  return text;
}

/**
 * Rows (objects, written in their own property order, or arrays of cell values) as delimited text, each
 * record ending with a line break.
 */
export function toDelimitedText(rows: readonly unknown[], format: DelimitedFormat): string {
  const separator = DELIMITERS[format];
  let out = '';
  for (const row of rows) {
    const values = Array.isArray(row) ? row : Object.values(row as object);
    out += values.map((v) => cell(v, separator)).join(separator) + '\n';
  }
  return out;
}
