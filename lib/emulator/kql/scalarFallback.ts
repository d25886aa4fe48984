/**
 * TEMPORARY stand-in for lib/emulator/kql/scalars (built by another part at the same time): the same interface,
 * with just enough behaviour for the engine's specs. Removed once the shared implementation lands.
 */
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';

/** Context handed to scalar functions. */
export interface ScalarContext {
  /** The request's now(), in ticks. */
  now: bigint;
}

/** A scalar function implementation. */
export type ScalarFunctionImpl = (
  args: Value[],
  argTypes: KustoScalarType[],
  resultType: KustoScalarType,
  ctx: ScalarContext,
) => Value;

const NUMERIC: ReadonlySet<KustoScalarType> = new Set(['int', 'long', 'real', 'decimal']);

function toNumber(v: Value): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** Converts `value` of type `from` to type `to` (implicit promotions). */
export function convertValue(value: Value, from: KustoScalarType, to: KustoScalarType): Value {
  if (value === null || from === to) return value;
  if (to === 'long' || to === 'datetime' || to === 'timespan') {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : null;
  }
  if (to === 'real' || to === 'decimal' || to === 'int') {
    const n = toNumber(value);
    return to === 'int' ? Math.trunc(n) | 0 : n;
  }
  if (to === 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (to === 'dynamic') return typeof value === 'bigint' ? Number(value) : (value as DynamicValue);
  return value;
}

/** Total order: nulls least. */
export function compareValues(type: KustoScalarType, a: Value, b: Value): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  if (type === 'dynamic') {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  const x = a as number | bigint | string;
  const y = b as number | bigint | string;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Equality for grouping and joins. */
export function valuesEqual(type: KustoScalarType, a: Value, b: Value): boolean {
  return hashKey(type, a) === hashKey(type, b);
}

/** A Map key equal iff valuesEqual. */
export function hashKey(type: KustoScalarType, v: Value): string | number | boolean | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'object') return JSON.stringify(v);
  void type;
  return v;
}

function common(left: KustoScalarType, right: KustoScalarType): KustoScalarType {
  if (left === right) return left;
  if (NUMERIC.has(left) && NUMERIC.has(right)) {
    if (left === 'real' || right === 'real' || left === 'decimal' || right === 'decimal') return 'real';
    return 'long';
  }
  return left;
}

function arith(op: string, domain: KustoScalarType): (l: Value, r: Value) => Value {
  if (domain === 'long' || domain === 'datetime' || domain === 'timespan') {
    const f: Record<string, (a: bigint, b: bigint) => bigint | null> = {
      '+': (a, b) => a + b,
      '-': (a, b) => a - b,
      '*': (a, b) => a * b,
      '/': (a, b) => (b === 0n ? null : a / b),
      '%': (a, b) => (b === 0n ? null : a % b),
    };
    const g = f[op];
    return (l, r) => (l === null || r === null ? null : g(l as bigint, r as bigint));
  }
  const f: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
    '%': (a, b) => a % b,
  };
  const g = f[op];
  const int = domain === 'int';
  return (l, r) => {
    if (l === null || r === null) return null;
    const x = g(toNumber(l), toNumber(r));
    return int ? Math.trunc(x) | 0 : x;
  };
}

