/**
 * Values of KQL literals (`42`, `int(7)`, `real(nan)`, `datetime(2024-01-02 03:04:05.1234567)`, `1.5h`,
 * `time(1.02:03:04)`, `guid(…)`, `dynamic({…})`, `long(null)`, …) in the emulator's in-memory forms.
 *
 * Kusto.Language parses literals but its JavaScript build loses precision (datetimes to the millisecond) and returns
 * 0 for some forms (`real(nan)`, `0x1F`, `time(1.02:03:04)`), so the text of the token is converted here.
 */
import type { DynamicValue, Value } from '../model';
import { syntaxError } from '../errors';
import { kindOf, elements, textOf, type KNode } from './language';

/** 100-nanosecond ticks per unit, for timespan literals. */
const UNIT_TICKS: Record<string, bigint> = {
  d: 864_000_000_000n,
  day: 864_000_000_000n,
  days: 864_000_000_000n,
  h: 36_000_000_000n,
  hr: 36_000_000_000n,
  hrs: 36_000_000_000n,
  hour: 36_000_000_000n,
  hours: 36_000_000_000n,
  m: 600_000_000n,
  min: 600_000_000n,
  minute: 600_000_000n,
  minutes: 600_000_000n,
  s: 10_000_000n,
  sec: 10_000_000n,
  second: 10_000_000n,
  seconds: 10_000_000n,
  ms: 10_000n,
  milli: 10_000n,
  millis: 10_000n,
  millisecond: 10_000n,
  milliseconds: 10_000n,
  microsecond: 10n,
  microseconds: 10n,
  tick: 1n,
  ticks: 1n,
};

/** Ticks in one day. */
export const TICKS_PER_DAY = 864_000_000_000n;

/** Multiplies a decimal number text by a tick count exactly (no floating point). */
function scaleDecimal(text: string, unit: bigint): bigint {
  const [whole, frac = ''] = text.split('.');
  const scale = 10n ** BigInt(frac.length);
  const n = BigInt(whole || '0') * scale + BigInt(frac || '0');
  const product = n * unit;
  // Round half away from zero to the nearest tick, as .NET's TimeSpan does for fractional units.
  return (product + scale / 2n) / scale;
}

/**
 * Parses timespan text: `1.5h`, `30 seconds`, `[-][d.]hh:mm[:ss[.fffffff]]`, or a number of days.
 * Returns undefined when the text is none of these.
 */
