/**
 * Reads CSV-family text into records of fields: RFC 4180 quoting ("" inside quotes), CRLF or LF line ends,
 * line breaks inside quoted fields. `tsve` also unescapes backslash sequences in its fields.
 */
import { KustoEmulatorError } from '../errors';

/** Options of the delimited reader. */
export interface DelimitedOptions {
  /** Field delimiter. */
  delimiter: string;
  /** Unescape `\t`, `\n`, `\\`, … in fields (the `tsve` format). */
  escapes?: boolean;
}

function malformed(record: number, detail: string): KustoEmulatorError {
  return new KustoEmulatorError(`Malformed delimited data in record ${record}: ${detail}.`, {
    code: 'Stream_ClosingQuoteMissing',
    kustoType: 'Kusto.Data.Exceptions.KustoBadRequestException',
  });
}

function unescape(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === '0' ? '\0' : c,
  );
}

/** The records of `text`; an empty line is no record. */
export function readDelimited(text: string, options: DelimitedOptions): string[][] {
  const { delimiter } = options;
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  const n = text.length;
  let recordStart = true;
  while (i < n) {
    if (recordStart && (text[i] === '\n' || text[i] === '\r')) {
      // Empty line.
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    recordStart = false;
    let field: string;
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw malformed(records.length + 1, 'a quoted field is never closed');
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      if (j < n && !text.startsWith(delimiter, j) && text[j] !== '\n' && text[j] !== '\r') {
        throw malformed(records.length + 1, `unexpected '${text[j]}' after a closing quote`);
      }
      field = value;
      i = j;
    } else {
      let j = i;
      while (j < n && !text.startsWith(delimiter, j) && text[j] !== '\n' && text[j] !== '\r') j++;
      field = text.slice(i, j);
      if (options.escapes) field = unescape(field);
      i = j;
    }
    fields.push(field);
    if (i < n && text.startsWith(delimiter, i)) {
      i += delimiter.length;
      if (i >= n) fields.push('');
      continue;
    }
    // End of record.
    records.push(fields);
    fields = [];
    recordStart = true;
    if (i < n) i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
  }
  if (fields.length > 0) records.push(fields);
  return records;
}
