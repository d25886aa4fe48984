/**
 * Number columns of stored rows as Float64Arrays, for scans that compare one column with a constant (`where Value >
 * 500`, `where Id == 42`, `top 10 by Value`): a typed array is read many times faster than one value of each row
 * array. The doubles only decide what they decide exactly; every other row is decided on its own value:
 *
 * - a vector holds `Number(v)` (bigints rounded to the nearest double, which keeps their order: `Number(a) <
 *   Number(b)` implies `a < b`) and NaN for null, NaN and any value that is not a number or bigint;
 * - so where the double is NaN, or equals the constant's double, the row's own value is compared (nulls, NaN, and
 *   longs beyond 2^53 that round to the same double).
 *
 * Vectors are kept per row array (a stored extent's, which never changes once stored) in a WeakMap, so they go with
 * their extent. A vector is built the second time the same rows are scanned by the same column (the first scan of a
 * table read once costs no more than before), and only for arrays of {@link MIN_ROWS} rows or more.
 */
import type { Row, ScalarPlan } from './runtime';

/** Rows below which scanning the row arrays is cheap enough. */
const MIN_ROWS = 16_384;

/** The columns of a row array scanned once (a second scan builds their vectors). */
const scanned = new WeakMap<Row[], Set<number>>();
const vectors = new WeakMap<Row[], Map<number, Float64Array>>();

/** The column `column` of `rows` as doubles, when kept or worth building now; undefined otherwise. */
export function columnVector(rows: Row[], column: number): Float64Array | undefined {
  if (rows.length < MIN_ROWS) return undefined;
  const kept = vectors.get(rows)?.get(column);
  if (kept && kept.length === rows.length) return kept;
  let seen = scanned.get(rows);
  if (!seen) scanned.set(rows, (seen = new Set()));
  if (!seen.has(column)) {
    seen.add(column);
    return undefined;
  }
  const vector = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][column];
    vector[i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
  }
  let byColumn = vectors.get(rows);
  if (!byColumn) vectors.set(rows, (byColumn = new Map()));
  byColumn.set(column, vector);
  return vector;
}

const columnReaders = new WeakMap<ScalarPlan, number>();

/** Records that `plan` is `(row) => row[column]`. */
export function registerColumnReader(plan: ScalarPlan, column: number): void {
  columnReaders.set(plan, column);
}

/** The column a plan reads, when it only reads one ({@link registerColumnReader}). */
export function columnRead(plan: ScalarPlan): number | undefined {
  return columnReaders.get(plan);
}

/** A predicate comparing a column with a number or bigint constant (fastPaths.ts registers them). */
export interface ColumnComparison {
  column: number;
  op: '==' | '!=' | '<' | '<=' | '>' | '>=';
  /** The constant as a double. */
  constant: number;
}

const comparisons = new WeakMap<ScalarPlan, ColumnComparison>();

/** Records that `predicate` is `row[column] op constant` with a number or bigint constant. */
export function registerColumnComparison(predicate: ScalarPlan, comparison: ColumnComparison): void {
  comparisons.set(predicate, comparison);
}

/** The comparison a predicate is, when it is one {@link registerColumnComparison} recorded. */
export function columnComparison(predicate: ScalarPlan): ColumnComparison | undefined {
  return comparisons.get(predicate);
}

/**
 * Tests rows `from` to `to` of `rows` by the comparison, reading the vector and, where it does not decide, the
 * predicate on the row; pushes the rows that pass to `out` when given. Returns how many passed.
 */
export function scanComparison(
  comparison: ColumnComparison,
  vector: Float64Array,
  rows: Row[],
  predicate: ScalarPlan,
  from: number,
  to: number,
  out: Row[] | undefined,
): number {
  if (!out) return countComparison(comparison, vector, rows, predicate, from, to);
  const k = comparison.constant;
  let found = 0;
  // One loop per operator, so that the loop body is a single comparison of doubles; a row passing is counted and,
  // when rows are wanted, pushed.
  switch (comparison.op) {
    case '==':
      for (let i = from; i < to; i++) {
        if (vector[i] === k && predicate(rows[i]) === true) {
          found++;
          if (out) out.push(rows[i]);
        }
      }
      break;
    case '!=':
      for (let i = from; i < to; i++) {
        const d = vector[i];
        if ((d !== k && d === d) || predicate(rows[i]) === true) {
          found++;
          if (out) out.push(rows[i]);
        }
      }
      break;
    case '<':
    case '<=':
      for (let i = from; i < to; i++) {
        const d = vector[i];
        if (d < k || ((d === k || d !== d) && predicate(rows[i]) === true)) {
          found++;
          if (out) out.push(rows[i]);
        }
      }
      break;
    default:
      for (let i = from; i < to; i++) {
        const d = vector[i];
        if (d > k || ((d === k || d !== d) && predicate(rows[i]) === true)) {
          found++;
          if (out) out.push(rows[i]);
        }
      }
      break;
  }
  return found;
}

/**
 * {@link scanComparison} counting only: one pass counts the doubles above and below the constant without a branch on
 * which side each is (a filter passes rows unpredictably: a mispredicted branch a row would cost more than the
 * comparison); the rows on neither side (equal, or NaN: null and NaN) are then decided by the predicate.
 */
function countComparison(
  comparison: ColumnComparison,
  vector: Float64Array,
  rows: Row[],
  predicate: ScalarPlan,
  from: number,
  to: number,
): number {
  const k = comparison.constant;
  let above = 0;
  let below = 0;
  for (let i = from; i < to; i++) {
    const d = vector[i];
    if (d > k) above++;
    if (d < k) below++;
  }
  const op = comparison.op;
  let found = op === '>' || op === '>=' ? above : op === '<' || op === '<=' ? below : op === '!=' ? above + below : 0;
  if (above + below < to - from) {
    for (let i = from; i < to; i++) {
      const d = vector[i];
      if (!(d > k) && !(d < k) && predicate(rows[i]) === true) found++;
    }
  }
  return found;
}
