import type { KustoScalarType, Value } from '../../model';
import { floorDiv, isValidDatetime } from '../../values/calendar';
import { type DecimalNumber, decimalResult, roundDecimal, toDecimalNumber } from '../../values/decimalValue';
import { argInt, argLong, argNumber, asResult, convertValue } from './conversion';
import { compareValues } from './scalarOperators';
import type { ScalarFunctionImpl, ScalarFunctionTable } from './types';

const isIntegral = (t: KustoScalarType): boolean => t === 'long' || t === 'int';
const isTicks = (t: KustoScalarType): boolean => t === 'datetime' || t === 'timespan';

/**
 * `bin(value, size)` and `bin_at(value, size, origin)`: the multiple of `size` at or below `value`, counted
 * from `origin` (0, or the Unix epoch for datetime, so `bin(t, 7d)` weeks start on Thursdays as in Kusto).
 * A null, zero or negative size gives null.
 */
function binValue(args: Value[], argTypes: KustoScalarType[], resultType: KustoScalarType): Value {
  const [value, size] = args;
  const origin = args.length > 2 ? args[2] : undefined;
  if (value === null || size === null || origin === null) return null;
  if (isTicks(argTypes[0]) || isTicks(resultType)) {
    const v = argLong(value, argTypes[0]) as bigint;
    const s = argLong(size, argTypes[1]);
    if (s === null || s <= 0n) return null;
    const o = origin === undefined ? 0n : (convertValue(origin, argTypes[2], argTypes[0]) as bigint | null);
    if (o === null) return null;
    const ticks = o + floorDiv(v - o, s) * s;
    return resultType === 'datetime' && !isValidDatetime(ticks) ? null : ticks;
  }
  if (isIntegral(resultType)) {
    const v = argLong(value, argTypes[0]) as bigint;
    const s = argLong(size, argTypes[1]);
    if (s === null || s <= 0n) return null;
    const o = origin === undefined ? 0n : argLong(origin, argTypes[2]);
    if (o === null) return null;
    return asResult(o + floorDiv(v - o, s) * s, 'long', resultType);
  }
  if (resultType === 'decimal') return binDecimal(value, size, origin, argTypes);
  const v = argNumber(value, argTypes[0]) as number;
  const s = argNumber(size, argTypes[1]);
  if (s === null || !(s > 0)) return null;
  const o = origin === undefined ? 0 : argNumber(origin, argTypes[2]);
  if (o === null) return null;
  return asResult(o + Math.floor((v - o) / s) * s, 'real', resultType);
}

/** An argument as an exact decimal.js value, or null. */
function argExact(value: Value, type: KustoScalarType): DecimalNumber | null {
  const text = type === 'decimal' ? value : convertValue(value, type, 'decimal');
  return text === null ? null : toDecimalNumber(text as string);
}

/** bin over decimals, exactly: `origin + floor((value - origin) / size) * size`. */
function binDecimal(value: Value, size: Value, origin: Value | undefined, argTypes: KustoScalarType[]): Value {
  const v = argExact(value, argTypes[0]);
  const s = argExact(size, argTypes[1]);
  if (v === null || s === null || !s.isPositive() || s.isZero()) return null;
  const o = origin === undefined ? toDecimalNumber('0') : argExact(origin, argTypes[2]);
  if (o === null) return null;
  return decimalResult(v.minus(o).div(s).floor().times(s).plus(o), 'bin()');
}

/** `round(x, precision)`: halves round away from zero; a negative precision rounds to tens, hundreds, …. */
function roundValue(args: Value[], argTypes: KustoScalarType[], resultType: KustoScalarType): Value {
  const precision = args.length > 1 ? argInt(args[1], argTypes[1]) : 0;
  if (args[0] === null || precision === null) return null;
  if (isIntegral(resultType)) {
    const v = argLong(args[0], argTypes[0]) as bigint;
    if (precision >= 0) return asResult(v, 'long', resultType);
    const factor = 10n ** BigInt(-precision);
    const magnitude = (((v < 0n ? -v : v) + factor / 2n) / factor) * factor;
    return asResult(v < 0n ? -magnitude : magnitude, 'long', resultType);
  }
  if (resultType === 'decimal') {
    const d = argExact(args[0], argTypes[0]);
    return d === null ? null : roundDecimal(d.toFixed(), precision);
  }
  const x = argNumber(args[0], argTypes[0]) as number;
  if (!Number.isFinite(x)) return x;
  const factor = 10 ** Math.abs(precision);
  const scaled = precision >= 0 ? Math.abs(x) * factor : Math.abs(x) / factor;
  if (!Number.isFinite(scaled)) return asResult(x, 'real', resultType);
  const rounded = precision >= 0 ? Math.round(scaled) / factor : Math.round(scaled) * factor;
  return asResult(x < 0 ? -rounded : rounded, 'real', resultType);
}

/** A function of one real argument; `domain` returns false where Kusto answers null (log of a negative, …). */
function real1(f: (x: number) => number, domain: (x: number) => boolean = () => true): ScalarFunctionImpl {
  return (args, argTypes, resultType) => {
    const x = argNumber(args[0], argTypes[0]);
    return x === null || !domain(x) ? null : asResult(f(x), 'real', resultType);
  };
}

