import { notSupported } from '../../errors';
import { type DynamicValue, type KustoScalarType, NUMERIC_TYPES, type Value } from '../../model';
import { isValidDatetime, UNIX_EPOCH_DOTNET_TICKS } from '../../values/calendar';
import { compareDecimals, decimalArithmetic, negateDecimal } from '../../values/decimalValue';
import { argString, convertValue } from './conversion';
import { kustoRegex } from './regex';

type Binary = (l: Value, r: Value) => Value;

function isTermChar(code: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(code));
}

/**
 * Whether `needle` occurs in `haystack` as whole terms (`has`), as a term prefix (`hasprefix`) or a term
 * suffix (`hassuffix`). Terms are maximal runs of letters and digits; a needle that itself holds several
 * terms (`"ad67d136-c1db"`) must match at term boundaries at its ends.
 */
export function hasTerm(
  haystack: string,
  needle: string,
  caseSensitive: boolean,
  mode: 'whole' | 'prefix' | 'suffix' = 'whole',
): boolean {
  if (needle === '') return true;
  const h = caseSensitive ? haystack : haystack.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  const checkStart = mode !== 'suffix' && isTermChar(n.charCodeAt(0));
  const checkEnd = mode !== 'prefix' && isTermChar(n.charCodeAt(n.length - 1));
  // Bounded by the haystack's length: each iteration moves `from` forward.
  for (let from = 0; from <= h.length - n.length;) {
    const at = h.indexOf(n, from);
    if (at < 0) return false;
    const end = at + n.length;
    const startOk = !checkStart || at === 0 || !isTermChar(h.charCodeAt(at - 1));
    const endOk = !checkEnd || end === h.length || !isTermChar(h.charCodeAt(end));
    if (startOk && endOk) return true;
    from = at + 1;
  }
  return false;
}

const lower = (s: string): string => s.toLowerCase();

/** String predicates by operator name (without negation); case-insensitive ones fold case first. */
const STRING_PREDICATES: Record<string, (l: string, r: string) => boolean> = {
  '=~': (l, r) => l === r || lower(l) === lower(r),
  has: (l, r) => hasTerm(l, r, false),
  has_cs: (l, r) => hasTerm(l, r, true),
  hasprefix: (l, r) => hasTerm(l, r, false, 'prefix'),
  hasprefix_cs: (l, r) => hasTerm(l, r, true, 'prefix'),
  hassuffix: (l, r) => hasTerm(l, r, false, 'suffix'),
  hassuffix_cs: (l, r) => hasTerm(l, r, true, 'suffix'),
  contains: (l, r) => lower(l).includes(lower(r)),
  contains_cs: (l, r) => l.includes(r),
  startswith: (l, r) => lower(l).startsWith(lower(r)),
  startswith_cs: (l, r) => l.startsWith(r),
  endswith: (l, r) => lower(l).endsWith(lower(r)),
  endswith_cs: (l, r) => l.endsWith(r),
  'matches regex': (l, r) => kustoRegex(r).test(l),
};

function stringOperator(op: string, left: KustoScalarType, right: KustoScalarType): Binary | undefined {
  const negated = op.startsWith('!');
  const name = op === '!~' ? '=~' : negated ? op.slice(1) : op;
  const predicate = STRING_PREDICATES[name];
  if (predicate === undefined) return undefined;
  return (l, r) => {
    const result = predicate(argString(l, left), argString(r, right));
    return negated ? !result : result;
  };
}

/** The type two operands are compared in: the shared type, the non-dynamic / non-string side, or a number type. */
function comparisonType(left: KustoScalarType, right: KustoScalarType): KustoScalarType {
  if (left === right) return left;
  // A number inside a dynamic may have a fraction: compare it as real, not truncated to the other side's long.
  if (left === 'dynamic') return NUMERIC_TYPES.has(right) ? 'real' : right;
  if (right === 'dynamic') return NUMERIC_TYPES.has(left) ? 'real' : left;
  if (NUMERIC_TYPES.has(left) && NUMERIC_TYPES.has(right)) {
    // decimal with int or long compares exactly as decimal; with real, as real (the operands' shared type).
    if (left === 'real' || right === 'real') return 'real';
    return left === 'decimal' || right === 'decimal' ? 'decimal' : 'long';
  }
  if (left === 'string') return right;
  if (right === 'string') return left;
  if ((left === 'bool' && NUMERIC_TYPES.has(right)) || (right === 'bool' && NUMERIC_TYPES.has(left))) return 'real';
  return 'string';
}

