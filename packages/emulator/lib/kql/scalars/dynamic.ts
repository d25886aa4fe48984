import type { DynamicValue, KustoScalarType, Value } from '../../model';
import { toDynamic } from '../../values/valueWriters';
import { argDynamic, argInt, argLong, argNumber, argString, asResult, convertValue } from './conversion';
import { compareValues, valuesEqual } from './scalarOperators';
import type { ScalarFunctionImpl, ScalarFunctionTable } from './types';

type Bag = { [key: string]: DynamicValue };

const isBag = (d: DynamicValue): d is Bag => d !== null && typeof d === 'object' && !Array.isArray(d);

/**
 * Element access on a dynamic value (`d.key`, `d["key"]`, `d[index]`): arrays by integer index (negative
 * counts from the end), property bags by key; anything missing is null.
 */
export function dynamicIndex(value: DynamicValue, key: string | number | bigint): DynamicValue {
  if (Array.isArray(value)) {
    if (typeof key === 'string') return null;
    let i = Number(key);
    if (i < 0) i += value.length;
    return i >= 0 && i < value.length ? value[i] : null;
  }
  if (isBag(value)) {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(value, k) ? value[k] : null;
  }
  return null;
}

function arrays(args: Value[], argTypes: KustoScalarType[]): DynamicValue[][] | null {
  const out: DynamicValue[][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = argDynamic(args[i], argTypes[i]);
    if (!Array.isArray(a)) return null;
    out.push(a);
  }
  return out;
}

function pack(args: Value[], argTypes: KustoScalarType[]): Value {
  const bag: Bag = {};
  for (let i = 0; i + 1 < args.length; i += 2)
    bag[argString(args[i], argTypes[i])] = argDynamic(args[i + 1], argTypes[i + 1]);
  return bag;
}

