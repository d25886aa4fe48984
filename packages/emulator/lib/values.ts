/**
 * Conversions of Kusto scalar values between their in-memory form (see model.ts) and text / JSON.
 *
 * CONTRACT (owned by the scalar-values part; used by the KQL engine, ingestion and the REST protocol):
 * - `parseParameterValue`, `fromText`, `fromJson` read values and throw a {@link KustoEmulatorError} naming
 *   the type and the value when they do not convert;
 * - `toJson`, `toText` write values as Kusto's REST API and `tostring()` do;
 * - the datetime / timespan / number / guid / dynamic helpers below are shared with the KQL engine.
 *
 * Deviations from Kusto, chosen for the emulator:
 * - decimal is held as a double, so it carries about 15 significant digits, not 28;
 * - numbers inside `dynamic` are JavaScript numbers: integers beyond 2^53 lose precision there;
 * - datetime text with more than 7 fractional digits is truncated to 7 (100-ns ticks).
 */
import { KustoEmulatorError } from './errors';
import { scalarTypeOf } from './typeNames';
import type { DynamicValue, KustoScalarType, Value } from './model';

/** 100-nanosecond ticks in one microsecond. */
export const TICKS_PER_MICROSECOND = 10n;
/** Ticks in one millisecond. */
export const TICKS_PER_MILLISECOND = 10_000n;
/** Ticks in one second. */
export const TICKS_PER_SECOND = 10_000_000n;
/** Ticks in one minute. */
export const TICKS_PER_MINUTE = 600_000_000n;
/** Ticks in one hour. */
export const TICKS_PER_HOUR = 36_000_000_000n;
/** Ticks in one day. */
export const TICKS_PER_DAY = 864_000_000_000n;
/** .NET ticks (since 0001-01-01) of the Unix epoch: what `tolong(datetime)` adds to our 1970-based ticks. */
export const UNIX_EPOCH_DOTNET_TICKS = 621_355_968_000_000_000n;
/** Smallest datetime Kusto holds (0001-01-01T00:00:00Z), in ticks since 1970. */
export const MIN_DATETIME_TICKS = -UNIX_EPOCH_DOTNET_TICKS;
/** Largest datetime Kusto holds (9999-12-31T23:59:59.9999999Z), in ticks since 1970. */
export const MAX_DATETIME_TICKS = BigInt(daysFromCivil(10000, 1, 1)) * TICKS_PER_DAY - 1n;
/** Smallest and largest 64-bit values (long, timespan ticks). */
export const MIN_LONG = -(2n ** 63n);
/** Largest 64-bit value. */
export const MAX_LONG = 2n ** 63n - 1n;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

// Calendar arithmetic (proleptic Gregorian, days since 1970-01-01), after Howard Hinnant's civil-date algorithms.

/** Days since 1970-01-01 of a civil date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date `[year, month (1-12), day]` of a day count since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** Whether `year` is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (1-12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Floor division of bigints (rounds toward negative infinity, unlike `/`). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The calendar fields of a datetime. */
export interface DateTimeParts {
  /** Year, 1-9999. */
  year: number;
  /** Month, 1-12. */
  month: number;
  /** Day of month, 1-31. */
  day: number;
  /** Hour, 0-23. */
  hour: number;
  /** Minute, 0-59. */
  minute: number;
  /** Second, 0-59. */
  second: number;
  /** Ticks within the second, 0-9999999. */
  fraction: number;
  /** Days since 1970-01-01 (of the date part). */
  days: number;
  /** Day of week, 0 = Sunday. */
  dayOfWeek: number;
}

/** Splits datetime ticks (since 1970) into calendar fields. */
export function datetimeParts(ticks: bigint): DateTimeParts {
  const dayIndex = floorDiv(ticks, TICKS_PER_DAY);
  const ofDay = Number(ticks - dayIndex * TICKS_PER_DAY);
  const days = Number(dayIndex);
  const [year, month, day] = civilFromDays(days);
  const seconds = Math.floor(ofDay / 10_000_000);
  return {
    year,
    month,
    day,
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    fraction: ofDay % 10_000_000,
    days,
    // 1970-01-01 was a Thursday.
    dayOfWeek: (((days + 4) % 7) + 7) % 7,
  };
}

