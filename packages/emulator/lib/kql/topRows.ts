/**
 * `top N by keys`: the first N rows of the stable sort `order by keys` gives (tabularOperators.ts `sortRows`), found
 * with a bounded heap of N rows instead of sorting every row: one key computation and, for nearly every row, one
 * comparison with the heap's worst row. Same order rules as the sort: nulls first or last as each key says, NaN
 * before numbers (compareValues), ties kept in input order.
 */
import type { KustoScalarType, Value } from '../model';
import type { Row, RowsRun } from './runtime';
import type { Compiler } from './compiler';
import type { SortKey } from './tabularOperators';
import { compareValues } from './scalarApi';
import { columnRead, columnVector } from './columnVectors';

/** One row held in the heap: its position in the input and its key values. */
interface Held {
  index: number;
  keys: Value[];
}

/** Key types whose values are numbers or bigints, which a column vector holds. */
const NUMBER_TYPES = new Set<KustoScalarType>(['real', 'int', 'long', 'datetime', 'timespan']);

/** A key value as a double, NaN for anything else than a number or bigint. */
function asDouble(v: Value): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
}

/** Rows computed between two looks at the deadline and the time slice. */
const CHUNK = 4096;

/** Orders two rows as the sort does: negative when `a` comes first. */
function orderOf(keys: SortKey[], a: Held, b: Held): number {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const x = a.keys[k];
    const y = b.keys[k];
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === key.nullsFirst ? -1 : 1;
    }
    const cmp = compareValues(key.type, x, y);
    if (cmp !== 0) return key.desc ? -cmp : cmp;
  }
  return a.index - b.index;
}

/**
 * For one key: whether a later row with key `v` certainly does not come before the held row with key `held` (it is
 * after it, or equal and so after it by position). Decided here for two numbers (NaN aside) or two bigints, where
 * compareValues is their natural order; otherwise false, and the full comparison decides.
 */
function notBefore(desc: boolean, v: Value, held: Value): boolean {
  if (typeof v === 'number' && typeof held === 'number') {
    if (Number.isNaN(v) || Number.isNaN(held)) return false;
    return desc ? v <= held : v >= held;
  }
  if (typeof v === 'bigint' && typeof held === 'bigint') return desc ? v <= held : v >= held;
  return false;
}

/** The first `count` rows of `rows` in the order of `keys`. */
export function* topRows(c: Compiler, rows: Row[], keys: SortKey[], count: number): RowsRun {
  const rt = c.runtime;
  const n = rows.length;
  if (count <= 0 || n === 0) return [];
  // A max-heap by that order: the root is the held row that comes last, the first to leave.
  const heap: Held[] = [];
  const later = (a: Held, b: Held) => orderOf(keys, a, b) > 0;
  const siftUp = (at: number) => {
    const item = heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!later(item, heap[parent])) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = item;
  };
  const siftDown = (at: number) => {
    const item = heap[at];
    const size = heap.length;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && later(heap[child + 1], heap[child])) child++;
      if (!later(heap[child], item)) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = item;
  };
  const width = keys.length;
  const single = width === 1 ? keys[0] : undefined;
  // The candidate row, reused until one enters the heap (most rows do not).
  let candidate: Held = { index: 0, keys: new Array<Value>(width) };
  // One key that is a number column: rows whose double is certainly after the heap's root are passed over without
  // reading their row (columnVectors.ts; NaN, null and a double equal to the root's go the full way).
  const column = single && NUMBER_TYPES.has(single.type) ? columnRead(single.plan) : undefined;
  const vector = column === undefined ? undefined : columnVector(rows, column);
  const desc = single?.desc ?? false;
  let rootDouble = NaN;
  // Scans rows from `from` up to `to` and returns where it stopped: at `to`, or earlier when a costly key used up the
  // time slice within the chunk.
  const scan = (from: number, to: number): number => {
    let i = from;
    while (i < to) {
      if (vector !== undefined) {
        // The rows the root certainly comes before, passed over in a tight loop (false for NaN on either side).
        const root = rootDouble;
        if (desc) while (i < to && vector[i] < root) i++;
        else while (i < to && vector[i] > root) i++;
        if (i === to) break;
      }
      if (rt.yieldDue) break;
      const row = rows[i];
      candidate.index = i++;
      for (let k = 0; k < width; k++) candidate.keys[k] = keys[k].plan(row);
      if (heap.length < count) {
        heap.push(candidate);
        siftUp(heap.length - 1);
      } else if (single && notBefore(single.desc, candidate.keys[0], heap[0].keys[0])) {
        continue;
      } else if (orderOf(keys, candidate, heap[0]) < 0) {
        heap[0] = candidate;
        siftDown(0);
      } else continue;
      candidate = { index: 0, keys: new Array<Value>(width) };
      if (vector !== undefined && heap.length === count) rootDouble = asDouble(heap[0].keys[0]);
    }
    return i;
  };
  // Scanned a chunk at a time in a plain function (loops in generators run slower), giving way between chunks.
  let at = 0;
  while (at < n) {
    const from = at;
    at = scan(from, Math.min(n, from + CHUNK));
    rt.tick(at - from);
    if (rt.yieldDue) yield;
  }
  heap.sort((a, b) => orderOf(keys, a, b));
  return heap.map((h) => rows[h.index]);
}
