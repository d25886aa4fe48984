/**
 * Reads JSON ingestion data: a sequence of JSON values (JSON lines, or objects and arrays spanning lines).
 *
 * A parser of its own rather than JSON.parse: integers beyond 2^53 are kept exact (as bigint) so a `long`
 * column receives the value that was sent.
 */
import { KustoEmulatorError } from '../errors';
import { jsonNumber, PreciseNumber } from '../values/decimalValue';

/**
 * A parsed JSON value; integers outside the safe range are bigints; in ingestion data, other numbers whose digits a
 * double does not hold are {@link PreciseNumber}s (for decimal columns).
 */
export type JsonValue =
  null | boolean | number | bigint | string | PreciseNumber | JsonValue[] | { [key: string]: JsonValue };

function invalid(record: number, detail: string): KustoEmulatorError {
  return new KustoEmulatorError(`Invalid JSON in record ${record}: ${detail}.`, {
    code: 'BadRequest_InvalidJson',
    kustoType: 'Kusto.Data.Exceptions.KustoBadRequestException',
  });
}

class JsonParser {
  private i = 0;
  record = 1;

  constructor(
    private readonly text: string,
    private readonly precise = false,
  ) {}

  /** The top-level values, in order. */
  readAll(): JsonValue[] {
    const values: JsonValue[] = [];
    this.skipSpace();
    while (this.i < this.text.length) {
      values.push(this.value(0));
      this.record++;
      this.skipSpace();
      // Commas between top-level values are tolerated (a common way of concatenating objects).
      if (this.text[this.i] === ',') {
        this.i++;
        this.skipSpace();
      }
    }
    return values;
  }

  private fail(detail: string): never {
    const line = this.text.slice(0, this.i).split('\n').length;
    throw invalid(this.record, `${detail} at line ${line}`);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) this.i++;
      else break;
    }
  }

  private value(depth: number): JsonValue {
    if (depth > 512) this.fail('nesting deeper than 512 levels');
    this.skipSpace();
    const c = this.text[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.text.startsWith('true', this.i)) return ((this.i += 4), true);
    if (this.text.startsWith('false', this.i)) return ((this.i += 5), false);
    if (this.text.startsWith('null', this.i)) return ((this.i += 4), null);
    if (c === undefined) this.fail('unexpected end of data');
    return this.fail(`unexpected character '${c}'`);
  }

  private object(depth: number): JsonValue {
    this.i++;
    const result: { [key: string]: JsonValue } = {};
    this.skipSpace();
    if (this.text[this.i] === '}') return (this.i++, result);
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] !== '"') this.fail('expected a property name');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.i] !== ':') this.fail(`expected ':' after property "${key}"`);
      this.i++;
      const item = this.value(depth + 1);
      // defineProperty: a "__proto__" key is data, never the prototype.
      Object.defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.text[this.i++];
      if (c === '}') return result;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): JsonValue {
    this.i++;
    const result: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.i] === ']') return (this.i++, result);
    for (;;) {
      result.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.i++];
      if (c === ']') return result;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private string(): string {
    const t = this.text;
    let j = this.i + 1;
    let out = '';
    let chunkStart = j;
    for (;;) {
      if (j >= t.length) this.fail('a string is never closed');
      const c = t.charCodeAt(j);
      if (c === 0x22) break;
      if (c < 0x20) this.fail('a control character inside a string');
      if (c === 0x5c) {
        out += t.slice(chunkStart, j);
        const e = t[j + 1];
        if (e === 'u') {
          const hex = t.slice(j + 2, j + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('a bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          j += 6;
        } else {
          const map: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (!(e in map)) this.fail(`a bad escape '\\${e}'`);
          out += map[e];
          j += 2;
        }
        chunkStart = j;
        continue;
      }
      j++;
    }
    out += t.slice(chunkStart, j);
    this.i = j + 1;
    return out;
  }

  private number(): JsonValue {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!match) this.fail('a malformed number');
    const text = match[0];
    this.i += text.length;
    if (!match[2] && !match[3]) {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    // More than 15 digits may be more than a double holds: jsonNumber checks (rare, so the common case stays cheap).
    if (this.precise && match[1].length + (match[2]?.length ?? 1) - 1 > 15) return jsonNumber(text);
    return Number(text);
  }
}

/** The top-level JSON values of `text`, in order (whitespace or commas between them). */
export function readJsonValues(text: string): JsonValue[] {
  return new JsonParser(text).readAll();
}

/** Records of JSON ingestion data: top-level arrays contribute their elements. */
export function readJsonRecords(text: string): JsonValue[] {
  const records: JsonValue[] = [];
  for (const value of new JsonParser(text, true).readAll()) {
    if (Array.isArray(value)) records.push(...value);
    else records.push(value);
  }
  return records;
}

/** A copy of `value` with bigints as numbers: for `dynamic` values, which hold JSON numbers. */
export function withoutBigints(value: JsonValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PreciseNumber) return value.value;
  if (Array.isArray(value)) return value.map(withoutBigints);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(result, key, {
        value: withoutBigints(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}