/**
 * Datetime ticks of calendar fields; `null` when a field is out of range or the result is outside
 * 0001-01-01 .. 9999-12-31.
 */
export function datetimeFromParts(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  fraction = 0,
): bigint | null {
  if (![year, month, day, hour, minute, second, fraction].every(Number.isInteger)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  if (fraction < 0 || fraction > 9_999_999) return null;
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86400n + BigInt(hour * 3600 + minute * 60 + second);
  return seconds * TICKS_PER_SECOND + BigInt(fraction);
}

/** Whether datetime ticks are within Kusto's range. */
export function isValidDatetime(ticks: bigint): boolean {
  return ticks >= MIN_DATETIME_TICKS && ticks <= MAX_DATETIME_TICKS;
}

// datetime text

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME_PART = String.raw`(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?(?:\s*([AaPp][Mm]))?`;
const ZONE_PART = String.raw`(Z|UTC|GMT|UT|[+-]\d{1,2}(?::?\d{2})?)`;
const ISO_DATETIME = new RegExp(
  String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)${TIME_PART})?\s*${ZONE_PART}?$`,
  'i',
);
const US_DATETIME = new RegExp(
  String.raw`^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?:(?:T|\s+)${TIME_PART})?\s*${ZONE_PART}?$`,
  'i',
);
const RFC_DATETIME = new RegExp(
  String.raw`^(?:[A-Za-z]+,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,})[\s-]+(\d{4}|\d{2})(?:\s+${TIME_PART})?\s*${ZONE_PART}?$`,
  'i',
);
const COMMA_DATETIME = /^(\d{4}),\s*(\d{1,2}),\s*(\d{1,2})(?:,\s*(\d{1,2}),\s*(\d{1,2})(?:,\s*(\d{1,2}))?)?$/;

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined) return 0;
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT' || upper === 'UT') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function fractionTicks(digits: string | undefined): number {
  if (!digits) return 0;
  return Number(digits.slice(0, 7).padEnd(7, '0'));
}

function twoDigitYear(text: string): number {
  if (text.length === 4) return Number(text);
  // .NET's default two-digit year window (TwoDigitYearMax = 2049).
  const yy = Number(text);
  return yy <= 49 ? 2000 + yy : 1900 + yy;
}

function assembleDatetime(
  year: number,
  month: number,
  day: number,
  time: (string | undefined)[],
  zone: string | undefined,
): bigint | null {
  const [h, mi, s, frac, ampm] = time;
  let hour = h === undefined ? 0 : Number(h);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
  }
  const base = datetimeFromParts(
    year,
    month,
    day,
    hour,
    mi === undefined ? 0 : Number(mi),
    s === undefined ? 0 : Number(s),
    fractionTicks(frac),
  );
  const offset = zoneOffsetMinutes(zone);
  if (base === null || offset === null) return null;
  const ticks = base - BigInt(offset) * TICKS_PER_MINUTE;
  return isValidDatetime(ticks) ? ticks : null;
}

/**
 * Parses datetime text in the formats Kusto's `todatetime()` and ingestion accept (ISO 8601 with `T` or a
 * space, optional seconds / fraction / zone; `M/d/yyyy`; RFC 822 / 850). Returns ticks since 1970, or
 * `null` when the text is not a datetime. Offsets are converted to UTC.
 */
export function parseDatetime(text: string): bigint | null {
  const t = text.trim();
  let m = ISO_DATETIME.exec(t);
  if (m) return assembleDatetime(Number(m[1]), Number(m[2]), Number(m[3]), m.slice(4, 9), m[9]);
  m = US_DATETIME.exec(t);
  if (m) return assembleDatetime(Number(m[3]), Number(m[1]), Number(m[2]), m.slice(4, 9), m[9]);
  m = RFC_DATETIME.exec(t);
  if (m) {
    const month = MONTH_NAMES.indexOf(m[2].slice(0, 3).toLowerCase()) + 1;
    if (month === 0) return null;
    return assembleDatetime(twoDigitYear(m[3]), month, Number(m[1]), m.slice(4, 9), m[9]);
  }
  m = COMMA_DATETIME.exec(t);
  if (m) {
    return assembleDatetime(Number(m[1]), Number(m[2]), Number(m[3]), [m[4], m[5], m[6], undefined, undefined], 'Z');
  }
  return null;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * ISO 8601 text of a datetime, `yyyy-MM-ddTHH:mm:ss[.fffffff]Z`.
 * `fraction: 'trim'` (REST results) drops trailing zeros and the fraction when it is zero, as Kusto's
 * results do (`2016-06-06T15:35:00Z`, `2018-05-01T09:32:38.916566Z`); `'full'` (`tostring()`, dynamic)
 * always writes 7 digits (`2007-01-01T00:00:00.0000000Z`).
 */
export function formatDatetime(ticks: bigint, fraction: 'trim' | 'full'): string {
  const p = datetimeParts(ticks);
  let text = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  if (fraction === 'full') text += `.${pad(p.fraction, 7)}`;
  else if (p.fraction !== 0) text += `.${pad(p.fraction, 7).replace(/0+$/, '')}`;
  return `${text}Z`;
}

// timespan text

// Length of one unit in nanoseconds: exact bigint arithmetic keeps `1.5h` and `0.1s` free of rounding.
const TIMESPAN_UNIT_NANOS: Record<string, bigint> = {};
for (const [names, nanos] of [
  [['d', 'day', 'days'], 86_400_000_000_000n],
  [['h', 'hr', 'hrs', 'hour', 'hours'], 3_600_000_000_000n],
  [['m', 'min', 'minute', 'minutes'], 60_000_000_000n],
  [['s', 'sec', 'second', 'seconds'], 1_000_000_000n],
  [['ms', 'milli', 'millis', 'millisec', 'millisecond', 'milliseconds'], 1_000_000n],
  [['micro', 'micros', 'microsec', 'microsecond', 'microseconds'], 1_000n],
  [['nano', 'nanos', 'nanosec', 'nanosecond', 'nanoseconds'], 1n],
  [['tick', 'ticks'], 100n],
] as const) {
  for (const name of names) TIMESPAN_UNIT_NANOS[name] = nanos;
}

const CONSTANT_TIMESPAN = /^([+-])?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;
const DAYS_TIMESPAN = /^([+-])?(\d+)$/;
const UNIT_TIMESPAN = /^([+-])?(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]+)$/;

/** Ticks of a decimal number text times a unit given in nanoseconds, truncated toward zero. */
function scaledTicks(numberText: string, unitNanos: bigint): bigint {
  const [whole, frac = ''] = numberText.split('.');
  const mantissa = BigInt((whole || '0') + frac);
  return (mantissa * unitNanos) / (10n ** BigInt(frac.length) * 100n);
}

/**
 * Parses timespan text: .NET's constant form `[-][d.]hh:mm[:ss[.fffffff]]`, a bare day count (`2`), and
 * KQL's unit forms (`1d`, `1.5h`, `30m`, `10s`, `100ms`, `10microsecond`, `1tick`, `15 seconds`).
 * Returns ticks, or `null` when the text is not a timespan.
 */
export function parseTimespan(text: string): bigint | null {
  const t = text.trim();
  let m = CONSTANT_TIMESPAN.exec(t);
  let ticks: bigint;
  if (m) {
    const hours = Number(m[3]);
    const minutes = Number(m[4]);
    const seconds = Number(m[5] ?? '0');
    if (hours > 23 || minutes > 59 || seconds > 59) return null;
    ticks =
      BigInt(m[2] ?? '0') * TICKS_PER_DAY +
      BigInt(hours) * TICKS_PER_HOUR +
      BigInt(minutes) * TICKS_PER_MINUTE +
      BigInt(seconds) * TICKS_PER_SECOND +
      BigInt(fractionTicks(m[6]));
  } else if ((m = DAYS_TIMESPAN.exec(t))) {
    ticks = BigInt(m[2]) * TICKS_PER_DAY;
  } else if ((m = UNIT_TIMESPAN.exec(t))) {
    const unit = TIMESPAN_UNIT_NANOS[m[3].toLowerCase()];
    if (unit === undefined) return null;
    ticks = scaledTicks(m[2], unit);
  } else {
    return null;
  }
  if (m[1] === '-') ticks = -ticks;
  return ticks >= MIN_LONG && ticks <= MAX_LONG ? ticks : null;
}

/**
 * Text of a timespan as Kusto writes it (.NET's constant format): `[-][d.]hh:mm:ss[.fffffff]`,
 * with the 7 fraction digits only when the fraction is not zero (`1.02:03:04`, `-00:00:00.5000000`).
 */
export function formatTimespan(ticks: bigint): string {
  const negative = ticks < 0n;
  let rest = negative ? -ticks : ticks;
  const days = rest / TICKS_PER_DAY;
  rest %= TICKS_PER_DAY;
  const ofDay = Number(rest);
  const seconds = Math.floor(ofDay / 10_000_000);
  const fraction = ofDay % 10_000_000;
  let text = negative ? '-' : '';
  if (days > 0n) text += `${days}.`;
  text += `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  if (fraction !== 0) text += `.${pad(fraction, 7)}`;
  return text;
}

