/**
 * Values read in: CSV cells (`fromText`), JSON values (`fromJson`), query parameter text (`parseParameterValue`), and
 * text converted without throwing (`convertText`, as `toint()`, `todatetime()`, … do). The throwing readers fail with
 * a {@link KustoEmulatorError} naming the type and the value.
 */
import { KustoEmulatorError } from '../errors';
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { scalarTypeFromName } from '../typeNames';
import { parseDatetime } from './datetimeText';
import { parseDynamicLiteral, parseJsonText, parseLiteralBody } from './literalText';
import {
  formatReal,
  INT32_MAX,
  INT32_MIN,
  MAX_LONG,
  MIN_LONG,
  parseBool,
  parseGuid,
  parseLong,
  parseReal,
} from './primitiveText';
import { decimalFromLong, decimalFromNumber, parseDecimal, PreciseNumber } from './decimalValue';
import { parseTimespan } from './timespanText';

function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function conversionError(type: KustoScalarType, value: unknown, what = 'value'): KustoEmulatorError {
  return new KustoEmulatorError(`Cannot convert ${what} '${describe(value)}' to type '${type}'.`);
}

function int32OrNull(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  const t = Math.trunc(n);
  return t >= INT32_MIN && t <= INT32_MAX ? t : null;
}

function longFromNumber(n: number): bigint | null {
  if (!Number.isFinite(n)) return null;
  const t = BigInt(Math.trunc(n));
  return t >= MIN_LONG && t <= MAX_LONG ? t : null;
}

/** Converts text to `type` without throwing: `null` when it does not convert (strings are returned as is). */
function textTo(type: KustoScalarType, text: string): Value | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'bool':
      return parseBool(text) ?? undefined;
    case 'int': {
      const long = parseLong(text);
      if (long !== null) return long >= BigInt(INT32_MIN) && long <= BigInt(INT32_MAX) ? Number(long) : undefined;
      const real = parseReal(text);
      return (real === null ? null : int32OrNull(real)) ?? undefined;
    }
    case 'long': {
      const long = parseLong(text);
      if (long !== null) return long;
      const real = parseReal(text);
      return (real === null ? null : longFromNumber(real)) ?? undefined;
    }
    case 'real':
      return parseReal(text) ?? undefined;
    case 'decimal':
      return parseDecimal(text) ?? undefined;
    case 'datetime':
      return parseDatetime(text) ?? undefined;
    case 'timespan':
      return parseTimespan(text) ?? undefined;
    case 'guid':
      return parseGuid(text) ?? undefined;
    case 'dynamic': {
      // Text that is not JSON becomes a dynamic string, as parse_json() does.
      const parsed = parseJsonText(text);
      return parsed === undefined ? text : parsed;
    }
  }
}

/**
 * Parses a query parameter's value text (from `properties.Parameters`) as `type`, as Kusto parses it: as
 * a literal of that type (`datetime(2020-01-01)`, `long(5)`, `dynamic([1,2])`, `real(null)`, `1d`) or the
 * bare text clients send (`123`, `2020-01-01T00:00:00Z`, `[1,2]`). A string parameter's text is its value,
 * as is (no quotes to strip). Throws a {@link KustoEmulatorError} naming the type and value otherwise.
 */
export function parseParameterValue(type: KustoScalarType, text: string): Value {
  // Clients may send JSON numbers or bools (the JS client's setParameter takes any value): read their text.
  const raw = typeof text === 'string' ? text : String(text as unknown);
  if (type === 'string') return raw;
  const t = raw.trim();
  const typed = /^([A-Za-z]\w*)\s*\(([\s\S]*)\)$/.exec(t);
  let value: Value | undefined;
  if (typed && scalarTypeFromName(typed[1]) === type) {
    value = parseLiteralBody(type, typed[2]);
  } else if (type === 'dynamic') {
    value = t === '' ? undefined : t === 'null' ? null : (parseJsonText(t) ?? parseDynamicLiteral(t));
  } else if (type === 'long' || type === 'int' || type === 'real' || type === 'decimal' || type === 'bool') {
    value = t === 'null' ? undefined : parseLiteralBody(type, t);
    if (value === undefined && type === 'bool') value = parseBool(t) ?? undefined;
  } else {
    value = textTo(type, t);
  }
  if (value === undefined) {
    throw new KustoEmulatorError(`Query parameter value '${describe(raw)}' is not a valid ${type} literal.`);
  }
  return value;
}

