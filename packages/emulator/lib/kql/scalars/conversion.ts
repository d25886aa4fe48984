import type { DynamicValue, KustoScalarType, Value } from '../../model';
import { isValidDatetime, UNIX_EPOCH_DOTNET_TICKS } from '../../values/calendar';
import { parseJsonText } from '../../values/literalText';
import { MAX_LONG, MIN_LONG, parseGuid } from '../../values/primitiveText';
import { decimalFromLong, decimalFromNumber, decimalToLong, decimalToNumber } from '../../values/decimalValue';
import { convertText } from '../../values/valueReaders';
import { toDynamic, toText } from '../../values/valueWriters';
import type { ScalarFunctionTable } from './types';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function numberTo(to: KustoScalarType, n: number): Value {
  switch (to) {
    case 'bool':
      return n !== 0;
    case 'int': {
      if (!Number.isFinite(n)) return null;
      const t = Math.trunc(n);
      return t >= INT32_MIN && t <= INT32_MAX ? t : null;
    }
    case 'long':
    case 'timespan':
      return longFromNumber(n);
    case 'real':
      return n;
    case 'decimal':
      return decimalFromNumber(n);
    case 'datetime': {
      const ticks = longFromNumber(n);
      return ticks === null ? null : longTo('datetime', ticks);
    }
    default:
      return null;
  }
}

function longFromNumber(n: number): bigint | null {
  if (!Number.isFinite(n)) return null;
  const t = BigInt(Math.trunc(n));
  return t >= MIN_LONG && t <= MAX_LONG ? t : null;
}

function longTo(to: KustoScalarType, b: bigint): Value {
  switch (to) {
    case 'bool':
      return b !== 0n;
    case 'int':
      return b >= BigInt(INT32_MIN) && b <= BigInt(INT32_MAX) ? Number(b) : null;
    case 'long':
    case 'timespan':
      return b;
    case 'real':
      return Number(b);
    case 'decimal':
      return decimalFromLong(b);
    case 'datetime': {
      // A number read as a datetime is .NET ticks (since 0001-01-01), the inverse of tolong(datetime).
      const ticks = b - UNIX_EPOCH_DOTNET_TICKS;
      return isValidDatetime(ticks) ? ticks : null;
    }
    default:
      return null;
  }
}

function decimalTo(to: KustoScalarType, text: string): Value {
  switch (to) {
    case 'bool':
      return text !== '0';
    case 'real':
      return decimalToNumber(text);
    case 'int':
    case 'long':
    case 'timespan':
    case 'datetime': {
      // Truncated toward zero, exactly (a double would round a decimal beyond 2^53 first).
      const long = decimalToLong(text);
      return long === null ? null : longTo(to, long);
    }
    default:
      return null;
  }
}

function dynamicTo(to: KustoScalarType, d: DynamicValue): Value {
  if (d === null) return null;
  if (typeof d === 'string') return convertText(to, d);
  if (typeof d === 'number') return numberTo(to, d);
  if (typeof d === 'boolean')
    return to === 'datetime' || to === 'timespan' || to === 'guid' ? null : numberTo(to, d ? 1 : 0);
  return null;
}

/**
 * Converts a value between scalar types as Kusto's `to<type>()` functions do, and so also performs the
 * implicit promotions (int → long → real → decimal, anything → dynamic). Returns null when the value does
 * not convert (string: ''). Rules: numbers truncate toward zero into int / long (null when out of range);
 * bool ↔ number is 1 / 0 (any non-zero is true); datetime → long is .NET ticks since 0001-01-01 and back;
 * timespan ↔ long is ticks; strings parse (`convertText`); dynamic converts its inner value.
 */
export function convertValue(value: Value, from: KustoScalarType, to: KustoScalarType): Value {
  if (value === null) return to === 'string' ? '' : null;
  if (from === to) return value;
  if (to === 'string') return toText(from, value);
  if (to === 'dynamic') return toDynamic(from, value);
  switch (from) {
    case 'string':
      return to === 'guid' ? parseGuid(value as string, true) : convertText(to, value as string);
    case 'dynamic':
      return dynamicTo(to, value as DynamicValue);
    case 'bool':
      return to === 'datetime' || to === 'timespan' || to === 'guid' ? null : numberTo(to, value ? 1 : 0);
    case 'int':
    case 'real':
      return numberTo(to, value as number);
    case 'decimal':
      return decimalTo(to, value as string);
    case 'long':
      return longTo(to, value as bigint);
    case 'datetime': {
      if (to === 'timespan' || to === 'bool' || to === 'guid') return null;
      return longTo(to, (value as bigint) + UNIX_EPOCH_DOTNET_TICKS);
    }
    case 'timespan':
      return to === 'datetime' || to === 'bool' || to === 'guid' ? null : longTo(to, value as bigint);
    case 'guid':
      return null;
  }
}

