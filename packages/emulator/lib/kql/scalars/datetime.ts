import { KustoEmulatorError } from '../../errors';
import type { KustoScalarType, Value } from '../../model';
import {
  civilFromDays,
  datetimeFromParts,
  datetimeParts,
  daysFromCivil,
  daysInMonth,
  floorDiv,
  isValidDatetime,
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  TICKS_PER_MICROSECOND,
  TICKS_PER_MILLISECOND,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
} from '../../values/calendar';
import { argInt, argLong, argNumber, argString, asResult, convertValue } from './conversion';
import type { ScalarFunctionTable } from './types';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function valid(ticks: bigint): bigint | null {
  return isValidDatetime(ticks) ? ticks : null;
}

/** A datetime argument as ticks (strings and dynamic values are converted), or null. */
function datetimeArg(args: Value[], argTypes: KustoScalarType[], i: number): bigint | null {
  if (args[i] === null || args[i] === undefined) return null;
  return (argTypes[i] === 'datetime' ? args[i] : convertValue(args[i], argTypes[i], 'datetime')) as bigint | null;
}

/** An optional integer argument (offsets): 0 when absent, null when null. */
function optionalInt(args: Value[], argTypes: KustoScalarType[], i: number): number | null {
  return i < args.length ? argInt(args[i], argTypes[i]) : 0;
}

function startOfDay(ticks: bigint, offset: number): bigint {
  return (floorDiv(ticks, TICKS_PER_DAY) + BigInt(offset)) * TICKS_PER_DAY;
}

function startOfWeek(ticks: bigint, offset: number): bigint {
  const p = datetimeParts(ticks);
  return BigInt(p.days - p.dayOfWeek + 7 * offset) * TICKS_PER_DAY;
}

function startOfMonth(ticks: bigint, offset: number): bigint {
  const p = datetimeParts(ticks);
  const total = p.year * 12 + p.month - 1 + offset;
  return BigInt(daysFromCivil(Math.floor(total / 12), (((total % 12) + 12) % 12) + 1, 1)) * TICKS_PER_DAY;
}

function startOfYear(ticks: bigint, offset: number): bigint {
  return BigInt(daysFromCivil(datetimeParts(ticks).year + offset, 1, 1)) * TICKS_PER_DAY;
}

type Start = (ticks: bigint, offset: number) => bigint;

function startOf(start: Start): ScalarFunctionTable[string] {
  return (args, argTypes) => {
    const t = datetimeArg(args, argTypes, 0);
    const offset = optionalInt(args, argTypes, 1);
    return t === null || offset === null ? null : valid(start(t, offset));
  };
}

function endOf(start: Start): ScalarFunctionTable[string] {
  return (args, argTypes) => {
    const t = datetimeArg(args, argTypes, 0);
    const offset = optionalInt(args, argTypes, 1);
    return t === null || offset === null ? null : valid(start(t, offset + 1) - 1n);
  };
}

/** .NET's AddMonths: the day is clamped to the target month's length; the time of day is kept. */
function addMonths(ticks: bigint, months: number): bigint | null {
  const p = datetimeParts(ticks);
  const total = p.year * 12 + p.month - 1 + months;
  const year = Math.floor(total / 12);
  const month = (((total % 12) + 12) % 12) + 1;
  if (year < 1 || year > 9999) return null;
  const day = Math.min(p.day, daysInMonth(year, month));
  const timeOfDay = ticks - BigInt(p.days) * TICKS_PER_DAY;
  return valid(BigInt(daysFromCivil(year, month, day)) * TICKS_PER_DAY + timeOfDay);
}

const FIXED_PERIODS: Record<string, bigint> = {
  week: 7n * TICKS_PER_DAY,
  day: TICKS_PER_DAY,
  hour: TICKS_PER_HOUR,
  minute: TICKS_PER_MINUTE,
  second: TICKS_PER_SECOND,
  millisecond: TICKS_PER_MILLISECOND,
  microsecond: TICKS_PER_MICROSECOND,
};

function periodError(fn: string, period: string): KustoEmulatorError {
  return new KustoEmulatorError(`${fn}(): unknown period '${period}'.`);
}

