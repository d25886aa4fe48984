/**
 * Kusto results → the rows a handler receives, as the Functions host's extension delivers them to Node.js.
 *
 * The extension reads the first result table with the .NET data reader, turns each row into a JSON object
 * (Newtonsoft) and hands the JSON array to the worker, which parses it. Kusto's REST results already hold values in
 * the forms that round trip yields, so values are passed through as the service wrote them:
 * - datetime: ISO 8601 text, UTC, fraction trimmed (`2024-01-02T03:04:05.5Z`);
 * - timespan: .NET's constant form (`1.02:03:04`, `00:00:00.5000000`);
 * - long, int, real: numbers (a real NaN / ±Infinity as the text `NaN`, `Infinity`, `-Infinity`);
 * - decimal: text, exactly as the service wrote it (`1.25`);
 * - guid: text; bool: boolean; string: text (null as '');
 * - dynamic: parsed JSON (management commands' v1 results carry it as JSON text: it is parsed too).
 *
 * Longs beyond 2^53 lose precision in a JavaScript number, as in Azure; with `longs: 'string'` the engine reads them
 * from the response text exactly and delivers every long column as decimal text.
 */
import type { KustoResultTable } from 'azure-kusto-data';

/** How long columns are delivered: numbers (as in Azure) or exact decimal text. */
export type LongsAs = 'number' | 'string';

// A JSON integer too long for a double, kept as text by parseJsonKeepingLongs. Control characters cannot appear
// unescaped in JSON text, so the marker cannot come from a service value.
const BIG = '\u0000kf-long:';
const LONG_DIGITS = /\d{16}/;

/**
 * JSON.parse that keeps integers of 16 digits or more exactly: they come back as marked strings that
 * {@link toRows} turns into text (long columns) or numbers (elsewhere). Text without such integers costs one scan.
 */
export function parseJsonKeepingLongs(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  let out = '';
  let last = 0;
  let inString = false;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      if (/^-?\d{16,}$/.test(token)) {
        out += text.slice(last, i) + JSON.stringify(BIG + token);
        last = j;
        found = true;
      }
      i = j - 1;
    }
  }
  return JSON.parse(found ? out + text.slice(last) : text) as unknown;
}

// Query clients that read responses with parseJsonKeepingLongs (whichever engine installed it).
const losslessClients = new WeakSet<object>();

/**
 * Makes a query client read its responses with {@link parseJsonKeepingLongs} (once; later calls do nothing). Its
 * results then hold marked integers that {@link toRows} must be told about (`marked`).
 */
export function readLongsLosslessly(client: object): void {
  if (losslessClients.has(client)) return;
  const axios = (client as { axiosInstance?: { defaults: { transformResponse?: unknown } } }).axiosInstance;
  if (axios === undefined) return;
  // axios's own parse leaves text that is not JSON (an HTML error page) as it is: so does this.
  axios.defaults.transformResponse = [
    (data: unknown) => {
      if (typeof data !== 'string' || data.trim() === '') return data;
      try {
        return parseJsonKeepingLongs(data);
      } catch {
        return data;
      }
    },
  ];
  losslessClients.add(client);
}

/** Whether a client's results may hold marked integers. */
export function readsLongsLosslessly(client: object): boolean {
  return losslessClients.has(client);
}

function unmark(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(BIG) ? Number(value.slice(BIG.length)) : value;
  if (Array.isArray(value)) return value.map(unmark);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unmark(v);
    return out;
  }
  return value;
}

function longText(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && value.startsWith(BIG)) return value.slice(BIG.length);
  return value;
}

/** Rows (objects keyed by column name) of a result table. */
export function toRows(
  table: KustoResultTable,
  options: { longs: LongsAs; marked: boolean; v1: boolean },
): Record<string, unknown>[] {
  const columns = table.columns;
  const names: string[] = [];
  const kinds: number[] = [];
  for (let i = 0; i < columns.length; i++) {
    names.push(columns[i].name ?? `Column${i + 1}`);
    const type = (columns[i].type ?? '').toLowerCase();
    // 0: as is, 1: long, 2: dynamic, 3: other numeric that may hold a marked integer.
    kinds.push(
      type === 'long' || type === 'int64' ? 1 : type === 'dynamic' ? 2 : type === 'int' || type === 'real' ? 3 : 0,
    );
  }
  const rows = table._rows as unknown[][];
  const out: Record<string, unknown>[] = new Array(rows.length);
  const plain = !options.marked && options.longs === 'number' && !(options.v1 && kinds.includes(2));
  for (let r = 0; r < rows.length; r++) {
    const raw = rows[r];
    const row: Record<string, unknown> = {};
    if (plain) {
      for (let c = 0; c < names.length; c++) row[names[c]] = raw[c];
    } else {
      for (let c = 0; c < names.length; c++) row[names[c]] = convert(raw[c], kinds[c], options);
    }
    out[r] = row;
  }
  return out;
}

function convert(value: unknown, kind: number, options: { longs: LongsAs; marked: boolean; v1: boolean }): unknown {
  switch (kind) {
    case 1:
      return options.longs === 'string' ? longText(value) : options.marked ? unmark(value) : value;
    case 2: {
      let v = value;
      // v1 (management) results write dynamic values as JSON text.
      if (options.v1 && typeof v === 'string') {
        try {
          v = JSON.parse(v);
        } catch {
          // Not JSON: a dynamic string, kept as text.
        }
      }
      return options.marked ? unmark(v) : v;
    }
    case 3:
      return options.marked ? unmark(value) : value;
    default:
      return value;
  }
}