function real2(f: (x: number, y: number) => number): ScalarFunctionImpl {
  return (args, argTypes, resultType) => {
    const x = argNumber(args[0], argTypes[0]);
    const y = argNumber(args[1], argTypes[1]);
    return x === null || y === null ? null : asResult(f(x, y), 'real', resultType);
  };
}

function long2(f: (a: bigint, b: bigint) => bigint): ScalarFunctionImpl {
  return (args, argTypes, resultType) => {
    const a = argLong(args[0], argTypes[0]);
    const b = argLong(args[1], argTypes[1]);
    return a === null || b === null ? null : asResult(BigInt.asIntN(64, f(a, b)), 'long', resultType);
  };
}

function extremum(sign: 1 | -1): ScalarFunctionImpl {
  return (args, argTypes, resultType) => {
    let best: Value = null;
    for (let i = 0; i < args.length; i++) {
      // Non-null values take precedence over nulls.
      const v = asResult(args[i], argTypes[i], resultType);
      if (v !== null && (best === null || sign * compareValues(resultType, v, best) > 0)) best = v;
    }
    return best;
  };
}

function numberTest(test: (x: number) => boolean): ScalarFunctionImpl {
  return (args, argTypes) => {
    const x = argNumber(args[0], argTypes[0]);
    return x !== null && test(x);
  };
}

/** Mathematical functions and `bin` / `floor` / `bin_at`. */
export const mathFunctions: ScalarFunctionTable = {
  bin: binValue,
  floor: binValue,
  bin_at: binValue,
  round: roundValue,
  ceiling: (args, argTypes, resultType) => {
    if (isIntegral(resultType)) return asResult(args[0], argTypes[0], resultType);
    if (resultType === 'decimal') {
      const d = args[0] === null ? null : argExact(args[0], argTypes[0]);
      return d === null ? null : decimalResult(d.ceil(), 'ceiling()');
    }
    const x = argNumber(args[0], argTypes[0]);
    return x === null ? null : asResult(Math.ceil(x), 'real', resultType);
  },
  abs: (args, argTypes, resultType) => {
    if (args[0] === null) return null;
    if (isIntegral(resultType) || resultType === 'timespan') {
      const v = argLong(args[0], argTypes[0]) as bigint;
      return asResult(BigInt.asIntN(64, v < 0n ? -v : v), resultType === 'timespan' ? 'timespan' : 'long', resultType);
    }
    if (resultType === 'decimal') {
      const d = argExact(args[0], argTypes[0]);
      return d === null ? null : decimalResult(d.abs(), 'abs()');
    }
    return asResult(Math.abs(argNumber(args[0], argTypes[0]) as number), 'real', resultType);
  },
  sign: real1(Math.sign),
  pow: real2(Math.pow),
  sqrt: real1(Math.sqrt, (x) => !(x < 0)),
  log: real1(Math.log, (x) => !(x < 0)),
  log10: real1(Math.log10, (x) => !(x < 0)),
  log2: real1(Math.log2, (x) => !(x < 0)),
  exp: real1(Math.exp),
  exp2: real1((x) => 2 ** x),
  exp10: real1((x) => 10 ** x),
  pi: () => Math.PI,
  cos: real1(Math.cos),
  sin: real1(Math.sin),
  tan: real1(Math.tan),
  cot: real1((x) => 1 / Math.tan(x)),
  acos: real1(Math.acos, (x) => x >= -1 && x <= 1),
  asin: real1(Math.asin, (x) => x >= -1 && x <= 1),
  atan: real1(Math.atan),
  atan2: real2(Math.atan2),
  degrees: real1((x) => (x * 180) / Math.PI),
  radians: real1((x) => (x * Math.PI) / 180),
  isnan: numberTest(Number.isNaN),
  isinf: numberTest((x) => x === Infinity || x === -Infinity),
  isfinite: numberTest(Number.isFinite),
  max_of: extremum(1),
  min_of: extremum(-1),
  rand: (args, argTypes, resultType) => {
    if (args.length === 0) return Math.random();
    const n = argLong(args[0], argTypes[0]);
    return n === null || n <= 0n ? null : asResult(Math.floor(Math.random() * Number(n)), 'real', resultType);
  },
  binary_and: long2((a, b) => a & b),
  binary_or: long2((a, b) => a | b),
  binary_xor: long2((a, b) => a ^ b),
  binary_shift_left: long2((a, n) => a << (n & 63n)),
  binary_shift_right: long2((a, n) => a >> (n & 63n)),
  binary_not: (args, argTypes, resultType) => {
    const a = argLong(args[0], argTypes[0]);
    return a === null ? null : asResult(~a, 'long', resultType);
  },
  bitset_count_ones: (args, argTypes, resultType) => {
    const a = argLong(args[0], argTypes[0]);
    if (a === null) return null;
    let bits = BigInt.asUintN(64, a);
    let count = 0;
    for (; bits > 0n; bits >>= 1n) count += Number(bits & 1n);
    return asResult(count, 'int', resultType);
  },
};
