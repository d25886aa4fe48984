/**
 * Checks and converts the properties of mapped instances whose type TypeScript recorded (`design:type`, which
 * exists only for decorated properties), nested classes and arrays included: Kusto delivers typed JSON, and a
 * mismatch must fail with the property named (`lines[0].qty`) rather than flow on as a wrong value.
 */
import { designPropertyType, type ClassType } from '../metadata';
import { declaredPropertyType } from './classTransformer';

type Expected =
  | { kind: 'number' | 'string' | 'boolean' | 'date' }
  | { kind: 'object'; type: ClassType }
  | { kind: 'array'; element: Expected | null };

// Types a property may be declared with that are not classes of the app: their values are not checked.
const NOT_APP_CLASSES = new Set<unknown>([
  Object,
  Function,
  Array,
  Map,
  Set,
  WeakMap,
  WeakSet,
  Promise,
  RegExp,
  Error,
  Symbol,
  BigInt,
  ArrayBuffer,
  Uint8Array,
  Buffer,
]);

// Nested classes deeper than this are not checked (JSON from Kusto or a body has no cycles, but an app class may).
const MAX_DEPTH = 32;

const cache = new WeakMap<object, Map<string, Expected | null>>();

function expectedOf(declared: unknown): Expected | null {
  if (declared === Number) return { kind: 'number' };
  if (declared === String) return { kind: 'string' };
  if (declared === Boolean) return { kind: 'boolean' };
  if (declared === Date) return { kind: 'date' };
  if (typeof declared === 'function' && !NOT_APP_CLASSES.has(declared)) {
    return { kind: 'object', type: declared as ClassType };
  }
  return null;
}

function expectedType(type: ClassType, key: string): Expected | null {
  let perClass = cache.get(type);
  if (!perClass) cache.set(type, (perClass = new Map()));
  let expected = perClass.get(key);
  if (expected === undefined) {
    const designType = designPropertyType(type, key);
    // `@Type(() => X)` names what an array holds, and may name a subclass of the declared type.
    const declared = designType === Object ? undefined : declaredPropertyType(type, key);
    expected =
      designType === Array
        ? { kind: 'array', element: expectedOf(declared) }
        : expectedOf(declared !== undefined && declared !== Date ? declared : designType);
    perClass.set(key, expected);
  }
  return expected;
}

/** A short description of a value's type for error messages (never the value itself: it may be personal data). */
export function describeValueType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return isNaN(value.getTime()) ? 'an invalid date' : 'a Date';
  const t = typeof value;
  return t === 'object' ? 'an object' : t === 'undefined' ? 'undefined' : `a ${t}`;
}

/**
 * Converts `holder[slot]` in place to what `expected` says (datetime strings to Date, decimal strings to number,
 * numbers to string; inside arrays and nested objects too); returns an error message naming `path` when a value
 * cannot be converted.
 */
function convertValue(
  expected: Expected,
  holder: Record<string | number, unknown>,
  slot: string | number,
  path: string,
  depth: number,
): string | undefined {
  const value = holder[slot];
  if (value === null || value === undefined) return undefined;
  switch (expected.kind) {
    case 'date': {
      if (value instanceof Date) {
        if (isNaN(value.getTime())) return `property '${path}' expects a Date but the value is not a valid date`;
      } else if (typeof value === 'string' || typeof value === 'number') {
        const date = new Date(value);
        if (isNaN(date.getTime()))
          return `property '${path}' expects a Date but the value is ${describeValueType(value)} that is not a date`;
        holder[slot] = date;
      } else {
        return `property '${path}' expects a Date but the value is ${describeValueType(value)}`;
      }
      return undefined;
    }
    case 'number': {
      if (typeof value === 'number') return undefined;
      // Kusto sends decimal (and long with some clients) as strings.
      if (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))) {
        holder[slot] = Number(value);
        return undefined;
      }
      return `property '${path}' expects a number but the value is ${describeValueType(value)}`;
    }
    case 'string': {
      if (typeof value === 'string') return undefined;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        holder[slot] = String(value);
        return undefined;
      }
      return `property '${path}' expects a string but the value is ${describeValueType(value)}`;
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : `property '${path}' expects a boolean but the value is ${describeValueType(value)}`;
    case 'array': {
      if (!Array.isArray(value))
        return `property '${path}' expects an array but the value is ${describeValueType(value)}`;
      if (expected.element === null || depth >= MAX_DEPTH) return undefined;
      for (let i = 0; i < value.length; i++) {
        const problem = convertValue(
          expected.element,
          value as unknown as Record<number, unknown>,
          i,
          `${path}[${i}]`,
          depth + 1,
        );
        if (problem) return problem;
      }
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
        return `property '${path}' expects an object (${expected.type.name}) but the value is ${describeValueType(value)}`;
      }
      if (depth >= MAX_DEPTH) return undefined;
      return convertProperties(expected.type, value as Record<string, unknown>, `${path}.`, depth + 1);
    }
  }
}

function convertProperties(
  type: ClassType,
  instance: Record<string, unknown>,
  prefix: string,
  depth: number,
): string | undefined {
  for (const key of Object.keys(instance)) {
    const expected = expectedType(type, key);
    if (expected === null) continue;
    const problem = convertValue(expected, instance, key, `${prefix}${key}`, depth);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Converts the typed properties of `instance` in place (datetime strings to Date, decimal strings to number,
 * numbers to string), nested objects and array elements included; returns an error message naming the property
 * (its path, as `lines[0].qty`) when a value cannot be converted.
 */
export function convertTypedProperties(type: ClassType, instance: Record<string, unknown>): string | undefined {
  return convertProperties(type, instance, '', 0);
}