function datetimeAdd(period: string, amount: bigint, ticks: bigint): bigint | null {
  const p = period.toLowerCase();
  if (p === 'year') return addMonths(ticks, Number(amount) * 12);
  if (p === 'quarter') return addMonths(ticks, Number(amount) * 3);
  if (p === 'month') return addMonths(ticks, Number(amount));
  if (p === 'nanosecond') return valid(ticks + amount / 100n);
  const unit = FIXED_PERIODS[p];
  if (unit === undefined) throw periodError('datetime_add', period);
  return valid(ticks + amount * unit);
}

/** Number of period boundaries between two datetimes (`datetime_diff` counts calendar units, not lengths). */
function datetimeDiff(period: string, t1: bigint, t2: bigint): bigint {
  const p = period.toLowerCase();
  if (p === 'year' || p === 'quarter' || p === 'month') {
    const a = datetimeParts(t1);
    const b = datetimeParts(t2);
    if (p === 'year') return BigInt(a.year - b.year);
    if (p === 'month') return BigInt(a.year * 12 + a.month - (b.year * 12 + b.month));
    const quarter = (x: typeof a): number => x.year * 4 + Math.floor((x.month - 1) / 3);
    return BigInt(quarter(a) - quarter(b));
  }
  if (p === 'week') return (startOfWeek(t1, 0) - startOfWeek(t2, 0)) / (7n * TICKS_PER_DAY);
  if (p === 'nanosecond') return (t1 - t2) * 100n;
  const unit = FIXED_PERIODS[p];
  if (unit === undefined) throw periodError('datetime_diff', period);
  return floorDiv(t1, unit) - floorDiv(t2, unit);
}

/** ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(ticks: bigint): number {
  const p = datetimeParts(ticks);
  const thursday = p.days - ((p.dayOfWeek + 6) % 7) + 3;
  const [year] = civilFromDays(thursday);
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

function datetimePart(part: string, ticks: bigint): number {
  const p = datetimeParts(ticks);
  switch (part.toLowerCase()) {
    case 'year':
      return p.year;
    case 'quarter':
      return Math.floor((p.month - 1) / 3) + 1;
    case 'month':
      return p.month;
    case 'week_of_year':
    case 'weekofyear':
      return isoWeek(ticks);
    case 'day':
      return p.day;
    case 'dayofyear':
      return p.days - daysFromCivil(p.year, 1, 1) + 1;
    case 'hour':
      return p.hour;
    case 'minute':
      return p.minute;
    case 'second':
      return p.second;
    case 'millisecond':
      return Math.floor(p.fraction / 10_000);
    case 'microsecond':
      return Math.floor(p.fraction / 10);
    case 'nanosecond':
      return p.fraction * 100;
    default:
      throw new KustoEmulatorError(`datetime_part(): unknown part '${part}'.`);
  }
}

const FORMAT_TOKEN = /d+|f+|F+|h+|H+|m+|M+|s+|y+|t+|[\s\S]/g;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The `f` / `F` specifiers: the first n digits of the 7-digit fraction (`F` drops trailing zeros). */
function fractionDigits(fraction: number, token: string, out: string): [string, string] {
  const digits = pad(fraction, 7).slice(0, Math.min(token.length, 7));
  if (token[0] === 'f') return [out, digits];
  const trimmed = digits.replace(/0+$/, '');
  // As in .NET, an empty `F` also drops the decimal point before it.
  return [trimmed === '' && out.endsWith('.') ? out.slice(0, -1) : out, trimmed];
}

