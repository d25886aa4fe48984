/**
 * Text of numbers (long, int, real), bools and guids: how the emulator reads and writes them, and the ranges of the
 * integer types. decimal, exact, is in decimalValue.ts.
 */

/** Smallest 64-bit value (long, timespan ticks). */
export const MIN_LONG = -(2n ** 63n);
/** Largest 64-bit value. */
export const MAX_LONG = 2n ** 63n - 1n;
/** Smallest 32-bit value (int). */
export const INT32_MIN = -2147483648;
/** Largest 32-bit value. */
export const INT32_MAX = 2147483647;

/** Zero-padded decimal digits of a non-negative integer. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const INTEGER_TEXT = /^[+-]?\d+$/;
/** Decimal or scientific real text, as a KQL real literal writes it (no `NaN` or `inf`). */
export const REAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a 64-bit integer (decimal digits, or `0x` hex); `null` when not an integer in range. */
export function parseLong(text: string): bigint | null {
  const t = text.trim();
  let value: bigint;
  if (INTEGER_TEXT.test(t)) value = BigInt(t);
  else if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t))
    value = t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t.replace(/^\+/, ''));
  else return null;
  return value >= MIN_LONG && value <= MAX_LONG ? value : null;
}

/** Parses a real: decimal or scientific text, `NaN`, `inf`, `Infinity` (signed, any case); `null` otherwise. */
export function parseReal(text: string): number | null {
  const t = text.trim();
  if (REAL_TEXT.test(t)) return Number(t);
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return null;
}

/** Parses a bool: `true` / `false` / `1` / `0`, any case; `null` otherwise. */
export function parseBool(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return null;
}

const GUID_TEXT = /^([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})/;

/**
 * Parses a guid: 32 hex digits with or without hyphens at the standard places, optionally in `{}` or `()`.
 * With `prefix`, trailing text is ignored (as `toguid()` does). Returns the lower-case canonical form or `null`.
 */
export function parseGuid(text: string, prefix = false): string | null {
  let t = text.trim();
  if (/^\{.*\}$|^\(.*\)$/.test(t)) t = t.slice(1, -1);
  const m = GUID_TEXT.exec(t);
  if (!m || (!prefix && m[0].length !== t.length)) return null;
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
}

/** Digits and decimal exponent of a finite non-zero double's shortest round-trip form. */
function shortestDigits(x: number): { digits: string; exponent: number } {
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exp) };
}

/**
 * Text of a real as Kusto writes it (.NET's shortest round-trip form): `1`, `0.1`, `1E+15`, `1E-05`,
 * `NaN`, `Infinity`, `-Infinity`.
 */
export function formatReal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { digits, exponent } = shortestDigits(x);
  if (exponent >= 15 || exponent <= -5) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = `${exponent < 0 ? '-' : '+'}${pad(Math.abs(exponent), 2)}`;
    return `${x < 0 ? '-' : ''}${mantissa}E${e}`;
  }
  return String(x);
}