export function parseTimespanText(text: string): bigint | undefined {
  const t = text.trim();
  let m = /^([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)$/i.exec(t);
  if (m) {
    const unit = UNIT_TICKS[m[3].toLowerCase()];
    if (unit === undefined) return undefined;
    const v = scaleDecimal(m[2], unit);
    return m[1] === '-' ? -v : v;
  }
  m = /^([+-]?)(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (m) {
    const [, sign, d, h, mi, s, f] = m;
    const v =
      BigInt(d ?? 0) * TICKS_PER_DAY +
      BigInt(h) * 36_000_000_000n +
      BigInt(mi) * 600_000_000n +
      BigInt(s ?? 0) * 10_000_000n +
      BigInt((f ?? '').padEnd(7, '0'));
    return sign === '-' ? -v : v;
  }
  m = /^([+-]?)(\d+(?:\.\d+)?)$/.exec(t);
  if (m) {
    const v = scaleDecimal(m[2], TICKS_PER_DAY);
    return m[1] === '-' ? -v : v;
  }
  return undefined;
}

/**
 * Parses datetime text: ISO 8601 (`2024-01-02`, `2024-01-02 03:04`, `2024-01-02T03:04:05.1234567Z`, with an optional
 * UTC offset) exactly to the tick, and other forms JavaScript's Date understands (RFC 822/850) to the millisecond.
 * Returns undefined when the text is not a datetime.
 */
export function parseDatetimeText(text: string): bigint | undefined {
  const t = text.trim();
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      t,
    );
  if (m) {
    const [, y, mo, d, h, mi, s, f, zone] = m;
    // Date.UTC maps years 0-99 to 1900-1999; Kusto's range starts at year 1 but such dates are not worth the quirk.
    if (Number(y) < 100) return undefined;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    if (Number.isNaN(ms)) return undefined;
    const check = new Date(ms);
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
    let ticks = BigInt(ms) * 10_000n + BigInt((f ?? '').slice(0, 7).padEnd(7, '0'));
    if (zone && zone.toUpperCase() !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
      if (z) {
        const offset = (BigInt(z[2]) * 60n + BigInt(z[3])) * 600_000_000n;
        ticks = z[1] === '+' ? ticks - offset : ticks + offset;
      }
    }
    return ticks;
  }
  // Other forms are read as UTC when they name no zone (JavaScript would read them in local time).
  const zoned = /(GMT|UTC|Z|[+-]\d{2}:?\d{2})$/i.test(t);
  const ms = Date.parse(zoned ? t : `${t} UTC`);
  return Number.isNaN(ms) ? undefined : BigInt(ms) * 10_000n;
}

/** The text between `name(` and `)`, or the whole text when it has no such wrapper. */
function inner(text: string): string {
  const m = /^[A-Za-z_]+\s*\(([\s\S]*)\)$/.exec(text.trim());
  return m ? m[1].trim() : text.trim();
}

function isNullText(text: string): boolean {
  return text.toLowerCase() === 'null';
}

function bad(kind: string, text: string): never {
  throw syntaxError(`Syntax error: the ${kind} literal '${text}' is not valid.`);
}

function parseRealText(t: string): number | undefined {
  const l = t.toLowerCase();
  if (l === 'nan') return NaN;
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  return Number(t);
}

function parseLongText(t: string): bigint | undefined {
  if (/^[+-]?\d+$/.test(t)) return BigInt(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt.asIntN(64, BigInt(t));
  return undefined;
}

/**
 * The value of a literal expression node (any `*LiteralExpression` kind, `DynamicExpression`), or undefined when the
 * node is not a literal.
 */
export function literalValue(node: KNode): Value | undefined {
  const kind = kindOf(node);
  switch (kind) {
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return String(node.LiteralValue ?? '');
    case 'NullLiteralExpression':
      return null;
    case 'BooleanLiteralExpression': {
      const t = inner(textOf(node)).toLowerCase();
      if (isNullText(t)) return null;
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return bad('bool', textOf(node));
    }
    case 'IntLiteralExpression':
    case 'LongLiteralExpression': {
      const text = textOf(node);
      const t = inner(text);
      if (isNullText(t)) return null;
      const v = parseLongText(t);
      if (v === undefined) return bad(kind === 'IntLiteralExpression' ? 'int' : 'long', text);
      return kind === 'IntLiteralExpression' ? Number(BigInt.asIntN(32, v)) : BigInt.asIntN(64, v);
    }
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression': {
      const text = textOf(node);
      const t = inner(text);
      if (isNullText(t)) return null;
      const v = parseRealText(t);
      if (v === undefined) return bad(kind === 'RealLiteralExpression' ? 'real' : 'decimal', text);
      return v;
    }
    case 'DateTimeLiteralExpression': {
      const text = textOf(node);
      let t = inner(text);
      if (isNullText(t)) return null;
      if (/^(['"]).*\1$/s.test(t)) t = t.slice(1, -1);
      const v = parseDatetimeText(t);
      return v === undefined ? bad('datetime', text) : v;
    }
    case 'TimespanLiteralExpression': {
      const text = textOf(node);
      const t = inner(text);
      if (isNullText(t)) return null;
      const v = parseTimespanText(t);
      return v === undefined ? bad('timespan', text) : v;
    }
    case 'GuidLiteralExpression': {
      const text = textOf(node);
      const t = inner(text);
      if (isNullText(t)) return null;
      if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(t)) return bad('guid', text);
      const h = t.replace(/-/g, '').toLowerCase();
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'DynamicExpression':
      return node.Expression ? (dynamicOf(node.Expression) as Value) : null;
    default:
      return undefined;
  }
}

/** The JSON value of a dynamic literal's content (`{…}`, `[…]`, or a scalar literal). */
function dynamicOf(node: KNode): DynamicValue {
  const kind = kindOf(node);
  if (kind === 'JsonObjectExpression') {
    const out: { [key: string]: DynamicValue } = {};
    for (const pair of elements(node.Pairs)) {
      const name = pair.Name as KNode;
      const key = String((name as unknown as { ValueText: string }).ValueText ?? name.Text);
      out[key] = pair.Value ? dynamicOf(pair.Value) : null;
    }
    return out;
  }
  if (kind === 'JsonArrayExpression') return elements(node.Values).map(dynamicOf);
  if (kind === 'ParenthesizedExpression' && node.Expression) return dynamicOf(node.Expression);
  if (kind === 'UnaryMinusExpression' && node.Expression) {
    const v = dynamicOf(node.Expression);
    return typeof v === 'number' ? -v : v;
  }
  const v = literalValue(node);
  if (v === undefined) throw syntaxError(`Syntax error: '${textOf(node)}' is not allowed in a dynamic literal.`);
  if (typeof v === 'bigint') {
    if (kind === 'DateTimeLiteralExpression') return ticksToIso(v);
    if (kind === 'TimespanLiteralExpression') return ticksToTimespanText(v);
    return Number(v);
  }
  return v as DynamicValue;
}

/** ISO 8601 text of a datetime in ticks, with seven fractional digits (`2024-01-02T03:04:05.1234567Z`). */
export function ticksToIso(ticks: bigint): string {
  const rem = ((ticks % 10_000_000n) + 10_000_000n) % 10_000_000n;
  const base = new Date(Number((ticks - rem) / 10_000n));
  return `${base.toISOString().slice(0, 19)}.${rem.toString().padStart(7, '0')}Z`;
}

/** Kusto's text of a timespan (`[-][d.]hh:mm:ss[.fffffff]`). */
export function ticksToTimespanText(ticks: bigint): string {
  const neg = ticks < 0n;
  let t = neg ? -ticks : ticks;
  const days = t / TICKS_PER_DAY;
  t %= TICKS_PER_DAY;
  const h = t / 36_000_000_000n;
  t %= 36_000_000_000n;
  const m = t / 600_000_000n;
  t %= 600_000_000n;
  const s = t / 10_000_000n;
  const f = t % 10_000_000n;
  const two = (x: bigint): string => x.toString().padStart(2, '0');
  return `${neg ? '-' : ''}${days > 0n ? `${days}.` : ''}${two(h)}:${two(m)}:${two(s)}${f > 0n ? `.${f.toString().padStart(7, '0')}` : ''}`;
}
