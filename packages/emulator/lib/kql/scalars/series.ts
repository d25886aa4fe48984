/**
 * Series functions over the dynamic arrays make-series produces (the KQL reference's series-*-function pages):
 * series_fill_forward, series_fill_backward, series_fill_const, series_fill_linear, series_stats_dynamic and the
 * element-wise series_add, series_subtract, series_multiply, series_divide, series_greater, series_greater_equals,
 * series_less, series_less_equals, series_equals, series_not_equals.
 *
 * A dynamic number here is a double: whether Kusto held it as long or real is not kept. Where the reference's result
 * depends on that (series_fill_linear rounds interpolated values of long arrays), the emulator refuses rather than
 * guess.
 */
import type { DynamicValue, KustoScalarType, Value } from '../../model';
import { notSupported } from '../../errors';
import { argBool, argDynamic, argNumber } from './conversion';
import type { ScalarFunctionTable } from './types';

/** The series argument: a dynamic array, or null for anything else. */
function seriesOf(value: Value, type: KustoScalarType, fn: string): DynamicValue[] | null {
  if (type !== 'dynamic') throw notSupported(`${fn}() of a ${type} series`);
  const d = argDynamic(value, type);
  return Array.isArray(d) ? d : null;
}

/**
 * Whether an element is the missing value placeholder: null stands for `double(null)`, `long(null)` and `int(null)`
 * (the reference: they "have the same meaning"); a number matches equal numbers.
 */
function missingTest(args: Value[], argTypes: KustoScalarType[], at: number, fn: string): (x: DynamicValue) => boolean {
  if (args.length <= at || args[at] === null) return (x) => x === null;
  const type = argTypes[at];
  if (type !== 'int' && type !== 'long' && type !== 'real') {
    throw notSupported(`${fn}() with a ${type} missing value placeholder`);
  }
  const placeholder = argNumber(args[at], type);
  return (x) => typeof x === 'number' && x === placeholder;
}

/** Refuses elements the fill functions' reference does not describe (strings, bags, booleans …). */
function checkNumeric(series: DynamicValue[], missing: (x: DynamicValue) => boolean, fn: string): void {
  for (const x of series) {
    if (!missing(x) && x !== null && typeof x !== 'number') throw notSupported(`${fn}() of a non-numeric element`);
  }
}

function fillForward(series: DynamicValue[], missing: (x: DynamicValue) => boolean): DynamicValue[] {
  const out = series.slice();
  let last: DynamicValue | undefined;
  for (let i = 0; i < out.length; i++) {
    if (!missing(out[i])) last = out[i];
    else if (last !== undefined) out[i] = last;
  }
  return out;
}

function fillBackward(series: DynamicValue[], missing: (x: DynamicValue) => boolean): DynamicValue[] {
  const out = series.slice();
  let next: DynamicValue | undefined;
  for (let i = out.length - 1; i >= 0; i--) {
    if (!missing(out[i])) next = out[i];
    else if (next !== undefined) out[i] = next;
  }
  return out;
}

function fillLinear(
  series: DynamicValue[],
  missing: (x: DynamicValue) => boolean,
  fillEdges: boolean,
  constant: DynamicValue,
): DynamicValue[] {
  const known: number[] = [];
  series.forEach((x, i) => {
    if (!missing(x)) known.push(i);
  });
  if (known.length === 0) return series.map(() => constant);
  const out = series.slice();
  const whole = known.every((i) => Number.isInteger(series[i]));
  for (let k = 0; k + 1 < known.length; k++) {
    const a = known[k];
    const b = known[k + 1];
    const va = series[a] as number;
    const vb = series[b] as number;
    for (let i = a + 1; i < b; i++) {
      const v = va + ((vb - va) * (i - a)) / (b - a);
      if (whole && !Number.isInteger(v)) {
        // Kusto rounds interpolations in long arrays and not in real ones; a dynamic number here is either.
        throw notSupported(
          'series_fill_linear() of whole numbers interpolated to a fraction (whether the array holds longs or reals)',
        );
      }
      out[i] = v;
    }
  }
  if (fillEdges) {
    const first = known[0];
    const last = known[known.length - 1];
    for (let i = 0; i < first; i++) out[i] = series[first];
    for (let i = last + 1; i < out.length; i++) out[i] = series[last];
  }
  return out;
}

/** series_stats_dynamic's bag, in the reference's key order. */
function stats(series: DynamicValue[], fn: string): DynamicValue {
  const n = series.length;
  if (n < 2) throw notSupported(`${fn}() of a series of ${n} element${n === 1 ? '' : 's'}`);
  for (const x of series) {
    // With non-finite elements the reference's wording leaves open which values are null, and what len counts.
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw notSupported(`${fn}() of a series with a non-finite or non-numeric element`);
  }
  const xs = series as number[];
  let min = 0;
  let max = 0;
  let sum = 0;
  // Welford's running mean and squared deviations: the reference's published variance and stdev, to the last digit.
  let mean = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (x < xs[min]) min = i;
    if (x > xs[max]) max = i;
    sum += x;
    const d = x - mean;
    mean += d / (i + 1);
    squares += d * (x - mean);
  }
  const avg = sum / n;
  const variance = squares / (n - 1);
  return {
    min: xs[min],
    min_idx: min,
    max: xs[max],
    max_idx: max,
    avg,
    stdev: Math.sqrt(variance),
    variance,
    sum,
    len: n,
  };
}

