/**
 * One Map key for several values (distinct rows, summarize groups, join keys), built from each value's hash key so
 * that values equal as Kusto compares them make equal keys.
 */
import type { KustoScalarType, Value } from '../model';
import { hashKey } from './scalarApi';

/** A composite Map key for several values. */
export function compositeKey(types: KustoScalarType[], values: Value[]): unknown {
  if (types.length === 1) return hashKey(types[0], values[0]);
  let key = '';
  for (let i = 0; i < types.length; i++) {
    const h = hashKey(types[i], values[i]);
    key += `${h === null ? 'N' : typeof h === 'string' ? `s${h.length}:${h}` : `${typeof h}:${String(h)}`}|`;
  }
  return key;
}
