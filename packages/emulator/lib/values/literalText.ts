/**
 * KQL literal text: scalar literals (`true`, `1.5`, `1d`, `'text'`, `datetime(...)`, `int(null)`) and dynamic literals
 * (`dynamic({...})`), which nest each other, hence one file; and strict JSON text as a dynamic value.
 */
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { scalarTypeFromName } from '../typeNames';
import { MAX_DATETIME_TICKS, MIN_DATETIME_TICKS } from './calendar';
import { parseDatetime } from './datetimeText';
import { INT32_MAX, INT32_MIN, MAX_LONG, MIN_LONG, parseGuid, parseLong, parseReal, REAL_TEXT } from './primitiveText';
import { parseDecimal } from './decimalValue';
import { formatTimespan, parseTimespan, UNIT_TIMESPAN } from './timespanText';
import { toDynamic } from './valueWriters';
import { dynamicTooDeep, jsonNestingExceeds } from '../limits';

/**
 * Parses strict JSON text into a dynamic value; `undefined` when the text is not JSON. Throws when it nests deeper
 * than a dynamic value may.
 */
export function parseJsonText(text: string): DynamicValue | undefined {
  if (jsonNestingExceeds(text)) throw dynamicTooDeep('JSON text');
  try {
    return JSON.parse(text) as DynamicValue;
  } catch {
    return undefined;
  }
}

// dynamic literals

/**
 * Parses the body of a KQL `dynamic(...)` literal: JSON extended with single-quoted strings, unquoted keys
 * and typed scalar literals (`datetime(...)`, `timespan(...)`, `guid(...)`, `long(...)`, `1d`, …), which are
 * stored in their JSON forms (datetime and timespan as text). Returns `undefined` when the text does not parse.
 */
export function parseDynamicLiteral(text: string): DynamicValue | undefined {
  if (jsonNestingExceeds(text)) throw dynamicTooDeep('dynamic literal');
  const parser = new DynamicLiteralParser(text);
  try {
    const value = parser.value();
    parser.skipSpace();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

class DynamicLiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(): never {
    throw new Error('bad dynamic literal');
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail();
    this.pos++;
  }

  value(): DynamicValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"' || ch === "'") return this.string();
    if (ch === '@' && (this.text[this.pos + 1] === '"' || this.text[this.pos + 1] === "'")) {
      this.pos++;
      return this.string(true);
    }
    if (ch !== undefined && /[-+.\d]/.test(ch)) return this.numberOrTimespan();
    if (ch !== undefined && /[A-Za-z_]/.test(ch)) return this.word();
    return this.fail();
  }

  private object(): DynamicValue {
    this.pos++;
    const result: { [key: string]: DynamicValue } = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      let key: string;
      if (ch === '"' || ch === "'") key = this.string();
      else {
        const m = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos));
        if (!m) this.fail();
        key = m[0];
        this.pos += key.length;
      }
      this.skipSpace();
      // Kusto accepts `{key = value}` as well as JSON's `{key: value}`.
      if (this.text[this.pos] !== ':' && this.text[this.pos] !== '=') this.fail();
      this.pos++;
      result[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private array(): DynamicValue {
    this.pos++;
    const result: DynamicValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private string(verbatim = false): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail();
      const ch = this.text[this.pos++];
      if (ch === quote) {
        if (verbatim && this.text[this.pos] === quote) {
          out += quote;
          this.pos++;
          continue;
        }
        return out;
      }
      if (ch === '\\' && !verbatim) {
        const esc = this.text[this.pos++];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };
        if (esc === 'u') {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
        } else if (esc !== undefined) {
          out += simple[esc] ?? esc;
        } else {
          this.fail();
        }
        continue;
      }
      out += ch;
    }
  }

  private numberOrTimespan(): DynamicValue {
    const m = /^[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)([A-Za-z]+)?/.exec(
      this.text.slice(this.pos),
    );
    if (!m) return this.fail();
    this.pos += m[0].length;
    if (m[1] !== undefined) {
      const ticks = parseTimespan(m[0]);
      if (ticks === null) this.fail();
      return formatTimespan(ticks);
    }
    if (/0[xX]/.test(m[0])) return Number(parseLong(m[0]));
    return Number(m[0]);
  }

  private word(): DynamicValue {
    const m = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos));
    if (!m) return this.fail();
    const word = m[0];
    this.pos += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const type = scalarTypeFromName(word);
    this.skipSpace();
    if (type === undefined || this.text[this.pos] !== '(') return this.fail();
    const inner = this.balanced();
    const value = parseLiteralBody(type, inner);
    if (value === undefined) this.fail();
    return toDynamic(type, value);
  }

  /** The text between a `(` at the cursor and its matching `)`, skipping quoted strings. */
  private balanced(): string {
    const start = ++this.pos;
    let depth = 1;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '"' || ch === "'") {
        this.string();
        continue;
      }
      this.pos++;
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) return this.text.slice(start, this.pos - 1);
    }
    return this.fail();
  }
}