/**
 * Converts a CSV / TSV / PSV cell to `type`, as Kusto ingestion does: an empty cell is null ('' for string);
 * numbers, bools (`true`/`false`/`1`/`0`, any case), datetimes (ISO 8601 and the other formats of
 * {@link parseDatetime}), timespans, guids, JSON for dynamic (text that is not JSON is kept as a dynamic string).
 * Throws a {@link KustoEmulatorError} naming the type and the value when the cell does not convert.
 */
export function fromText(type: KustoScalarType, text: string): Value {
  if (type === 'string') return text;
  if (text.trim() === '') return null;
  const value = textTo(type, type === 'dynamic' ? text : text.trim());
  if (value === undefined) throw conversionError(type, text);
  return value;
}

/**
 * Converts a JSON value (JSON ingestion, dynamic extraction) to `type`: numbers to long exactly when
 * integral (bigints are taken as they are), strings that hold numbers / datetimes / … parsed as text,
 * objects and arrays into a string column stored as their JSON text; `dynamic` takes anything.
 * Throws a {@link KustoEmulatorError} naming the type and the value when it does not convert.
 */
export function fromJson(type: KustoScalarType, json: unknown): Value {
  if (json === null || json === undefined) return type === 'string' ? '' : null;
  if (json instanceof PreciseNumber) {
    // A decimal column takes every digit; the others the double, as they take any JSON number.
    if (type !== 'decimal') return fromJson(type, json.value);
    const exact = parseDecimal(json.text);
    if (exact === null) throw conversionError(type, json.text);
    return exact;
  }
  if (type === 'dynamic') return jsonToDynamic(json);
  if (type === 'string') {
    if (typeof json === 'string') return json;
    if (typeof json === 'bigint') return json.toString();
    if (typeof json === 'number') return formatReal(json);
    return JSON.stringify(jsonToDynamic(json));
  }
  let value: Value | undefined;
  if (typeof json === 'string') {
    value = json.trim() === '' ? null : textTo(type, json.trim());
  } else if (typeof json === 'number' || typeof json === 'bigint' || typeof json === 'boolean') {
    value = convertPrimitive(type, json);
  }
  if (value === undefined) throw conversionError(type, json);
  return value;
}

function convertPrimitive(type: KustoScalarType, json: number | bigint | boolean): Value | undefined {
  const n = typeof json === 'boolean' ? (json ? 1 : 0) : json;
  switch (type) {
    case 'bool':
      return typeof json === 'boolean' ? json : n !== 0 && n !== 0n;
    case 'int':
      return (typeof n === 'bigint' ? int32OrNull(Number(n)) : int32OrNull(n)) ?? undefined;
    case 'long':
      if (typeof n === 'bigint') return n >= MIN_LONG && n <= MAX_LONG ? n : undefined;
      return longFromNumber(n) ?? undefined;
    case 'real':
      return Number(n);
    case 'decimal':
      return (typeof n === 'bigint' ? decimalFromLong(n) : decimalFromNumber(n)) ?? undefined;
    case 'timespan':
      // A number in a timespan column is taken as ticks, as totimespan(long) does.
      if (typeof json === 'boolean') return undefined;
      return typeof n === 'bigint' ? n : (longFromNumber(n) ?? undefined);
    default:
      return undefined;
  }
}

function jsonToDynamic(json: unknown): DynamicValue {
  if (json === null || json === undefined) return null;
  if (json instanceof PreciseNumber) return json.value;
  if (typeof json === 'bigint') return Number(json);
  if (typeof json === 'number' || typeof json === 'string' || typeof json === 'boolean') return json;
  if (Array.isArray(json)) return json.map(jsonToDynamic);
  if (typeof json === 'object') {
    const out: { [key: string]: DynamicValue } = {};
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) out[k] = jsonToDynamic(v);
    return out;
  }
  return String(json);
}

/**
 * Converts text to `type` without throwing, as `toint()`, `todatetime()`, … do on strings: `null` when the
 * text does not convert (string → the text itself; dynamic → parsed JSON, or the string when not JSON).
 */
export function convertText(type: KustoScalarType, text: string): Value {
  return textTo(type, type === 'string' || type === 'dynamic' ? text : text.trim()) ?? null;
}
