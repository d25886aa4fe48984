/**
 * One Map key for several values (distinct rows, summarize groups, join keys), built from each value's hash key so
 * that values equal as Kusto compares them make equal keys.
 */
import type { KustoScalarType, Value } from '../model';
import { hashKey } from './scalarApi';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A Map key for one value: {@link hashKey}'s, except that a long, datetime or timespan beyond the number type's exact
 * range (every datetime since 1970 in ticks) stays a bigint, which a Map compares by value, rather than becoming text.
 * Equal values still make equal keys: the form depends on the value alone.
 */
export function groupKey(type: KustoScalarType, v: Value): unknown {
  // A string is its own key (hashKey's too), the commonest group key.
  if (type === 'string') return v;
  if (typeof v === 'bigint' && (type === 'long' || type === 'datetime' || type === 'timespan')) {
    return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
  }
  return hashKey(type, v);
}

/** A composite Map key for several values. */
export function compositeKey(types: KustoScalarType[], values: Value[]): unknown {
  if (types.length === 1) return groupKey(types[0], values[0]);
  let key = '';
  for (let i = 0; i < types.length; i++) {
    const h = groupKey(types[i], values[i]);
    key += `${h === null ? 'N' : typeof h === 'string' ? `s${h.length}:${h}` : `${typeof h}:${String(h)}`}|`;
  }
  return key;
}