/** An argument as a string (null → '', also for a string-typed null the engine may hand over). */
export function argString(value: Value, type: KustoScalarType): string {
  if (value === null) return '';
  return type === 'string' ? (value as string) : (convertValue(value, type, 'string') as string);
}

/** An argument as a real, or null. */
export function argNumber(value: Value, type: KustoScalarType): number | null {
  if (value === null) return null;
  if (type === 'real' || type === 'int') return value as number;
  return convertValue(value, type, 'real') as number | null;
}

/** An argument as a long (datetime / timespan as their ticks), or null. */
export function argLong(value: Value, type: KustoScalarType): bigint | null {
  if (value === null) return null;
  if (type === 'long' || type === 'timespan' || type === 'datetime') return value as bigint;
  return convertValue(value, type, 'long') as bigint | null;
}

/** An integer argument (counts, indexes, precisions) as a JS number, or null. */
export function argInt(value: Value, type: KustoScalarType): number | null {
  const long = argLong(value, type);
  return long === null ? null : Number(long);
}

/** An argument as a bool, or null. */
export function argBool(value: Value, type: KustoScalarType): boolean | null {
  if (value === null) return null;
  return type === 'bool' ? (value as boolean) : (convertValue(value, type, 'bool') as boolean | null);
}

/** An argument as a dynamic value. */
export function argDynamic(value: Value, type: KustoScalarType): DynamicValue {
  return type === 'dynamic' ? (value as DynamicValue) : toDynamic(type, value);
}

/** A value computed as `computed` returned as the call's result type. */
export function asResult(value: Value, computed: KustoScalarType, resultType: KustoScalarType): Value {
  return computed === resultType ? value : convertValue(value, computed, resultType);
}

/** `parse_json()`: a string is parsed as JSON (text that is not JSON stays a dynamic string); dynamic as is. */
function parseJson(value: Value, type: KustoScalarType): Value {
  if (type === 'dynamic') return value;
  if (type !== 'string') return toDynamic(type, value);
  const text = value as string;
  if (text === '') return null;
  const parsed = parseJsonText(text);
  return parsed === undefined ? text : parsed;
}

function dynamicTypeName(d: DynamicValue): string {
  if (d === null) return 'null';
  if (Array.isArray(d)) return 'array';
  if (typeof d === 'object') return 'dictionary';
  if (typeof d === 'boolean') return 'bool';
  if (typeof d === 'string') return 'string';
  if (!Number.isInteger(d)) return 'real';
  return d >= INT32_MIN && d <= INT32_MAX ? 'int' : 'long';
}

const to =
  (target: KustoScalarType) =>
  (args: Value[], argTypes: KustoScalarType[]): Value =>
    convertValue(args[0], argTypes[0], target);

/** Conversion functions: tostring, toint, tolong, toreal / todouble, tobool, todatetime, totimespan, … */

/** dynamic_to_json's canonical form: property bags with their keys sorted, at every level. */
function canonical(value: DynamicValue): DynamicValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const bag = value as Record<string, DynamicValue>;
    return Object.fromEntries(
      Object.keys(bag)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((k) => [k, canonical(bag[k])]),
    );
  }
  return value;
}
export const conversionFunctions: ScalarFunctionTable = {
  tostring: to('string'),
  toint: to('int'),
  tolong: to('long'),
  toreal: to('real'),
  todouble: to('real'),
  tobool: to('bool'),
  toboolean: to('bool'),
  todatetime: to('datetime'),
  totimespan: to('timespan'),
  totime: to('timespan'),
  toguid: to('guid'),
  todecimal: to('decimal'),
  parse_json: (args, argTypes) => parseJson(args[0], argTypes[0]),
  parsejson: (args, argTypes) => parseJson(args[0], argTypes[0]),
  todynamic: (args, argTypes) => parseJson(args[0], argTypes[0]),
  toobject: (args, argTypes) => parseJson(args[0], argTypes[0]),
  dynamic_to_json: (args, argTypes) => JSON.stringify(canonical(argDynamic(args[0], argTypes[0]))),
  gettype: (args, argTypes) => {
    if (argTypes[0] === 'dynamic') return dynamicTypeName(args[0] as DynamicValue);
    return argTypes[0] === 'long' ? 'long' : argTypes[0];
  },
  tohex: (args, argTypes) => {
    const v = argLong(args[0], argTypes[0]);
    if (v === null) return '';
    // minLength: 1 to 16; more is taken as 16 (the reference's rule).
    const minLength = Math.min(16, args.length > 1 ? (argInt(args[1], argTypes[1]) ?? 0) : 0);
    // Negative numbers print as their two's complement in the value's own width, as .NET's ToString("x") does:
    // 8 digits for an int, 16 for a long.
    const hex = (v < 0n ? BigInt.asUintN(argTypes[0] === 'int' ? 32 : 64, v) : v).toString(16);
    return hex.padStart(minLength, '0');
  },
};