/** `format_datetime()`: .NET-style custom format specifiers (yyyy, MM, dd, HH, hh, mm, ss, f…/F…, tt). */
export function formatDatetimeWith(ticks: bigint, format: string): string {
  const p = datetimeParts(ticks);
  let out = '';
  for (const token of format.match(FORMAT_TOKEN) ?? []) {
    const n = token.length;
    let piece: string;
    switch (token[0]) {
      case 'd':
        piece =
          n === 1
            ? String(p.day)
            : n === 2
              ? pad(p.day, 2)
              : n === 3
                ? WEEKDAYS[p.dayOfWeek].slice(0, 3)
                : WEEKDAYS[p.dayOfWeek];
        break;
      case 'f':
      case 'F':
        [out, piece] = fractionDigits(p.fraction, token, out);
        break;
      case 'h':
        piece = pad(p.hour % 12 === 0 ? 12 : p.hour % 12, Math.min(n, 2));
        break;
      case 'H':
        piece = pad(p.hour, Math.min(n, 2));
        break;
      case 'm':
        piece = pad(p.minute, Math.min(n, 2));
        break;
      case 'M':
        piece = n <= 2 ? pad(p.month, n) : n === 3 ? MONTHS[p.month - 1].slice(0, 3) : MONTHS[p.month - 1];
        break;
      case 's':
        piece = pad(p.second, Math.min(n, 2));
        break;
      case 'y':
        piece = n <= 2 ? pad(p.year % 100, n) : pad(p.year, n);
        break;
      case 't':
        piece = (p.hour < 12 ? 'AM' : 'PM').slice(0, Math.min(n, 2));
        break;
      default:
        piece = token;
    }
    out += piece;
  }
  return out;
}

/** `format_timespan()`: d… (whole days, zero-padded), h/H, m, s (one or two digits), f…/F…. */
export function formatTimespanWith(ticks: bigint, format: string): string {
  const negative = ticks < 0n;
  const abs = negative ? -ticks : ticks;
  const days = abs / TICKS_PER_DAY;
  const ofDay = Number(abs % TICKS_PER_DAY);
  const seconds = Math.floor(ofDay / 10_000_000);
  let out = negative ? '-' : '';
  for (const token of format.match(FORMAT_TOKEN) ?? []) {
    const n = token.length;
    let piece: string;
    switch (token[0]) {
      case 'd':
        piece = days.toString().padStart(n, '0');
        break;
      case 'f':
      case 'F':
        [out, piece] = fractionDigits(ofDay % 10_000_000, token, out);
        break;
      case 'h':
      case 'H':
        piece = pad(Math.floor(seconds / 3600), Math.min(n, 2));
        break;
      case 'm':
        piece = pad(Math.floor(seconds / 60) % 60, Math.min(n, 2));
        break;
      case 's':
        piece = pad(seconds % 60, Math.min(n, 2));
        break;
      default:
        piece = token;
    }
    out += piece;
  }
  return out;
}

function part(extract: (ticks: bigint) => number): ScalarFunctionTable[string] {
  return (args, argTypes, resultType) => {
    const t = datetimeArg(args, argTypes, 0);
    return t === null ? null : asResult(extract(t), 'int', resultType);
  };
}

/** Unix time in `unit` ticks-per-unit to a datetime (exact for integers). */
function fromUnix(ticksPerUnit: number, divide = false): ScalarFunctionTable[string] {
  return (args, argTypes) => {
    const v = args[0];
    if (v === null) return null;
    if (argTypes[0] === 'long' || argTypes[0] === 'int') {
      const n = argLong(v, argTypes[0]) as bigint;
      return valid(divide ? n / BigInt(ticksPerUnit) : n * BigInt(ticksPerUnit));
    }
    const x = argNumber(v, argTypes[0]);
    if (x === null || !Number.isFinite(x)) return null;
    return valid(BigInt(Math.round(divide ? x / ticksPerUnit : x * ticksPerUnit)));
  };
}

function makeDatetime(args: Value[], argTypes: KustoScalarType[]): Value {
  const parts = args.map((a, i) => (i === 5 ? argNumber(a, argTypes[i]) : argInt(a, argTypes[i])));
  if (parts.some((x) => x === null)) return null;
  const [y, mo, d, h = 0, mi = 0, s = 0] = parts as number[];
  const whole = Math.floor(s);
  return datetimeFromParts(y, mo, d, h, mi, whole, Math.round((s - whole) * 1e7));
}