function bagMerge(args: Value[], argTypes: KustoScalarType[]): Value {
  const merged: Bag = {};
  // The first bag that has a key wins, and keys keep the order they first appear in (the reference's example).
  for (let i = 0; i < args.length; i++) {
    const bag = argDynamic(args[i], argTypes[i]);
    if (!isBag(bag)) continue;
    for (const [k, v] of Object.entries(bag)) {
      // defineProperty: a key named __proto__ is data, not the prototype.
      if (!Object.prototype.hasOwnProperty.call(merged, k))
        Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}

function arrayIndexOf(args: Value[], argTypes: KustoScalarType[]): Value {
  const array = argDynamic(args[0], argTypes[0]);
  if (!Array.isArray(array)) return null;
  const lookup = argDynamic(args[1], argTypes[1]);
  let start = args.length > 2 ? argInt(args[2], argTypes[2]) : 0;
  const length = args.length > 3 ? argInt(args[3], argTypes[3]) : -1;
  const occurrence = args.length > 4 ? argInt(args[4], argTypes[4]) : 1;
  if (start === null || length === null || occurrence === null || occurrence < 0 || length < -1) return null;
  if (start < 0) start = Math.max(0, array.length + start);
  const end = length === -1 ? array.length : Math.min(array.length, start + length);
  let seen = 0;
  for (let i = start; i < end; i++) {
    if (valuesEqual('dynamic', array[i], lookup) && ++seen >= Math.max(occurrence, 1)) return BigInt(i);
  }
  return -1n;
}

function arraySlice(args: Value[], argTypes: KustoScalarType[]): Value {
  const array = argDynamic(args[0], argTypes[0]);
  let start = argInt(args[1], argTypes[1]);
  let end = argInt(args[2], argTypes[2]);
  if (!Array.isArray(array) || start === null || end === null) return null;
  if (start < 0) start += array.length;
  if (end < 0) end += array.length;
  return array.slice(Math.max(0, start), Math.max(0, end + 1));
}

function sortArray(direction: 1 | -1): ScalarFunctionImpl {
  return (args, argTypes) => {
    const array = argDynamic(args[0], argTypes[0]);
    if (!Array.isArray(array)) return null;
    const nullsLast = args.length > 1 ? convertValue(args[1], argTypes[1], 'bool') !== false : true;
    const values = array.filter((v) => v !== null);
    values.sort((a, b) => direction * compareValues('dynamic', a, b));
    const nulls = array.filter((v) => v === null);
    return nullsLast ? [...values, ...nulls] : [...nulls, ...values];
  };
}

/**
 * Array `index` of the tuple `array_sort_asc(a1, …, aN[, nulls_last])` (or _desc) returns: the first array sorted,
 * each other array reordered to match it, null for an array whose length differs from the first's (the reference).
 */
export function sortedTupleElement(
  direction: 1 | -1,
  index: number,
  args: Value[],
  argTypes: KustoScalarType[],
): Value {
  const last = argTypes.length - 1;
  const flag = argTypes[last] === 'bool';
  const nullsLast = flag ? args[last] !== false : true;
  const arrays = (flag ? args.slice(0, last) : args).map((a, i) => argDynamic(a, argTypes[i]));
  const first = arrays[0];
  const target = arrays[index];
  if (!Array.isArray(first) || !Array.isArray(target) || target.length !== first.length) return null;
  const positions = first.map((_v, i) => i);
  const present = positions.filter((i) => first[i] !== null);
  present.sort((a, b) => direction * compareValues('dynamic', first[a], first[b]));
  const nulls = positions.filter((i) => first[i] === null);
  return (nullsLast ? [...present, ...nulls] : [...nulls, ...present]).map((i) => target[i]);
}

function setOp(kind: 'union' | 'intersect' | 'difference'): ScalarFunctionImpl {
  return (args, argTypes) => {
    const lists = arrays(args, argTypes);
    if (lists === null) return null;
    const distinct = (items: DynamicValue[]): DynamicValue[] =>
      items.filter((v, i) => items.findIndex((w) => valuesEqual('dynamic', v, w)) === i);
    const has = (list: DynamicValue[], v: DynamicValue): boolean => list.some((w) => valuesEqual('dynamic', v, w));
    if (kind === 'union') return distinct(lists.flat());
    const [first, ...rest] = lists;
    if (kind === 'intersect') return distinct(first.filter((v) => rest.every((l) => has(l, v))));
    return distinct(first.filter((v) => !rest.some((l) => has(l, v))));
  };
}

/** `range(start, stop[, step])` as a dynamic array, capped at 2^20 elements as Kusto caps it. */
function rangeArray(args: Value[], argTypes: KustoScalarType[]): Value {
  const type = argTypes[0];
  const limit = 1 << 20;
  if (args.some((a) => a === null)) return null;
  if (type === 'datetime' || type === 'timespan' || type === 'long' || type === 'int') {
    const start = argLong(args[0], type) as bigint;
    const stop = argLong(args[1], argTypes[1]) as bigint;
    const defaultStep = type === 'long' || type === 'int' ? 1n : 36_000_000_000n;
    const step = args.length > 2 ? (argLong(args[2], argTypes[2]) as bigint) : defaultStep;
    if (step === 0n) return null;
    const out: DynamicValue[] = [];
    for (let v = start; (step > 0n ? v <= stop : v >= stop) && out.length < limit; v += step)
      out.push(toDynamic(type, v));
    return out;
  }
  const start = argNumber(args[0], type) as number;
  const stop = argNumber(args[1], argTypes[1]) as number;
  const step = args.length > 2 ? (argNumber(args[2], argTypes[2]) as number) : 1;
  if (step === 0 || !Number.isFinite(step)) return null;
  const out: DynamicValue[] = [];
  for (let i = 0; out.length < limit; i++) {
    const v = start + i * step;
    if (step > 0 ? v > stop : v < stop) break;
    out.push(v);
  }
  return out;
}

/** Dynamic (array and property bag) functions. Scalars are packed in their JSON forms (see `toDynamic`). */

/**
 * The property names of a bag_remove_keys key: a first-level name, or a JSONPath to a nested one (`$.a.b`,
 * `$['a']['b']`); array indexing is not supported there, so a path with one removes nothing.
 */
function keyPath(key: string): string[] | undefined {
  if (!key.startsWith('$')) return [key];
  const names: string[] = [];
  const step = /\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < key.length) {
    const m = step.exec(key);
    if (!m) return undefined;
    names.push(m[1] ?? m[2] ?? m[3]);
  }
  return names.length > 0 ? names : undefined;
}

/** A copy of `bag` without the property at `path` (copying only the bags along it). */
function withoutKey(bag: Bag, path: string[] | undefined): Bag {
  if (!path || !Object.prototype.hasOwnProperty.call(bag, path[0])) return bag;
  const [first, ...rest] = path;
  const out: Bag = { ...bag };
  if (rest.length === 0) delete out[first];
  else if (isBag(out[first])) out[first] = withoutKey(out[first] as Bag, rest);
  return out;
}
export const dynamicFunctions: ScalarFunctionTable = {
  array_length: (args, argTypes, resultType) => {
    const a = argDynamic(args[0], argTypes[0]);
    return Array.isArray(a) ? asResult(BigInt(a.length), 'long', resultType) : null;
  },
  arraylength: (args, argTypes, resultType) => {
    const a = argDynamic(args[0], argTypes[0]);
    return Array.isArray(a) ? asResult(BigInt(a.length), 'long', resultType) : null;
  },
  bag_keys: (args, argTypes) => {
    const bag = argDynamic(args[0], argTypes[0]);
    return isBag(bag) ? Object.keys(bag) : null;
  },
  bag_has_key: (args, argTypes) => {
    const bag = argDynamic(args[0], argTypes[0]);
    return isBag(bag) && Object.prototype.hasOwnProperty.call(bag, argString(args[1], argTypes[1]));
  },
  bag_pack: pack,
  pack,
  pack_dictionary: pack,
  bag_merge: bagMerge,
  bag_remove_keys: (args, argTypes) => {
    const bag = argDynamic(args[0], argTypes[0]);
    const keys = argDynamic(args[1], argTypes[1]);
    if (!isBag(bag)) return null;
    let out: Bag = { ...bag };
    if (Array.isArray(keys)) for (const k of keys) if (typeof k === 'string') out = withoutKey(out, keyPath(k));
    return out;
  },
  bag_set_key: (args, argTypes) => {
    const bag = argDynamic(args[0], argTypes[0]);
    if (!isBag(bag)) return null;
    return { ...bag, [argString(args[1], argTypes[1])]: argDynamic(args[2], argTypes[2]) };
  },
  pack_array: (args, argTypes) => args.map((a, i) => argDynamic(a, argTypes[i])),
  array_concat: (args, argTypes) => arrays(args, argTypes)?.flat() ?? null,
  array_index_of: arrayIndexOf,
  array_slice: arraySlice,
  array_reverse: (args, argTypes) => {
    const a = argDynamic(args[0], argTypes[0]);
    return Array.isArray(a) ? [...a].reverse() : null;
  },
  array_sort_asc: sortArray(1),
  array_sort_desc: sortArray(-1),
  array_sum: (args, argTypes) => {
    const a = argDynamic(args[0], argTypes[0]);
    if (!Array.isArray(a)) return null;
    let sum = 0;
    for (const v of a) if (typeof v === 'number') sum += v;
    return sum;
  },
  set_has_element: (args, argTypes) => {
    const a = argDynamic(args[0], argTypes[0]);
    const v = argDynamic(args[1], argTypes[1]);
    return Array.isArray(a) ? a.some((w) => valuesEqual('dynamic', w, v)) : null;
  },
  set_union: setOp('union'),
  set_intersect: setOp('intersect'),
  set_difference: setOp('difference'),
  range: rangeArray,
  repeat: (args, argTypes) => {
    const count = argInt(args[1], argTypes[1]);
    if (count === null || count < 0) return null;
    return new Array<DynamicValue>(Math.min(count, 1 << 20)).fill(argDynamic(args[0], argTypes[0]));
  },
  zip: (args, argTypes) => {
    const lists = arrays(args, argTypes);
    if (lists === null) return null;
    const length = Math.max(0, ...lists.map((l) => l.length));
    return Array.from({ length }, (_v, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
};
