/**
 * TEMPORARY stand-in for lib/emulator/values.ts's parseParameterValue (built by another part at the same time).
 * Removed once the shared implementation lands.
 */
import type { KustoScalarType, Value } from '../model';
import { parseDatetimeText, parseTimespanText } from './literals';

/** Parses a query parameter value as `type`; throws a message naming what is wrong. */
export function parseParameterValue(type: KustoScalarType, text: string): Value {
  const wrapped = /^\s*[a-z]+\s*\(([\s\S]*)\)\s*$/i.exec(text);
  const t = (wrapped ? wrapped[1] : text).trim();
  if (type !== 'string' && t.toLowerCase() === 'null') return null;
  const fail = (): never => {
    throw new Error(`'${text}' is not a valid ${type}`);
  };
  switch (type) {
    case 'string':
      return text;
    case 'long':
      return /^[+-]?\d+$/.test(t) ? BigInt.asIntN(64, BigInt(t)) : fail();
    case 'int':
      return /^[+-]?\d+$/.test(t) && Math.abs(Number(t)) <= 2147483647 ? Number(t) : fail();
    case 'real':
    case 'decimal': {
      const n = Number(t);
      return t !== '' && !Number.isNaN(n) ? n : fail();
    }
    case 'bool':
      return /^true$/i.test(t) ? true : /^false$/i.test(t) ? false : fail();
    case 'datetime':
      return parseDatetimeText(t) ?? fail();
    case 'timespan':
      return parseTimespanText(t) ?? fail();
    case 'guid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t) ? t.toLowerCase() : fail();
    case 'dynamic':
      try {
        return JSON.parse(t) as Value;
      } catch {
        return fail();
      }
  }
}