// scalar literals

/** Parses the text inside `type(...)`; `undefined` when it is not a literal of that type. */
export function parseLiteralBody(type: KustoScalarType, body: string): Value | undefined {
  const inner = body.trim();
  if (inner === 'null') return type === 'string' ? undefined : null;
  switch (type) {
    case 'bool': {
      const lower = inner.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
    case 'int': {
      const v = parseLong(inner);
      return v !== null && v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX) ? Number(v) : undefined;
    }
    case 'long':
      return parseLong(inner) ?? undefined;
    case 'real':
      return parseReal(inner) ?? undefined;
    case 'decimal':
      return parseDecimal(inner) ?? undefined;
    case 'datetime':
      if (inner === 'min') return MIN_DATETIME_TICKS;
      if (inner === 'max') return MAX_DATETIME_TICKS;
      return parseDatetime(unquote(inner)) ?? undefined;
    case 'timespan':
      if (inner === 'min') return MIN_LONG;
      if (inner === 'max') return MAX_LONG;
      return parseTimespan(unquote(inner)) ?? undefined;
    case 'guid':
      return parseGuid(unquote(inner)) ?? undefined;
    case 'dynamic':
      return parseDynamicLiteral(inner);
    case 'string':
      return undefined;
  }
}

function unquote(text: string): string {
  return /^(['"]).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

/** The type and value of a KQL scalar literal. */
export interface ParsedLiteral {
  /** The literal's type. */
  type: KustoScalarType;
  /** Its value in the in-memory form. */
  value: Value;
}

/**
 * Parses a KQL scalar literal: `true`, `123` (long), `1.5` / `1e3` (real), `0x1F`, `1d` / `1.5h` (timespan),
 * `'text'` / `"text"` / `@'verbatim'` (string), and the typed forms `datetime(...)`, `int(...)`, `guid(...)`,
 * `dynamic(...)`, `real(nan)`, `T(null)`. Returns `undefined` when the text is not a literal.
 */
export function parseLiteral(text: string): ParsedLiteral | undefined {
  const t = text.trim();
  if (t === 'true' || t === 'false') return { type: 'bool', value: t === 'true' };
  const typed = /^([A-Za-z]\w*)\s*\(([\s\S]*)\)$/.exec(t);
  if (typed) {
    const type = scalarTypeFromName(typed[1]);
    if (type === undefined) return undefined;
    const value = parseLiteralBody(type, typed[2]);
    return value === undefined ? undefined : { type, value };
  }
  if (/^(?:@|[hH]@?)?(['"])[\s\S]*\1$/.test(t)) {
    const body = t.replace(/^[hH]/, '');
    const parsed = new DynamicLiteralParser(body).value();
    return typeof parsed === 'string' ? { type: 'string', value: parsed } : undefined;
  }
  const long = parseLong(t);
  if (long !== null) return { type: 'long', value: long };
  if (REAL_TEXT.test(t)) return { type: 'real', value: Number(t) };
  const ticks = UNIT_TIMESPAN.test(t) ? parseTimespan(t) : null;
  if (ticks !== null) return { type: 'timespan', value: ticks };
  return undefined;
}

/** The type of a KQL scalar literal's text (see {@link parseLiteral}); `undefined` when it is not one. */
export function typeOfLiteral(text: string): KustoScalarType | undefined {
  return parseLiteral(text)?.type;
}
