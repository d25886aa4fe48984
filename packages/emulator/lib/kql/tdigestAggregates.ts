/**
 * The aggregates over t-digests: tdigest(expr[, weight]), tdigest_merge (merge_tdigest) and percentiles_array. The
 * digests are exact (scalars/tdigest.ts): every distinct value is kept with its weight, so the percentiles read from
 * them are exact nearest-rank values, within the reference's bound of 1% of the rank.
 */
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import type { Aggregate } from './aggregates';
import type { ScalarPlan } from './runtime';
import { Digest, digestType, readDigest } from './scalarApi';

/** tdigest(expr[, weight]): the group's values with their weights (1 without a weight); null over no values. */
export function tdigestAggregate(
  value: ScalarPlan,
  type: KustoScalarType,
  weight?: ScalarPlan,
  weightType?: KustoScalarType,
): Aggregate {
  const dtype = digestType(type, 'tdigest');
  if (weightType !== undefined && weightType !== 'int' && weightType !== 'long') {
    throw notSupported(`tdigest() with a ${weightType} weight`);
  }
  return {
    width: 1,
    create: () => {
      const digest = new Digest(dtype);
      let any = false;
      return {
        add: (row) => {
          const v = value(row);
          if (v === null) return;
          let w = 1;
          if (weight) {
            const raw = weight(row);
            w = raw === null ? NaN : Number(raw);
            // The reference does not say what a null, zero or negative weight counts for.
            if (!(w > 0) || !Number.isSafeInteger(w)) throw notSupported(`tdigest() with the weight ${String(raw)}`);
          }
          digest.add(v, w, 'tdigest');
          any = true;
        },
        result: () => [any ? digest.toDynamic() : null],
      };
    },
  };
}

/** tdigest_merge / merge_tdigest: the digests of the group merged (all of one type); null over no digests. */
export function tdigestMergeAggregate(value: ScalarPlan, type: KustoScalarType, fn: string): Aggregate {
  if (type !== 'dynamic') throw notSupported(`${fn}() of a ${type} value`);
  return {
    width: 1,
    create: () => {
      let merged: Digest | undefined;
      return {
        add: (row) => {
          const digest = readDigest(value(row) as DynamicValue, fn);
          if (digest === null) return;
          if (merged === undefined) merged = new Digest(digest.type);
          merged.merge(digest, fn);
        },
        result: () => [merged ? merged.toDynamic() : null],
      };
    },
  };
}

/**
 * .NET's "G17" text of a double (17 significant digits, trailing zeros dropped), the form the reference's
 * percentiles_array example shows for real values (`"0.048141473520867069"`). Exponent forms, where .NET's and
 * JavaScript's texts differ, are refused.
 */
function g17(x: number): string {
  if (x === 0) return '0';
  const e = Number.isFinite(x) ? Number(x.toExponential(16).split('e')[1]) : NaN;
  // .NET writes G17 in fixed point for exponents -4..16, JavaScript's toPrecision(17) for -6..16.
  if (!(e >= -4 && e <= 16)) throw notSupported(`percentiles_array() of the real ${x}`);
  let text = x.toPrecision(17);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text;
}

/**
 * percentiles_array(expr, p1, p2, …) or (expr, dynamic([…])): the nearest-rank percentiles in one dynamic array.
 * The reference's example shows a real column's percentiles as texts (`["0.048141473520867069", …]`), which the
 * emulator writes as published; integer percentiles are numbers, as percentiles_array_tdigest's example shows them.
 * Other types (datetime, timespan, decimal), whose array form is not published, are refused, and so is a group with
 * no values (its default is not published).
 */
export function percentilesArrayAggregate(value: ScalarPlan, type: KustoScalarType, points: Value[]): Aggregate {
  if (type !== 'int' && type !== 'long' && type !== 'real')
    throw notSupported(`percentiles_array() of a ${type} value`);
  const percents = points.map((p) => {
    const n = typeof p === 'bigint' ? Number(p) : typeof p === 'number' ? p : NaN;
    if (!(n >= 0 && n <= 100)) throw notSupported(`percentiles_array() with the percentile ${JSON.stringify(p)}`);
    return n;
  });
  if (percents.length === 0) throw notSupported('percentiles_array() without percentiles');
  const dtype = digestType(type, 'percentiles_array');
  return {
    width: 1,
    create: () => {
      const digest = new Digest(dtype);
      let any = false;
      return {
        add: (row) => {
          const v = value(row);
          if (v === null) return;
          digest.add(v, 1, 'percentiles_array');
          any = true;
        },
        result: () => {
          if (!any) throw notSupported('percentiles_array() over no values');
          return [
            percents.map((p) => {
              const v = digest.percentile(p);
              return type === 'real' ? g17(v as number) : Number(v);
            }),
          ];
        },
      };
    },
  };
}