function makeTimespan(args: Value[], argTypes: KustoScalarType[]): Value {
  const values = args.map((a, i) => argNumber(a, argTypes[i]));
  if (values.some((x) => x === null)) return null;
  const [d, h, m, s] = values.length === 4 ? (values as number[]) : [0, ...(values as number[]), 0].slice(0, 4);
  const ticks =
    BigInt(Math.trunc(d)) * TICKS_PER_DAY +
    BigInt(Math.trunc(h)) * TICKS_PER_HOUR +
    BigInt(Math.trunc(m)) * TICKS_PER_MINUTE;
  return ticks + BigInt(Math.round((s ?? 0) * 1e7));
}

/**
 * Date and time functions. Periods (`datetime_add`, `datetime_diff`, `datetime_part`) are case-insensitive;
 * an unknown period is an error. Results outside 0001-01-01 .. 9999-12-31 are null.
 */
export const datetimeFunctions: ScalarFunctionTable = {
  now: (args, argTypes, _r, ctx) => {
    if (args.length === 0) return ctx.now;
    const offset = argLong(args[0], argTypes[0]);
    return offset === null ? null : valid(ctx.now + offset);
  },
  ago: (args, argTypes, _r, ctx) => {
    const span = argLong(args[0], argTypes[0]);
    return span === null ? null : valid(ctx.now - span);
  },
  startofday: startOf(startOfDay),
  startofweek: startOf(startOfWeek),
  startofmonth: startOf(startOfMonth),
  startofyear: startOf(startOfYear),
  endofday: endOf(startOfDay),
  endofweek: endOf(startOfWeek),
  endofmonth: endOf(startOfMonth),
  endofyear: endOf(startOfYear),
  datetime_add: (args, argTypes) => {
    const amount = argLong(args[1], argTypes[1]);
    const t = datetimeArg(args, argTypes, 2);
    if (amount === null || t === null) return null;
    return datetimeAdd(argString(args[0], argTypes[0]), amount, t);
  },
  datetime_diff: (args, argTypes, resultType) => {
    const t1 = datetimeArg(args, argTypes, 1);
    const t2 = datetimeArg(args, argTypes, 2);
    if (t1 === null || t2 === null) return null;
    return asResult(datetimeDiff(argString(args[0], argTypes[0]), t1, t2), 'long', resultType);
  },
  datetime_part: (args, argTypes, resultType) => {
    const t = datetimeArg(args, argTypes, 1);
    return t === null ? null : asResult(datetimePart(argString(args[0], argTypes[0]), t), 'int', resultType);
  },
  datepart: (args, argTypes, resultType) => {
    const t = datetimeArg(args, argTypes, 1);
    return t === null ? null : asResult(datetimePart(argString(args[0], argTypes[0]), t), 'int', resultType);
  },
  format_datetime: (args, argTypes) => {
    const t = datetimeArg(args, argTypes, 0);
    return t === null ? '' : formatDatetimeWith(t, argString(args[1], argTypes[1]));
  },
  format_timespan: (args, argTypes) => {
    const t = argLong(args[0], argTypes[0]);
    return t === null ? '' : formatTimespanWith(t, argString(args[1], argTypes[1]));
  },
  dayofweek: (args, argTypes) => {
    const t = datetimeArg(args, argTypes, 0);
    return t === null ? null : BigInt(datetimeParts(t).dayOfWeek) * TICKS_PER_DAY;
  },
  dayofmonth: part((t) => datetimeParts(t).day),
  dayofyear: part((t) => datetimePart('dayofyear', t)),
  getmonth: part((t) => datetimeParts(t).month),
  monthofyear: part((t) => datetimeParts(t).month),
  getyear: part((t) => datetimeParts(t).year),
  hourofday: part((t) => datetimeParts(t).hour),
  week_of_year: part(isoWeek),
  weekofyear: part(isoWeek),
  make_datetime: makeDatetime,
  make_timespan: makeTimespan,
  unixtime_seconds_todatetime: fromUnix(10_000_000),
  unixtime_milliseconds_todatetime: fromUnix(10_000),
  unixtime_microseconds_todatetime: fromUnix(10),
  unixtime_nanoseconds_todatetime: fromUnix(100, true),
};