// numbers, bools, guids

const INTEGER_TEXT = /^[+-]?\d+$/;
const REAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

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

/** Text of a decimal: plain digits, never an exponent (`0.0000001`, `1000000000000000000000`). */
export function formatDecimal(x: number): string {
  if (!Number.isFinite(x)) return formatReal(x);
  if (x === 0) return '0';
  const { digits, exponent } = shortestDigits(x);
  let text: string;
  if (exponent < 0) text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  else if (digits.length <= exponent + 1) text = digits + '0'.repeat(exponent + 1 - digits.length);
  else text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return x < 0 ? `-${text}` : text;
}

// dynamic text

/** Parses strict JSON text into a dynamic value; `undefined` when the text is not JSON. */
export function parseJsonText(text: string): DynamicValue | undefined {
  try {
    return JSON.parse(text) as DynamicValue;
  } catch {
    return undefined;
  }
}

/**
 * Parses the body of a KQL `dynamic(...)` literal: JSON extended with single-quoted strings, unquoted keys
 * and typed scalar literals (`datetime(...)`, `timespan(...)`, `guid(...)`, `long(...)`, `1d`, …), which are
 * stored in their JSON forms (datetime and timespan as text). Returns `undefined` when the text does not parse.
 */
export function parseDynamicLiteral(text: string): DynamicValue | undefined {
  const parser = new DynamicLiteralParser(text);
  try {
    const value = parser.value();
    parser.skipSpace();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

class DynamicLiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(): never {
    throw new Error('bad dynamic literal');
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail();
    this.pos++;
  }

  value(): DynamicValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"' || ch === "'") return this.string();
    if (ch === '@' && (this.text[this.pos + 1] === '"' || this.text[this.pos + 1] === "'")) {
      this.pos++;
      return this.string(true);
    }
    if (ch !== undefined && /[-+.\d]/.test(ch)) return this.numberOrTimespan();
    if (ch !== undefined && /[A-Za-z_]/.test(ch)) return this.word();
    return this.fail();
  }

  private object(): DynamicValue {
    this.pos++;
    const result: { [key: string]: DynamicValue } = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      let key: string;
      if (ch === '"' || ch === "'") key = this.string();
      else {
        const m = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos));
        if (!m) this.fail();
        key = m[0];
        this.pos += key.length;
      }
      this.skipSpace();
      // Kusto accepts `{key = value}` as well as JSON's `{key: value}`.
      if (this.text[this.pos] !== ':' && this.text[this.pos] !== '=') this.fail();
      this.pos++;
      result[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private array(): DynamicValue {
    this.pos++;
    const result: DynamicValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private string(verbatim = false): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail();
      const ch = this.text[this.pos++];
      if (ch === quote) {
        if (verbatim && this.text[this.pos] === quote) {
          out += quote;
          this.pos++;
          continue;
        }
        return out;
      }
      if (ch === '\\' && !verbatim) {
        const esc = this.text[this.pos++];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };
        if (esc === 'u') {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
        } else if (esc !== undefined) {
          out += simple[esc] ?? esc;
        } else {
          this.fail();
        }
        continue;
      }
      out += ch;
    }
  }

  private numberOrTimespan(): DynamicValue {
    const m = /^[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)([A-Za-z]+)?/.exec(
      this.text.slice(this.pos),
    );
    if (!m) return this.fail();
    this.pos += m[0].length;
    if (m[1] !== undefined) {
      const ticks = parseTimespan(m[0]);
      if (ticks === null) this.fail();
      return formatTimespan(ticks);
    }
    if (/0[xX]/.test(m[0])) return Number(parseLong(m[0]));
    return Number(m[0]);
  }

  private word(): DynamicValue {
    const m = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos));
    if (!m) return this.fail();
    const word = m[0];
    this.pos += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const type = scalarTypeFromName(word);
    this.skipSpace();
    if (type === undefined || this.text[this.pos] !== '(') return this.fail();
    const inner = this.balanced();
    const value = parseLiteralBody(type, inner);
    if (value === undefined) this.fail();
    return toDynamic(type, value);
  }

  /** The text between a `(` at the cursor and its matching `)`, skipping quoted strings. */
  private balanced(): string {
    const start = ++this.pos;
    let depth = 1;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '"' || ch === "'") {
        this.string();
        continue;
      }
      this.pos++;
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) return this.text.slice(start, this.pos - 1);
    }
    return this.fail();
  }
}