function converter(from: KustoScalarType, to: KustoScalarType): (v: Value) => Value {
  return from === to ? (v) => v : (v) => convertValue(v, from, to);
}

function orderOf(type: KustoScalarType, a: Value, b: Value): number | null {
  switch (type) {
    case 'decimal':
      return compareDecimals(a as string, b as string);
    case 'int':
    case 'real': {
      const x = a as number;
      const y = b as number;
      // NaN compares false with everything, as IEEE (and Kusto's operators) have it.
      if (Number.isNaN(x) || Number.isNaN(y)) return null;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'dynamic': {
      if (typeof a === 'number' && typeof b === 'number') return orderOf('real', a, b);
      if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
      if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
      return null;
    }
    default:
      return compareValues(type, a, b);
  }
}

function equalityOperator(op: '==' | '!=', left: KustoScalarType, right: KustoScalarType): Binary {
  const type = comparisonType(left, right);
  const cl = converter(left, type);
  const cr = converter(right, type);
  const negate = op === '!=';
  return (l, r) => {
    const a = cl(l);
    const b = cr(r);
    // Kusto: null == null is null; null == value is false (and != is true).
    if (a === null && b === null) return null;
    if (a === null || b === null) return negate;
    let equal: boolean;
    if (type === 'real' || type === 'int' || type === 'decimal') equal = a === b;
    else equal = valuesEqual(type, a, b);
    return negate ? !equal : equal;
  };
}

function orderingOperator(op: string, left: KustoScalarType, right: KustoScalarType): Binary {
  const type = comparisonType(left, right);
  const cl = converter(left, type);
  const cr = converter(right, type);
  const test: (c: number) => boolean =
    op === '<' ? (c) => c < 0 : op === '<=' ? (c) => c <= 0 : op === '>' ? (c) => c > 0 : (c) => c >= 0;
  return (l, r) => {
    const a = cl(l);
    const b = cr(r);
    if (a === null || b === null) return null;
    const c = orderOf(type, a, b);
    return c === null ? false : test(c);
  };
}

/** Kusto's modulo: always a small non-negative number, 0 ≤ N % D < |D|. */
function modLong(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + (b < 0n ? -b : b) : r;
}

function modReal(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + Math.abs(b) : r;
}

const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function longArithmetic(op: string): ((a: bigint, b: bigint) => bigint | null) | undefined {
  switch (op) {
    case '+':
      return (a, b) => wrap64(a + b);
    case '-':
      return (a, b) => wrap64(a - b);
    case '*':
      return (a, b) => wrap64(a * b);
    case '/':
      // Integer division truncates; division by zero is null.
      return (a, b) => (b === 0n ? null : wrap64(a / b));
    case '%':
      return (a, b) => (b === 0n ? null : modLong(a, b));
    default:
      return undefined;
  }
}

function realArithmetic(op: string): ((a: number, b: number) => number | null) | undefined {
  switch (op) {
    case '+':
      return (a, b) => a + b;
    case '-':
      return (a, b) => a - b;
    case '*':
      return (a, b) => a * b;
    case '/':
      // real follows IEEE (1.0/0 is +inf).
      return (a, b) => a / b;
    case '%':
      return modReal;
    default:
      return undefined;
  }
}

function nullable<A, B>(f: (a: A, b: B) => Value, ca: (v: Value) => Value, cb: (v: Value) => Value): Binary {
  return (l, r) => {
    const a = ca(l);
    const b = cb(r);
    return a === null || b === null ? null : f(a as A, b as B);
  };
}

function datetimeResult(ticks: bigint): bigint | null {
  return isValidDatetime(ticks) ? ticks : null;
}

function timeArithmetic(
  op: string,
  left: KustoScalarType,
  right: KustoScalarType,
  result: KustoScalarType,
): Binary | undefined {
  const isTime = (t: KustoScalarType): boolean => t === 'timespan' || t === 'datetime';
  if (!isTime(left) && !isTime(right)) return undefined;
  const id = (v: Value): Value => v;
  if (result === 'datetime') {
    if (op === '+' && left === 'datetime')
      return nullable((a: bigint, b: bigint) => datetimeResult(a + b), id, converter(right, 'timespan'));
    if (op === '+' && right === 'datetime')
      return nullable((a: bigint, b: bigint) => datetimeResult(a + b), converter(left, 'timespan'), id);
    if (op === '-' && left === 'datetime')
      return nullable((a: bigint, b: bigint) => datetimeResult(a - b), id, converter(right, 'timespan'));
    return undefined;
  }
  if (result === 'timespan') {
    if (left === 'datetime' && right === 'datetime' && op === '-')
      return nullable((a: bigint, b: bigint) => wrap64(a - b), id, id);
    if (left === 'datetime' && op === '%') {
      // Remainder of the datetime's .NET ticks, so `now() % 1h` is the time past the hour.
      return nullable(
        (a: bigint, b: bigint) => (b === 0n ? null : modLong(a + UNIX_EPOCH_DOTNET_TICKS, b)),
        id,
        converter(right, 'timespan'),
      );
    }
    if (left === 'timespan' && right === 'timespan') {
      const f = longArithmetic(op);
      return f && nullable(f, id, id);
    }
    const spanLeft = left === 'timespan';
    const otherType = spanLeft ? right : left;
    if (op === '*' || (op === '/' && spanLeft) || (op === '%' && spanLeft)) {
      if (otherType === 'int' || otherType === 'long' || otherType === 'bool' || otherType === 'dynamic') {
        const f = longArithmetic(op);
        const co = converter(otherType, 'long');
        if (f === undefined) return undefined;
        return spanLeft ? nullable(f, id, co) : nullable(f, co, id);
      }
      const co = converter(otherType, 'real');
      const scale = (ticks: bigint, n: number): Value => {
        const v = op === '*' ? Number(ticks) * n : op === '/' ? Number(ticks) / n : modReal(Number(ticks), n);
        return Number.isFinite(v) ? wrap64(BigInt(Math.round(v))) : null;
      };
      return spanLeft ? nullable(scale, id, co) : nullable((n: number, t: bigint) => scale(t, n), co, id);
    }
    return undefined;
  }
  if ((result === 'real' || result === 'long') && left === 'timespan' && right === 'timespan' && op === '/') {
    return nullable(
      (a: bigint, b: bigint) => (result === 'real' ? Number(a) / Number(b) : b === 0n ? null : a / b),
      id,
      id,
    );
  }
  return undefined;
}

/**
 * Datetime / timespan arithmetic with a dynamic operand: the dynamic side plays the role the other side and
 * the result call for (`datetime - dynamic` giving timespan reads the dynamic as a datetime).
 */
function dynamicTimeArithmetic(
  op: string,
  left: KustoScalarType,
  right: KustoScalarType,
  result: KustoScalarType,
): Binary | undefined {
  const other = left === 'dynamic' ? right : left;
  if ((left === 'dynamic') === (right === 'dynamic') || (other !== 'datetime' && other !== 'timespan'))
    return undefined;
  const role: KustoScalarType =
    result === 'timespan' && other === 'datetime' && op === '-'
      ? 'datetime'
      : result === 'datetime' && other === 'timespan'
        ? 'datetime'
        : 'timespan';
  const l = left === 'dynamic' ? role : left;
  const r = right === 'dynamic' ? role : right;
  const inner = timeArithmetic(op, l, r, result);
  if (inner === undefined) return undefined;
  const cl = converter(left, l);
  const cr = converter(right, r);
  return (a, b) => inner(cl(a), cr(b));
}

function numericArithmetic(
  op: string,
  left: KustoScalarType,
  right: KustoScalarType,
  result: KustoScalarType,
): Binary | undefined {
  if (result === 'long' || result === 'int') {
    const f = longArithmetic(op);
    if (f === undefined) return undefined;
    const g = nullable(f, converter(left, 'long'), converter(right, 'long'));
    return result === 'long'
      ? g
      : (l, r) => {
          const v = g(l, r);
          return v === null ? null : Number(BigInt.asIntN(32, v as bigint));
        };
  }
  if (result === 'decimal') {
    const f = decimalArithmetic(op);
    return f && nullable(f, converter(left, 'decimal'), converter(right, 'decimal'));
  }
  if (result === 'real') {
    const f = realArithmetic(op);
    return f && nullable(f, converter(left, 'real'), converter(right, 'real'));
  }
  if (result === 'dynamic') {
    // dynamic arithmetic: integers stay integral (division truncates), anything else is real.
    const f = realArithmetic(op);
    if (f === undefined) return undefined;
    const cl = converter(left, 'real');
    const cr = converter(right, 'real');
    return (l, r) => {
      const a = cl(l) as number | null;
      const b = cr(r) as number | null;
      if (a === null || b === null) return null;
      if (Number.isInteger(a) && Number.isInteger(b) && (op === '/' || op === '%')) {
        if (b === 0) return null;
        return op === '/' ? Math.trunc(a / b) : modReal(a, b);
      }
      return f(a, b);
    };
  }
  return undefined;
}

function logicalOperator(op: 'and' | 'or', left: KustoScalarType, right: KustoScalarType): Binary {
  const cl = converter(left, 'bool');
  const cr = converter(right, 'bool');
  // Three-valued logic: false and null is false, true or null is true, otherwise null is sticky.
  return op === 'and'
    ? (l, r) => {
        const a = cl(l);
        const b = cr(r);
        if (a === false || b === false) return false;
        return a === null || b === null ? null : true;
      }
    : (l, r) => {
        const a = cl(l);
        const b = cr(r);
        if (a === true || b === true) return true;
        return a === null || b === null ? null : false;
      };
}

/**
 * A binary operator for operand and result types taken from Kusto.Language's analysis, resolved once and
 * returned as a closure. Operators as spelled in KQL: `+ - * / %`, `== != < <= > >=`, `=~ !~`, `and or`,
 * `has`, `contains`, `startswith`, `endswith`, `hasprefix`, `hassuffix` (each with `!` and `_cs` variants),
 * `matches regex`.
 *
 * Semantics (per the Kusto docs): a null operand gives null, except `==` / `!=` with exactly one null
 * (false / true) and `and` / `or` with a deciding false / true; long arithmetic wraps at 64 bits, integer
 * division truncates and a zero divisor gives null; real follows IEEE; `%` is never negative; datetime ±
 * timespan, datetime − datetime, timespan × number, timespan / timespan (real) are supported. Operands are
 * converted to the result type first (`1 + 2.5` computes in real).
 */
export function binaryOperator(
  op: string,
  left: KustoScalarType,
  right: KustoScalarType,
  result: KustoScalarType,
): Binary {
  const normalized = op.trim().replace(/\s+/g, ' ');
  let impl: Binary | undefined;
  switch (normalized) {
    case '==':
    case '!=':
      impl = equalityOperator(normalized, left, right);
      break;
    case '<':
    case '<=':
    case '>':
    case '>=':
      impl = orderingOperator(normalized, left, right);
      break;
    case 'and':
    case 'or':
      impl = logicalOperator(normalized, left, right);
      break;
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      impl =
        timeArithmetic(normalized, left, right, result) ??
        dynamicTimeArithmetic(normalized, left, right, result) ??
        numericArithmetic(normalized, left, right, result);
      break;
    default:
      impl = stringOperator(normalized.toLowerCase(), left, right);
  }
  if (impl === undefined) throw notSupported(`The operator '${op}' on ${left} and ${right} (giving ${result})`);
  return impl;
}

/** A unary operator: `-` / `+` (numbers, timespan) and `not` / `!` (bool, null stays null). */
export function unaryOperator(op: string, operand: KustoScalarType, result: KustoScalarType): (v: Value) => Value {
  const c = converter(operand, result);
  switch (op.trim()) {
    case '+':
      return c;
    case '-':
      return (v) => {
        const x = c(v);
        if (x === null) return null;
        if (typeof x === 'bigint') return wrap64(-x);
        if (result === 'decimal') return negateDecimal(x as string);
        if (result === 'int') return -(x as number) | 0;
        return -(x as number);
      };
    case 'not':
    case '!': {
      const b = converter(operand, 'bool');
      return (v) => {
        const x = b(v);
        return x === null ? null : !x;
      };
    }
    default:
      throw notSupported(`The unary operator '${op}'`);
  }
}

function dynamicRank(d: DynamicValue): number {
  if (d === null) return 0;
  if (typeof d === 'boolean') return 1;
  if (typeof d === 'number') return 2;
  if (typeof d === 'string') return 3;
  return Array.isArray(d) ? 4 : 5;
}

/**
 * A total order for sorting, min / max and arg_max: nulls first, then (for real) NaN, then values in their
 * natural order (strings ordinal, case-sensitive; bool false < true; dynamic by kind, then value).
 */
export function compareValues(type: KustoScalarType, a: Value, b: Value): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
  switch (type) {
    case 'decimal':
      return compareDecimals(a as string, b as string);
    case 'int':
    case 'real': {
      const x = a as number;
      const y = b as number;
      const nx = Number.isNaN(x);
      const ny = Number.isNaN(y);
      if (nx || ny) return nx ? (ny ? 0 : -1) : 1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'bool':
      return Number(a) - Number(b);
    case 'dynamic': {
      const ra = dynamicRank(a as DynamicValue);
      const rb = dynamicRank(b as DynamicValue);
      if (ra !== rb) return ra - rb;
      if (ra === 2) return compareValues('real', a, b);
      if (ra === 1) return Number(a) - Number(b);
      if (ra === 3) return a < b ? -1 : a > b ? 1 : 0;
      const ja = canonicalJson(a as DynamicValue);
      const jb = canonicalJson(b as DynamicValue);
      return ja < jb ? -1 : ja > jb ? 1 : 0;
    }
    default:
      return a < b ? -1 : a > b ? 1 : 0;
  }
}

function canonicalJson(d: DynamicValue): string {
  if (d === null || typeof d !== 'object') return JSON.stringify(d);
  if (Array.isArray(d)) return `[${d.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(d).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(d[k])}`).join(',')}}`;
}

/**
 * Equality for grouping, distinct, join keys and `in`: null equals null, NaN equals NaN, dynamic values
 * compare deeply (property order ignored).
 */
export function valuesEqual(type: KustoScalarType, a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (type === 'real' || type === 'int') {
    return a === b || (Number.isNaN(a as number) && Number.isNaN(b as number));
  }
  if (type === 'dynamic') {
    if (typeof a !== 'object' || typeof b !== 'object') {
      return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
    }
    return canonicalJson(a as DynamicValue) === canonicalJson(b as DynamicValue);
  }
  return a === b;
}

/** A Map key for a value: two values get the same key exactly when {@link valuesEqual} holds. */
export function hashKey(type: KustoScalarType, v: Value): string | number | boolean | null {
  if (v === null) return null;
  switch (type) {
    case 'long':
    case 'datetime':
    case 'timespan': {
      const n = v as bigint;
      return n >= -9_007_199_254_740_991n && n <= 9_007_199_254_740_991n ? Number(n) : n.toString();
    }
    case 'decimal':
      // The canonical text: equal decimals have equal text.
      return v as string;
    case 'int':
    case 'real':
      // Map keys use SameValueZero: NaN matches NaN and -0 matches 0, as valuesEqual has it.
      return v as number;
    case 'dynamic':
      // Prefixes keep a dynamic string apart from an object whose JSON text it spells.
      if (typeof v === 'object') return `j:${canonicalJson(v as DynamicValue)}`;
      return typeof v === 'string' ? `s:${v}` : (v as number | boolean);
    default:
      return v as string | boolean;
  }
}
