/**
 * Kusto's `decimal`: exact decimal numbers, computed with decimal.js.
 *
 * The reference says a decimal is a 128-bit decimal number with the representation of .NET's
 * `System.Data.SqlTypes.SqlDecimal`: at most 38 significant digits, values between -(10^38 - 1) and 10^38 - 1.
 * So results carry 38 significant digits, a result that needs more (a quotient such as 1/3, a product of two long
 * fractions) is rounded to 38, halves away from zero (as SqlDecimal rounds and as `round()` is documented), and a
 * result outside the range is refused (BadRequest_NotSupported) rather than a wrong number.
 *
 * A decimal is held as its canonical text (see {@link Value}): plain digits, no exponent, no trailing zeros, `0`
 * never signed. Text compares with `===` and serves as a Map key, survives JSON (the WAL, snapshots, the wire) and
 * needs nothing of the code that moves values without looking at them. Arithmetic parses it into a decimal.js value.
 *
 * @internal
 */
import Decimal from 'decimal.js';
import { notSupported } from '../errors';

/** decimal.js configured as Kusto's decimal: 38 significant digits, halves away from zero, never an exponent. */
export const KustoDecimal = Decimal.clone({
  precision: 38,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

/** A decimal.js value of the Kusto configuration. */
export type DecimalNumber = InstanceType<typeof KustoDecimal>;

const LIMIT = new KustoDecimal('1e38');
const LONG_MIN = new KustoDecimal('-9223372036854775808');
const LONG_MAX = new KustoDecimal('9223372036854775807');
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The canonical text of a decimal.js value; `null` when it lies outside Kusto's decimal range. */
export function decimalTextOrNull(d: DecimalNumber): string | null {
  if (!d.isFinite()) return null;
  // Rounds to the 38 digits a literal or a parsed text may carry beyond.
  const r = d.toSignificantDigits(38);
  if (r.abs().gte(LIMIT)) return null;
  return r.isZero() ? '0' : r.toFixed();
}

/** The canonical text of an arithmetic result; an error naming the operation when it overflows the range. */
export function decimalResult(d: DecimalNumber, what: string): string | null {
  if (d.isNaN()) return null;
  const text = decimalTextOrNull(d);
  if (text === null) {
    // What Kusto answers on overflow is not documented: refused rather than guessed.
    throw notSupported(`A decimal result outside ±(10^38 - 1) (of ${what})`);
  }
  return text;
}

/**
 * A JSON number of ingestion data whose digits a double does not hold (`0.1000000000000000000001`): its text, which a
 * decimal column takes exactly, and its double, which every other column takes.
 */
export class PreciseNumber {
  constructor(
    /** The number's JSON text. */
    readonly text: string,
    /** The nearest double. */
    readonly value: number,
  ) {}
}

/** The number a JSON number's text denotes: a double, or a {@link PreciseNumber} when the double loses digits. */
export function jsonNumber(text: string): number | PreciseNumber {
  const value = Number(text);
  // Up to 15 significant digits always survive a double; beyond, compare the values.
  if (
    text
      .replace(/[eE].*$/, '')
      .replace(/[^\d]/g, '')
      .replace(/^0+/, '').length <= 15
  )
    return value;
  if (!Number.isFinite(value) || !new KustoDecimal(text).eq(new KustoDecimal(String(value)))) {
    return new PreciseNumber(text, value);
  }
  return value;
}

/** A decimal.js value of a held decimal. */
export function toDecimalNumber(text: string): DecimalNumber {
  return new KustoDecimal(text);
}

/**
 * Parses decimal text as Kusto reads a decimal (`1.5`, `-0.25`, `1e5`, `.5`, `+3`), surrounding spaces allowed;
 * `null` for anything else (NaN and infinities have no decimal) or a value outside the range.
 */
export function parseDecimal(text: string): string | null {
  const t = text.trim();
  if (!DECIMAL_TEXT.test(t)) return null;
  return decimalTextOrNull(new KustoDecimal(t));
}

/**
 * A double as a decimal: the double's shortest round-trip digits (so `0.1` is `0.1`, not the binary value's
 * 55 digits); `null` for NaN, infinities and values outside the range.
 */
export function decimalFromNumber(x: number): string | null {
  if (!Number.isFinite(x)) return null;
  return decimalTextOrNull(new KustoDecimal(String(x)));
}

/** A long as a decimal: exact. */
export function decimalFromLong(n: bigint): string {
  return n.toString();
}

/** A decimal as the nearest double. */
export function decimalToNumber(text: string): number {
  return Number(text);
}

/** A decimal truncated toward zero to a long; `null` outside the long range. */
export function decimalToLong(text: string): bigint | null {
  const t = new KustoDecimal(text).trunc();
  return t.lt(LONG_MIN) || t.gt(LONG_MAX) ? null : BigInt(t.toFixed());
}

/** Orders two decimals: negative, zero or positive. */
export function compareDecimals(a: string, b: string): number {
  if (a === b) return 0;
  const x = Number(a);
  const y = Number(b);
  // Doubles decide unless the two values round to the same double.
  if (x !== y) return x < y ? -1 : 1;
  return new KustoDecimal(a).cmp(new KustoDecimal(b));
}

/**
 * A binary arithmetic operator over decimals: `+ - * / %`. Division or modulo by zero is null (as the emulator has
 * always had it for decimal); `%` is never negative, as Kusto's modulo is documented for numbers.
 */
export function decimalArithmetic(op: string): ((a: string, b: string) => string | null) | undefined {
  const what = (a: string, b: string): string => `${a} ${op} ${b}`;
  switch (op) {
    case '+':
      return (a, b) => decimalResult(new KustoDecimal(a).plus(b), what(a, b));
    case '-':
      return (a, b) => decimalResult(new KustoDecimal(a).minus(b), what(a, b));
    case '*':
      return (a, b) => decimalResult(new KustoDecimal(a).times(b), what(a, b));
    case '/':
      return (a, b) => (b === '0' ? null : decimalResult(new KustoDecimal(a).div(b), what(a, b)));
    case '%':
      return (a, b) => {
        if (b === '0') return null;
        const r = new KustoDecimal(a).mod(b);
        return decimalResult(r.isNegative() && !r.isZero() ? r.plus(new KustoDecimal(b).abs()) : r, what(a, b));
      };
    default:
      return undefined;
  }
}

/** `-x` of a decimal. */
export function negateDecimal(text: string): string {
  return text === '0' ? text : text.startsWith('-') ? text.slice(1) : `-${text}`;
}

/** Rounds a decimal to `digits` places after the point (negative: tens, hundreds, …), halves away from zero. */
export function roundDecimal(text: string, digits: number): string | null {
  const d = new KustoDecimal(text);
  if (digits >= 0) return decimalResult(d.toDecimalPlaces(digits, Decimal.ROUND_HALF_UP), `round(${text})`);
  const factor = new KustoDecimal(10).pow(-digits);
  return decimalResult(d.div(factor).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(factor), `round(${text})`);
}