// type names and literals

/**
 * The scalar type a Kusto type name denotes, aliases included (`boolean`, `double`, `date`, `time`,
 * `uuid`, `int64`, …); `undefined` for names that are not scalar types.
 */
export function scalarTypeFromName(name: string): KustoScalarType | undefined {
  // KQL spells type names in lower case; schemas (typeNames) also accept other cases.
  return name === name.toLowerCase() ? scalarTypeOf(name) : undefined;
}

/** Parses the text inside `type(...)`; `undefined` when it is not a literal of that type. */
function parseLiteralBody(type: KustoScalarType, body: string): Value | undefined {
  const inner = body.trim();
  if (inner === 'null') return type === 'string' ? undefined : null;
  switch (type) {
    case 'bool': {
      const lower = inner.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
    case 'int': {
      const v = parseLong(inner);
      return v !== null && v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX) ? Number(v) : undefined;
    }
    case 'long':
      return parseLong(inner) ?? undefined;
    case 'real':
    case 'decimal': {
      const v = parseReal(inner);
      return v === null || (type === 'decimal' && !Number.isFinite(v)) ? undefined : v;
    }
    case 'datetime':
      if (inner === 'min') return MIN_DATETIME_TICKS;
      if (inner === 'max') return MAX_DATETIME_TICKS;
      return parseDatetime(unquote(inner)) ?? undefined;
    case 'timespan':
      if (inner === 'min') return MIN_LONG;
      if (inner === 'max') return MAX_LONG;
      return parseTimespan(unquote(inner)) ?? undefined;
    case 'guid':
      return parseGuid(unquote(inner)) ?? undefined;
    case 'dynamic':
      return parseDynamicLiteral(inner);
    case 'string':
      return undefined;
  }
}

