/**
 * Checks and converts the properties of mapped instances whose type TypeScript recorded (`design:type`, which
 * exists only for decorated properties): Kusto delivers typed JSON, and a mismatch must fail with the property
 * named rather than flow on as a wrong value.
 */
import { designPropertyType, type ClassType } from '../metadata';

type Expected = 'number' | 'string' | 'boolean' | 'date' | null;

const cache = new WeakMap<object, Map<string, Expected>>();

function expectedType(type: ClassType, key: string): Expected {
  let perClass = cache.get(type);
  if (!perClass) cache.set(type, (perClass = new Map()));
  let expected = perClass.get(key);
  if (expected === undefined) {
    const designType = designPropertyType(type, key);
    expected =
      designType === Number
        ? 'number'
        : designType === String
          ? 'string'
          : designType === Boolean
            ? 'boolean'
            : designType === Date
              ? 'date'
              : null;
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
 * Converts the typed properties of `instance` in place (datetime strings to Date, decimal strings to number,
 * numbers to string); returns an error message naming the property when a value cannot be converted.
 */
export function convertTypedProperties(type: ClassType, instance: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(instance)) {
    const expected = expectedType(type, key);
    if (expected === null) continue;
    const value = instance[key];
    if (value === null || value === undefined) continue;
    switch (expected) {
      case 'date': {
        if (value instanceof Date) {
          if (isNaN(value.getTime())) return `property '${key}' expects a Date but the value is not a valid date`;
        } else if (typeof value === 'string' || typeof value === 'number') {
          const date = new Date(value);
          if (isNaN(date.getTime()))
            return `property '${key}' expects a Date but the value is ${describeValueType(value)} that is not a date`;
          instance[key] = date;
        } else {
          return `property '${key}' expects a Date but the value is ${describeValueType(value)}`;
        }
        break;
      }
      case 'number': {
        if (typeof value === 'number') break;
        // Kusto sends decimal (and long with some clients) as strings.
        if (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))) {
          instance[key] = Number(value);
          break;
        }
        return `property '${key}' expects a number but the value is ${describeValueType(value)}`;
      }
      case 'string': {
        if (typeof value === 'string') break;
        if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
          instance[key] = String(value);
          break;
        }
        return `property '${key}' expects a string but the value is ${describeValueType(value)}`;
      }
      case 'boolean': {
        if (typeof value === 'boolean') break;
        return `property '${key}' expects a boolean but the value is ${describeValueType(value)}`;
      }
    }
  }
  return undefined;
}