/** An element-wise function of two series: non-numeric or absent elements give null. */
function elementWise(fn: string, op: (a: number, b: number) => DynamicValue): ScalarFunctionTable[string] {
  return (args, argTypes) => {
    const a = seriesOf(args[0], argTypes[0], fn);
    const b = seriesOf(args[1], argTypes[1], fn);
    if (a === null || b === null) return null;
    const n = Math.max(a.length, b.length);
    const out = new Array<DynamicValue>(n);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = typeof x === 'number' && typeof y === 'number' ? op(x, y) : null;
    }
    return out;
  };
}

/** A whole number's result of integer arithmetic stays exact only within the double's integer range. */
function exact(v: number, fn: string): number {
  if (Number.isInteger(v) && !Number.isSafeInteger(v)) throw notSupported(`${fn}() beyond 2^53`);
  return v;
}

/** The series functions. */
export const seriesFunctions: ScalarFunctionTable = {
  series_fill_forward: (args, argTypes) => {
    const series = seriesOf(args[0], argTypes[0], 'series_fill_forward');
    if (series === null) return null;
    const missing = missingTest(args, argTypes, 1, 'series_fill_forward');
    checkNumeric(series, missing, 'series_fill_forward');
    return fillForward(series, missing);
  },
  series_fill_backward: (args, argTypes) => {
    const series = seriesOf(args[0], argTypes[0], 'series_fill_backward');
    if (series === null) return null;
    const missing = missingTest(args, argTypes, 1, 'series_fill_backward');
    checkNumeric(series, missing, 'series_fill_backward');
    return fillBackward(series, missing);
  },
  series_fill_const: (args, argTypes) => {
    const series = seriesOf(args[0], argTypes[0], 'series_fill_const');
    if (series === null) return null;
    const missing = missingTest(args, argTypes, 2, 'series_fill_const');
    checkNumeric(series, missing, 'series_fill_const');
    const constant = argDynamic(args[1], argTypes[1]);
    if (constant !== null && typeof constant !== 'number') {
      throw notSupported(`series_fill_const() with a ${argTypes[1]} constant`);
    }
    return series.map((x) => (missing(x) ? constant : x));
  },
  series_fill_linear: (args, argTypes) => {
    const series = seriesOf(args[0], argTypes[0], 'series_fill_linear');
    if (series === null) return null;
    const missing = missingTest(args, argTypes, 1, 'series_fill_linear');
    checkNumeric(series, missing, 'series_fill_linear');
    const fillEdges = args.length > 2 ? argBool(args[2], argTypes[2]) : true;
    if (fillEdges === null) throw notSupported('series_fill_linear() with a null fill_edges');
    const constant = args.length > 3 ? argDynamic(args[3], argTypes[3]) : 0;
    if (constant !== null && typeof constant !== 'number') {
      throw notSupported(`series_fill_linear() with a ${argTypes[3]} constant`);
    }
    return fillLinear(series, missing, fillEdges, constant);
  },
  series_stats_dynamic: (args, argTypes) => {
    const series = seriesOf(args[0], argTypes[0], 'series_stats_dynamic');
    if (series === null) return null;
    return stats(series, 'series_stats_dynamic');
  },
  series_add: elementWise('series_add', (a, b) => exact(a + b, 'series_add')),
  series_subtract: elementWise('series_subtract', (a, b) => exact(a - b, 'series_subtract')),
  series_multiply: elementWise('series_multiply', (a, b) => exact(a * b, 'series_multiply')),
  // "the result series is of double type … 2/0 yields double(+inf)".
  series_divide: elementWise('series_divide', (a, b) => a / b),
  series_greater: elementWise('series_greater', (a, b) => a > b),
  series_greater_equals: elementWise('series_greater_equals', (a, b) => a >= b),
  series_less: elementWise('series_less', (a, b) => a < b),
  series_less_equals: elementWise('series_less_equals', (a, b) => a <= b),
  series_equals: elementWise('series_equals', (a, b) => a === b),
  series_not_equals: elementWise('series_not_equals', (a, b) => a !== b),
};

/** The series statistics (min, min_idx, max, max_idx, avg, stdev, variance, sum, len) of a series, for series_stats. */
export function seriesStats(value: Value, type: KustoScalarType): DynamicValue {
  const series = seriesOf(value, type, 'series_stats');
  return series === null ? null : stats(series, 'series_stats');
}
