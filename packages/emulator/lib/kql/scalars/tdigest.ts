import type { DynamicValue, KustoScalarType, Value } from '../../model';
import { notSupported } from '../../errors';
import { argDynamic, argNumber, convertValue } from './conversion';
import { compareValues, hashKey } from './scalarOperators';
import type { ScalarFunctionTable } from './types';

/**
 * tdigest() results and the functions over them. The reference shows a result as `[[7],[values…],[weights…]]` for
 * an int column, each distinct value with how many times it occurred, and says the representation may change and that
 * identical inputs need not give identical results. The emulator writes that shape and keeps every distinct value (a
 * digest that never compresses), so percentiles read from it are exact nearest-rank values, within the reference's
 * bound (at most 1% of the rank). The header for int is the reference's `[7]`; the headers for other types are not
 * published, so the emulator writes the type's name (`["long"]`, `["real"]`, `["datetime"]`, `["timespan"]`).
 */
export type DigestType = 'int' | 'long' | 'real' | 'datetime' | 'timespan';

const TAGS: Record<DigestType, DynamicValue> = {
  int: 7,
  long: 'long',
  real: 'real',
  datetime: 'datetime',
  timespan: 'timespan',
};

/** Kusto values by weight: the state of tdigest() and tdigest_merge(), and what the functions read. */
export class Digest {
  private readonly entries = new Map<unknown, { value: Value; weight: number }>();

  constructor(readonly type: DigestType) {}

  /** Adds `weight` occurrences of `value` (a non-null value of the digest's type). */
  add(value: Value, weight: number, fn: string): void {
    const key = hashKey(this.type, value);
    const held = this.entries.get(key);
    if (held) held.weight += weight;
    else {
      // A long beyond 2^53 has no exact JSON number in the result.
      if (
        this.type === 'long' &&
        ((value as bigint) > 9_007_199_254_740_991n || (value as bigint) < -9_007_199_254_740_991n)
      ) {
        throw notSupported(`${fn}() of the long ${String(value)} (beyond 2^53)`);
      }
      if (this.entries.size >= MAX_DISTINCT)
        throw notSupported(`${fn}() over more than ${MAX_DISTINCT} distinct values`);
      this.entries.set(key, { value, weight });
    }
  }

  /** Adds every value of `other`. */
  merge(other: Digest, fn: string): void {
    if (other.type !== this.type) {
      throw notSupported(`${fn}() of tdigests of different types (${this.type} and ${other.type})`);
    }
    for (const { value, weight } of other.entries.values()) this.add(value, weight, fn);
  }

  /** The nearest-rank percentile `p` (0 is the minimum), or null when the digest holds no weight. */
  percentile(p: number): Value {
    const sorted = [...this.entries.values()].sort((a, b) => compareValues(this.type, a.value, b.value));
    const total = sorted.reduce((s, e) => s + e.weight, 0);
    if (sorted.length === 0 || total <= 0) return null;
    // The smallest value with at least p% of the weight at or below it.
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const e of sorted) {
      seen += e.weight;
      if (seen >= rank) return e.value;
    }
    return sorted[sorted.length - 1].value;
  }

  /** The digest as the dynamic value tdigest() returns. */
  toDynamic(): DynamicValue {
    const sorted = [...this.entries.values()].sort((a, b) => compareValues(this.type, a.value, b.value));
    return [
      [TAGS[this.type]],
      sorted.map((e) => convertValue(e.value, this.type, 'dynamic') as DynamicValue),
      sorted.map((e) => e.weight),
    ];
  }
}

const MAX_DISTINCT = 1_048_576;

/** The digest type of a column type, or a refusal naming the function and the type. */
export function digestType(type: KustoScalarType, fn: string): DigestType {
  if (type === 'int' || type === 'long' || type === 'real' || type === 'datetime' || type === 'timespan') return type;
  throw notSupported(`${fn}() of a ${type} value`);
}

/** The digest a tdigest() result holds; null for null; a value of another shape is refused. */
export function readDigest(value: DynamicValue, fn: string): Digest | null {
  if (value === null) return null;
  const refuse = (): never => {
    throw notSupported(`${fn}() of a value that is not a tdigest() result of the emulator`);
  };
  if (!Array.isArray(value) || value.length !== 3) return refuse();
  const [header, values, weights] = value;
  if (!Array.isArray(header) || header.length !== 1 || !Array.isArray(values) || !Array.isArray(weights)) {
    return refuse();
  }
  const type = (Object.keys(TAGS) as DigestType[]).find((t) => TAGS[t] === header[0]);
  if (type === undefined || values.length !== weights.length) return refuse();
  const digest = new Digest(type);
  values.forEach((v, i) => {
    const w = weights[i];
    if (typeof w !== 'number' || !(w > 0) || !Number.isInteger(w)) refuse();
    const typed = fromDynamic(v, type);
    if (typed === null) refuse();
    digest.add(typed, w as number, fn);
  });
  return digest;
}

function fromDynamic(v: DynamicValue, type: DigestType): Value {
  switch (type) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'long':
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
    case 'real':
      return typeof v === 'number' ? v : null;
    default:
      return typeof v === 'string' ? convertValue(v, 'string', type) : null;
  }
}

/**
 * A percentile read from a digest as the call's result type: with a type literal, the digest must be of that type
 * (the reference: "all tdigest functions must be of that type"); without one (dynamic), a number for a digest of
 * numbers. The reference shows datetime percentiles without a type literal only where a column mixes types (each
 * value then in an array), so a datetime or timespan digest without a type literal is refused.
 */
function asResult(digest: Digest, p: number, resultType: KustoScalarType, fn: string): Value {
  const v = digest.percentile(p);
  if (resultType === 'dynamic') {
    if (digest.type === 'datetime' || digest.type === 'timespan') {
      throw notSupported(`${fn}() of a ${digest.type} tdigest without a type literal`);
    }
    return v === null ? null : (convertValue(v, digest.type, 'dynamic') as DynamicValue);
  }
  if (resultType !== digest.type) {
    throw notSupported(`${fn}() of a ${digest.type} tdigest as ${resultType}`);
  }
  return v;
}

function percentOf(v: Value, type: KustoScalarType, fn: string): number {
  const p = argNumber(v, type);
  if (p === null || !(p >= 0 && p <= 100))
    throw notSupported(`${fn}() with the percentile ${String(v)} (outside 0..100)`);
  return p;
}

/** percentile_tdigest, percentiles_array_tdigest (and percentile_array_tdigest, its name on the reference's page). */
export const tdigestFunctions: ScalarFunctionTable = {
  percentile_tdigest: (args, argTypes, resultType) => {
    const fn = 'percentile_tdigest';
    const digest = readDigest(argDynamic(args[0], argTypes[0]), fn);
    const p = percentOf(args[1], argTypes[1], fn);
    return digest === null ? null : asResult(digest, p, resultType, fn);
  },
  percentiles_array_tdigest: (args, argTypes) => {
    const fn = 'percentiles_array_tdigest';
    const digest = readDigest(argDynamic(args[0], argTypes[0]), fn);
    const points = args.slice(1).map((v, i) => percentOf(v, argTypes[i + 1], fn));
    if (digest === null) return null;
    return points.map((p) => asResult(digest, p, 'dynamic', fn) as DynamicValue);
  },
};
