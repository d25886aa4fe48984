/**
 * Datetimes as the emulator holds them, 100-nanosecond ticks since 1970-01-01T00:00:00Z: tick units, Kusto's datetime
 * range, and calendar arithmetic (proleptic Gregorian, days since 1970-01-01).
 */

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

// Calendar arithmetic after Howard Hinnant's civil-date algorithms.

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

/** Ticks of the digits after a second's decimal point: the first 7 (100 ns), shorter ones padded with zeros. */
export function fractionTicks(digits: string | undefined): number {
  if (!digits) return 0;
  return Number(digits.slice(0, 7).padEnd(7, '0'));
}