function stringOp(op: string): ((a: string, b: string) => boolean) | undefined {
  const lower = (s: string): string => s.toLowerCase();
  const table: Record<string, (a: string, b: string) => boolean> = {
    '=~': (a, b) => lower(a) === lower(b),
    '!~': (a, b) => lower(a) !== lower(b),
    contains: (a, b) => lower(a).includes(lower(b)),
    '!contains': (a, b) => !lower(a).includes(lower(b)),
    contains_cs: (a, b) => a.includes(b),
    '!contains_cs': (a, b) => !a.includes(b),
    startswith: (a, b) => lower(a).startsWith(lower(b)),
    '!startswith': (a, b) => !lower(a).startsWith(lower(b)),
    endswith: (a, b) => lower(a).endsWith(lower(b)),
    '!endswith': (a, b) => !lower(a).endsWith(lower(b)),
    has: (a, b) => new RegExp(`(^|[^\\p{L}\\p{N}])${escape(b)}($|[^\\p{L}\\p{N}])`, 'iu').test(a),
    '!has': (a, b) => !new RegExp(`(^|[^\\p{L}\\p{N}])${escape(b)}($|[^\\p{L}\\p{N}])`, 'iu').test(a),
    'matches regex': (a, b) => new RegExp(b).test(a),
  };
  return table[op];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A binary operator implementation for the given operand and result types. */
export function binaryOperator(
  op: string,
  left: KustoScalarType,
  right: KustoScalarType,
  result: KustoScalarType,
): (l: Value, r: Value) => Value {
  if (['+', '-', '*', '/', '%'].includes(op)) {
    const domain =
      result === 'datetime' || result === 'timespan'
        ? 'long'
        : result === 'real' || result === 'decimal'
          ? 'real'
          : result;
    const f = arith(op, domain);
    const lt = left === 'datetime' || left === 'timespan' ? 'long' : left;
    const rt = right === 'datetime' || right === 'timespan' ? 'long' : right;
    return (l, r) => f(convertValue(l, lt, domain), convertValue(r, rt, domain));
  }
  const domain = common(left, right);
  const cmp: Record<string, (c: number) => boolean> = {
    '==': (c) => c === 0,
    '!=': (c) => c !== 0,
    '<': (c) => c < 0,
    '<=': (c) => c <= 0,
    '>': (c) => c > 0,
    '>=': (c) => c >= 0,
  };
  const c = cmp[op];
  if (c) {
    return (l, r) => {
      if (l === null || r === null) return op === '!=' ? l !== r : false;
      return c(compareValues(domain, convertValue(l, left, domain), convertValue(r, right, domain)));
    };
  }
  const s = stringOp(op);
  if (s) return (l, r) => s(String(l ?? ''), String(r ?? ''));
  throw notSupported(`The operator '${op}'`);
}

const TICKS_PER_DAY = 864_000_000_000n;

function binValue(args: Value[], types: KustoScalarType[]): Value {
  const [v, size] = args;
  if (v === null || size === null) return null;
  if (typeof v === 'bigint') {
    const s = size as bigint;
    const q = v / s;
    return (v < 0n && q * s !== v ? q - 1n : q) * s;
  }
  void types;
  const s = toNumber(size);
  return Math.floor((v as number) / s) * s;
}

/** Scalar functions by lower-case name. */
export const scalarFunctions: ReadonlyMap<string, ScalarFunctionImpl> = new Map<string, ScalarFunctionImpl>([
  ['strlen', (a) => (a[0] === null ? null : BigInt([...String(a[0])].length))],
  ['tostring', (a, t) => (a[0] === null ? '' : (convertValue(a[0], t[0], 'string') as string))],
  ['toupper', (a) => String(a[0]).toUpperCase()],
  ['tolower', (a) => String(a[0]).toLowerCase()],
  ['strcat', (a, t) => a.map((v, i) => (v === null ? '' : convertValue(v, t[i], 'string'))).join('')],
  ['iff', (a, t, r) => convertValue(a[0] === true ? a[1] : a[2], a[0] === true ? t[1] : t[2], r)],
  ['iif', (a, t, r) => convertValue(a[0] === true ? a[1] : a[2], a[0] === true ? t[1] : t[2], r)],
  ['isnull', (a) => a[0] === null],
  ['isnotnull', (a) => a[0] !== null],
  ['isempty', (a) => a[0] === null || a[0] === ''],
  ['not', (a) => (a[0] === null ? null : !a[0])],
  ['bin', binValue],
  ['floor', binValue],
  ['now', (_a, _t, _r, ctx) => ctx.now],
  ['ago', (a, _t, _r, ctx) => (a[0] === null ? null : ctx.now - (a[0] as bigint))],
  ['tolong', (a, t) => convertValue(a[0], t[0], 'long')],
  ['toint', (a, t) => convertValue(a[0], t[0], 'int')],
  ['todouble', (a, t) => convertValue(a[0], t[0], 'real')],
  ['toreal', (a, t) => convertValue(a[0], t[0], 'real')],
  ['array_length', (a) => (Array.isArray(a[0]) ? BigInt(a[0].length) : null)],
  ['pack_array', (a, t) => a.map((v, i) => convertValue(v, t[i], 'dynamic') as DynamicValue)],
  ['startofday', (a) => (a[0] === null ? null : ((a[0] as bigint) / TICKS_PER_DAY) * TICKS_PER_DAY)],
]);
