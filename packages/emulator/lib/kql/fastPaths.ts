/**
 * Plans for the commonest row-by-row shapes, built at compile time so that a row pays no conversion, dispatch or
 * allocation the shape does not need: a column compared with a constant (`Value > 500`, `Id == 42`), and `bin()` of a
 * datetime or timespan by a constant size, `range` over longs. Each gives exactly the generic plan's results (scalarOperators.ts,
 * scalars/math.ts); shapes outside the few listed here take the generic plan.
 */
import type { KustoScalarType, Value } from '../model';
import { MAX_INTERMEDIATE_ROWS, tooManyRows, type Row, type RowsRun, type Runtime, type ScalarPlan } from './runtime';
import { floorDiv, isValidDatetime } from '../values/calendar';
import { registerColumnComparison, type ColumnComparison } from './columnVectors';

const TICKS = new Set<KustoScalarType>(['long', 'datetime', 'timespan']);
const ORDERING = new Set(['<', '<=', '>', '>=']);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The constant converted once to the type the generic operator compares the left side in, when that comparison is
 * one of JavaScript's own `<`/`===` on the left value as it is: real and int as numbers (NaN compares false, as
 * orderOf has it), long/datetime/timespan as bigints, string and bool by identity (equality only). Undefined
 * otherwise (decimal, dynamic, guid, string ordering, a left side the generic operator would convert per row).
 */
function comparable(op: string, left: KustoScalarType, right: KustoScalarType, k: Value): Value | undefined {
  if (k === null) return undefined;
  const ordering = ORDERING.has(op);
  if (left === right) {
    if (left === 'real' || left === 'int' || TICKS.has(left)) return k;
    if (!ordering && (left === 'string' || left === 'bool')) return k;
    return undefined;
  }
  // real with int or long compares as real (the long converted by Number(), as longTo has it).
  if (left === 'real' && (right === 'int' || right === 'long')) return Number(k as number | bigint);
  // long with int compares as long; int with a long the number type holds exactly, likewise.
  if (left === 'long' && right === 'int') return BigInt(k as number);
  if (left === 'int' && right === 'long') {
    const b = k as bigint;
    return b >= -MAX_SAFE && b <= MAX_SAFE ? Number(b) : undefined;
  }
  return undefined;
}

/**
 * `left op constant` for `==`, `!=`, `<`, `<=`, `>`, `>=`, where `left` is read from column `column` of the row
 * (when known) or computed by `left`. Undefined when the shape is not one of {@link comparable}'s.
 */
export function constantComparison(
  op: string,
  leftType: KustoScalarType,
  rightType: KustoScalarType,
  constant: Value,
  left: ScalarPlan,
  column: number | undefined,
): ScalarPlan | undefined {
  if (op !== '==' && op !== '!=' && !ORDERING.has(op)) return undefined;
  const converted = comparable(op, leftType, rightType, constant);
  if (converted === undefined || converted === null) return undefined;
  // Typed as a number for the operators: at run time both sides are numbers, or both bigints (ordering needs no more).
  const k = converted as number;
  // Null on the left: null for ordering, false for == and true for != (Kusto's rules, as the generic operators have).
  if (column !== undefined) {
    const plan = columnComparisonPlan(op, column, k);
    if (typeof converted === 'number' || typeof converted === 'bigint') {
      registerColumnComparison(plan, { column, op: op as ColumnComparison['op'], constant: Number(converted) });
    }
    return plan;
  }
  switch (op) {
    case '==':
      return (row) => {
        const v = left(row);
        return v === null ? false : v === k;
      };
    case '!=':
      return (row) => {
        const v = left(row);
        return v === null ? true : v !== k;
      };
    case '<':
      return (row) => {
        const v = left(row);
        return v === null ? null : (v as number) < k;
      };
    case '<=':
      return (row) => {
        const v = left(row);
        return v === null ? null : (v as number) <= k;
      };
    case '>':
      return (row) => {
        const v = left(row);
        return v === null ? null : (v as number) > k;
      };
    default:
      return (row) => {
        const v = left(row);
        return v === null ? null : (v as number) >= k;
      };
  }
}