function unquote(text: string): string {
  return /^(['"]).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

/** The type and value of a KQL scalar literal. */
export interface ParsedLiteral {
  /** The literal's type. */
  type: KustoScalarType;
  /** Its value in the in-memory form. */
  value: Value;
}

/**
 * Parses a KQL scalar literal: `true`, `123` (long), `1.5` / `1e3` (real), `0x1F`, `1d` / `1.5h` (timespan),
 * `'text'` / `"text"` / `@'verbatim'` (string), and the typed forms `datetime(...)`, `int(...)`, `guid(...)`,
 * `dynamic(...)`, `real(nan)`, `T(null)`. Returns `undefined` when the text is not a literal.
 */
export function parseLiteral(text: string): ParsedLiteral | undefined {
  const t = text.trim();
  if (t === 'true' || t === 'false') return { type: 'bool', value: t === 'true' };
  const typed = /^([A-Za-z]\w*)\s*\(([\s\S]*)\)$/.exec(t);
  if (typed) {
    const type = scalarTypeFromName(typed[1]);
    if (type === undefined) return undefined;
    const value = parseLiteralBody(type, typed[2]);
    return value === undefined ? undefined : { type, value };
  }
  if (/^(?:@|[hH]@?)?(['"])[\s\S]*\1$/.test(t)) {
    const body = t.replace(/^[hH]/, '');
    const parsed = new DynamicLiteralParser(body).value();
    return typeof parsed === 'string' ? { type: 'string', value: parsed } : undefined;
  }
  const long = parseLong(t);
  if (long !== null) return { type: 'long', value: long };
  if (REAL_TEXT.test(t)) return { type: 'real', value: Number(t) };
  const ticks = UNIT_TIMESPAN.test(t) ? parseTimespan(t) : null;
  if (ticks !== null) return { type: 'timespan', value: ticks };
  return undefined;
}

/** The type of a KQL scalar literal's text (see {@link parseLiteral}); `undefined` when it is not one. */
export function typeOfLiteral(text: string): KustoScalarType | undefined {
  return parseLiteral(text)?.type;
}

// conversions at the edges

function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function conversionError(type: KustoScalarType, value: unknown, what = 'value'): KustoEmulatorError {
  return new KustoEmulatorError(`Cannot convert ${what} '${describe(value)}' to type '${type}'.`);
}

function int32OrNull(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  const t = Math.trunc(n);
  return t >= INT32_MIN && t <= INT32_MAX ? t : null;
}

function longFromNumber(n: number): bigint | null {
  if (!Number.isFinite(n)) return null;
  const t = BigInt(Math.trunc(n));
  return t >= MIN_LONG && t <= MAX_LONG ? t : null;
}

/** Converts text to `type` without throwing: `null` when it does not convert (strings are returned as is). */
function textTo(type: KustoScalarType, text: string): Value | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'bool':
      return parseBool(text) ?? undefined;
    case 'int': {
      const long = parseLong(text);
      if (long !== null) return long >= BigInt(INT32_MIN) && long <= BigInt(INT32_MAX) ? Number(long) : undefined;
      const real = parseReal(text);
      return (real === null ? null : int32OrNull(real)) ?? undefined;
    }
    case 'long': {
      const long = parseLong(text);
      if (long !== null) return long;
      const real = parseReal(text);
      return (real === null ? null : longFromNumber(real)) ?? undefined;
    }
    case 'real':
      return parseReal(text) ?? undefined;
    case 'decimal': {
      const v = parseReal(text);
      return v !== null && Number.isFinite(v) ? v : undefined;
    }
    case 'datetime':
      return parseDatetime(text) ?? undefined;
    case 'timespan':
      return parseTimespan(text) ?? undefined;
    case 'guid':
      return parseGuid(text) ?? undefined;
    case 'dynamic': {
      // Text that is not JSON becomes a dynamic string, as parse_json() does.
      const parsed = parseJsonText(text);
      return parsed === undefined ? text : parsed;
    }
  }
}

/**
 * Parses a query parameter's value text (from `properties.Parameters`) as `type`, as Kusto parses it: as
 * a literal of that type (`datetime(2020-01-01)`, `long(5)`, `dynamic([1,2])`, `real(null)`, `1d`) or the
 * bare text clients send (`123`, `2020-01-01T00:00:00Z`, `[1,2]`). A string parameter's text is its value,
 * as is (no quotes to strip). Throws a {@link KustoEmulatorError} naming the type and value otherwise.
 */
export function parseParameterValue(type: KustoScalarType, text: string): Value {
  // Clients may send JSON numbers or bools (the JS client's setParameter takes any value): read their text.
  const raw = typeof text === 'string' ? text : String(text as unknown);
  if (type === 'string') return raw;
  const t = raw.trim();
  const typed = /^([A-Za-z]\w*)\s*\(([\s\S]*)\)$/.exec(t);
  let value: Value | undefined;
  if (typed && scalarTypeFromName(typed[1]) === type) {
    value = parseLiteralBody(type, typed[2]);
  } else if (type === 'dynamic') {
    value = t === '' ? undefined : t === 'null' ? null : (parseJsonText(t) ?? parseDynamicLiteral(t));
  } else if (type === 'long' || type === 'int' || type === 'real' || type === 'decimal' || type === 'bool') {
    value = t === 'null' ? undefined : parseLiteralBody(type, t);
    if (value === undefined && type === 'bool') value = parseBool(t) ?? undefined;
  } else {
    value = textTo(type, t);
  }
  if (value === undefined) {
    throw new KustoEmulatorError(`Query parameter value '${describe(raw)}' is not a valid ${type} literal.`);
  }
  return value;
}

/**
 * Converts a CSV / TSV / PSV cell to `type`, as Kusto ingestion does: an empty cell is null ('' for string);
 * numbers, bools (`true`/`false`/`1`/`0`, any case), datetimes (ISO 8601 and the other formats of
 * {@link parseDatetime}), timespans, guids, JSON for dynamic (text that is not JSON is kept as a dynamic string).
 * Throws a {@link KustoEmulatorError} naming the type and the value when the cell does not convert.
 */
export function fromText(type: KustoScalarType, text: string): Value {
  if (type === 'string') return text;
  if (text.trim() === '') return null;
  const value = textTo(type, type === 'dynamic' ? text : text.trim());
  if (value === undefined) throw conversionError(type, text);
  return value;
}

/**
 * Converts a JSON value (JSON ingestion, dynamic extraction) to `type`: numbers to long exactly when
 * integral (bigints are taken as they are), strings that hold numbers / datetimes / … parsed as text,
 * objects and arrays into a string column stored as their JSON text; `dynamic` takes anything.
 * Throws a {@link KustoEmulatorError} naming the type and the value when it does not convert.
 */
export function fromJson(type: KustoScalarType, json: unknown): Value {
  if (json === null || json === undefined) return type === 'string' ? '' : null;
  if (type === 'dynamic') return jsonToDynamic(json);
  if (type === 'string') {
    if (typeof json === 'string') return json;
    if (typeof json === 'bigint') return json.toString();
    if (typeof json === 'number') return formatReal(json);
    return JSON.stringify(jsonToDynamic(json));
  }
  let value: Value | undefined;
  if (typeof json === 'string') {
    value = json.trim() === '' ? null : textTo(type, json.trim());
  } else if (typeof json === 'number' || typeof json === 'bigint' || typeof json === 'boolean') {
    value = convertPrimitive(type, json);
  }
  if (value === undefined) throw conversionError(type, json);
  return value;
}

function convertPrimitive(type: KustoScalarType, json: number | bigint | boolean): Value | undefined {
  const n = typeof json === 'boolean' ? (json ? 1 : 0) : json;
  switch (type) {
    case 'bool':
      return typeof json === 'boolean' ? json : n !== 0 && n !== 0n;
    case 'int':
      return (typeof n === 'bigint' ? int32OrNull(Number(n)) : int32OrNull(n)) ?? undefined;
    case 'long':
      if (typeof n === 'bigint') return n >= MIN_LONG && n <= MAX_LONG ? n : undefined;
      return longFromNumber(n) ?? undefined;
    case 'real':
    case 'decimal':
      return Number(n);
    case 'timespan':
      // A number in a timespan column is taken as ticks, as totimespan(long) does.
      if (typeof json === 'boolean') return undefined;
      return typeof n === 'bigint' ? n : (longFromNumber(n) ?? undefined);
    default:
      return undefined;
  }
}

function jsonToDynamic(json: unknown): DynamicValue {
  if (json === null || json === undefined) return null;
  if (typeof json === 'bigint') return Number(json);
  if (typeof json === 'number' || typeof json === 'string' || typeof json === 'boolean') return json;
  if (Array.isArray(json)) return json.map(jsonToDynamic);
  if (typeof json === 'object') {
    const out: { [key: string]: DynamicValue } = {};
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) out[k] = jsonToDynamic(v);
    return out;
  }
  return String(json);
}

/**
 * The value of `type` inside a dynamic: long as a number (precision beyond 2^53 is lost), datetime as
 * ISO text with 7 fraction digits, timespan as `[d.]hh:mm:ss[.fffffff]`, guid as text.
 */
export function toDynamic(type: KustoScalarType, value: Value): DynamicValue {
  if (value === null) return null;
  switch (type) {
    case 'long':
      return Number(value as bigint);
    case 'datetime':
      return formatDatetime(value as bigint, 'full');
    case 'timespan':
      return formatTimespan(value as bigint);
    default:
      return typeof value === 'bigint' ? Number(value) : (value as DynamicValue);
  }
}

/**
 * The JSON value Kusto's REST API writes for a value of `type`: bool/int/real as JSON values (real NaN and
 * infinities as the strings `NaN`, `Infinity`, `-Infinity`), long as the bigint itself (the protocol writer
 * emits it as an exact JSON number), decimal as text, datetime as ISO 8601 with the fraction trimmed,
 * timespan as `[-][d.]hh:mm:ss[.fffffff]`, guid and string as text, dynamic as the JSON value, null as null.
 */
export function toJson(type: KustoScalarType, value: Value): unknown {
  if (value === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'real':
      return Number.isFinite(value as number) ? value : formatReal(value as number);
    case 'decimal':
      return formatDecimal(value as number);
    case 'datetime':
      return formatDatetime(value as bigint, 'trim');
    case 'timespan':
      return formatTimespan(value as bigint);
    default:
      return value;
  }
}

/**
 * Text of a value as `tostring()` renders it: null → '', datetime as ISO 8601 with 7 fraction digits,
 * timespan as `[-][d.]hh:mm:ss[.fffffff]`, real in .NET's round-trip form, a dynamic string as its text and
 * any other dynamic as compact JSON.
 */
export function toText(type: KustoScalarType, value: Value): string {
  if (value === null) return '';
  switch (type) {
    case 'string':
    case 'guid':
      return value as string;
    case 'bool':
      return value ? 'true' : 'false';
    case 'int':
    case 'long':
      return String(value);
    case 'real':
      return formatReal(value as number);
    case 'decimal':
      return formatDecimal(value as number);
    case 'datetime':
      return formatDatetime(value as bigint, 'full');
    case 'timespan':
      return formatTimespan(value as bigint);
    case 'dynamic':
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/**
 * Converts text to `type` without throwing, as `toint()`, `todatetime()`, … do on strings: `null` when the
 * text does not convert (string → the text itself; dynamic → parsed JSON, or the string when not JSON).
 */
export function convertText(type: KustoScalarType, text: string): Value {
  return textTo(type, type === 'string' || type === 'dynamic' ? text : text.trim()) ?? null;
}