/** `row[i] op k`, reading the column itself. */
function columnComparisonPlan(op: string, i: number, k: number): ScalarPlan {
  switch (op) {
    case '==':
      return (row) => {
        const v = row[i];
        return v === null ? false : v === k;
      };
    case '!=':
      return (row) => {
        const v = row[i];
        return v === null ? true : v !== k;
      };
    case '<':
      return (row) => {
        const v = row[i];
        return v === null ? null : (v as number) < k;
      };
    case '<=':
      return (row) => {
        const v = row[i];
        return v === null ? null : (v as number) <= k;
      };
    case '>':
      return (row) => {
        const v = row[i];
        return v === null ? null : (v as number) > k;
      };
    default:
      return (row) => {
        const v = row[i];
        return v === null ? null : (v as number) >= k;
      };
  }
}

/**
 * `bin(x, size)` (and its alias `floor`) of a datetime or timespan by a constant positive timespan: the same
 * `floorDiv(x, size) * size` as the generic bin, computed with bigints only when `x` leaves the last bin computed
 * (rows in time order, the usual case, stay in one bin for many rows and share its value).
 */
export function constantBin(
  name: string,
  argTypes: KustoScalarType[],
  resultType: KustoScalarType,
  value: ScalarPlan,
  size: Value | undefined,
): ScalarPlan | undefined {
  if (name !== 'bin' && name !== 'floor') return undefined;
  if (argTypes.length !== 2 || argTypes[1] !== 'timespan' || typeof size !== 'bigint' || size <= 0n) return undefined;
  if ((argTypes[0] !== 'datetime' && argTypes[0] !== 'timespan') || resultType !== argTypes[0]) return undefined;
  const s = size;
  const checkValid = resultType === 'datetime';
  let lo = 1n;
  let hi = 0n; // empty: the first value computes its bin
  let last: Value = null;
  return (row) => {
    const v = value(row) as bigint | null;
    if (v === null) return null;
    if (v >= lo && v < hi) return last;
    const b = floorDiv(v, s) * s;
    lo = b;
    hi = b + s;
    last = checkValid && !isValidDatetime(b) ? null : b;
    return last;
  };
}

const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

/**
 * Whether {@link longRange} may run `range` to `end` by `step`: the value after the last one must not leave the long
 * type, where the generic loop's 64-bit addition wraps around.
 */
export function longRangeFits(end: bigint, step: bigint): boolean {
  const after = end + step;
  return after >= MIN_LONG && after <= MAX_LONG;
}

/**
 * `range` over longs from `start` to `end` by a non-zero `step`: the rows, deadline checks, memory accounting and
 * row limit of the generic loop (tabularOperators.ts), with one bigint addition and comparison per row. With `map`,
 * each row is mapped as it is made (the rows returned are the mapped ones), giving way mid-chunk when a costly
 * mapping uses up the time slice.
 */
export function* longRange(rt: Runtime, start: bigint, end: bigint, step: bigint, map?: (row: Row) => Row): RowsRun {
  const rows: Row[] = [];
  const up = step > 0n;
  let v = start;
  // A chunk of rows in a plain function (loops in generators run slower).
  const fill = (limit: number) => {
    while (rows.length < limit && (up ? v <= end : v >= end)) {
      rows.push(map ? map([v]) : [v]);
      v += step;
      if (map && rt.yieldDue) return;
    }
  };
  let counted = 0;
  for (;;) {
    const limit = counted + 4096;
    fill(limit);
    if (rows.length === limit) {
      counted = limit;
      rt.tick(4096);
      rt.chargeRows(4096, rows[limit - 1].length);
      if (rows.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('range');
    }
    if (up ? v > end : v < end) return rows;
    if (rt.yieldDue) yield;
  }
}
