/**
 * Timer trigger schedules as the Functions host reads them: six-field NCRONTAB expressions
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`) with the NCrontab library's rules, or a TimeSpan
 * (`hh:mm:ss`) meaning a fixed interval.
 *
 * NCrontab's rules, which differ from Vixie cron in places: a day matches only when both the day-of-month and the
 * day-of-week fields match (cron ORs them when both are restricted); `a/n` means `a-max/n`; day-of-week is 0–6
 * (Sunday = 0, 7 is not accepted); month and day names are case-insensitive prefixes of at least three letters of
 * the English names (`Jan`, `January`, `mon`). Times are the process's local time, as the host uses the machine's
 * time zone (UTC in Azure unless WEBSITE_TIME_ZONE says otherwise).
 */
import { parseTimespanMs } from './timespan';

/** Thrown for a schedule that does not parse; the message names the schedule and the field at fault. */
export class ScheduleSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleSyntaxError';
  }
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const DAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');

const FIELDS: readonly FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTHS },
  { label: 'day-of-week', min: 0, max: 6, names: DAYS },
];

/** A parsed schedule: when does it fire next. */
export interface Schedule {
  /** The expression as given. */
  readonly expression: string;
  /** The first occurrence strictly after `after`; undefined when there is none within a few years. */
  next(after: Date): Date | undefined;
}

/** A six-field NCRONTAB expression: the allowed values of each field. */
export interface CronFields {
  /** Allowed seconds (0–59). */
  readonly seconds: readonly number[];
  /** Allowed minutes (0–59). */
  readonly minutes: readonly number[];
  /** Allowed hours (0–23). */
  readonly hours: readonly number[];
  /** Allowed days of the month (1–31). */
  readonly days: readonly number[];
  /** Allowed months (1–12). */
  readonly months: readonly number[];
  /** Allowed days of the week (0–6, Sunday = 0). */
  readonly daysOfWeek: readonly number[];
}

function parseValue(text: string, spec: FieldSpec, fail: (why: string) => never): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) fail(`${n} is outside ${spec.min}-${spec.max}`);
    return n;
  }
  if (spec.names && /^[A-Za-z]{3,}$/.test(text)) {
    const lower = text.toLowerCase();
    const index = spec.names.findIndex((name) => name.toLowerCase().startsWith(lower));
    if (index >= 0) return index + spec.min;
    fail(`'${text}' is not a ${spec.label} name (use ${spec.names.map((n) => n.slice(0, 3)).join(', ')})`);
  }
  return fail(
    spec.names
      ? `'${text}' is neither a number in ${spec.min}-${spec.max} nor a ${spec.label} name`
      : `'${text}' is not a number in ${spec.min}-${spec.max}`,
  );
}

function parseField(text: string, spec: FieldSpec, expression: string): number[] {
  const fail = (why: string): never => {
    throw new ScheduleSyntaxError(
      `Timer schedule '${expression}': the ${spec.label} field '${text}' is invalid: ${why}.`,
    );
  };
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') fail('a list item is empty');
    const slash = item.indexOf('/');
    const range = slash >= 0 ? item.slice(0, slash) : item;
    let step = 1;
    if (slash >= 0) {
      const stepText = item.slice(slash + 1);
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) fail(`the step '${stepText}' must be a positive number`);
      step = Number(stepText);
    }
    let first: number;
    let last: number;
    if (range === '*') {
      first = spec.min;
      last = spec.max;
    } else if (range.includes('-')) {
      const [a, b, ...rest] = range.split('-');
      if (rest.length > 0 || a === '' || b === '') fail(`'${range}' is not a range such as 1-5`);
      first = parseValue(a, spec, fail);
      last = parseValue(b, spec, fail);
      if (last < first) fail(`the range '${range}' ends before it starts`);
    } else {
      first = parseValue(range, spec, fail);
      // NCrontab reads `a/n` as `a-max/n`.
      last = slash >= 0 ? spec.max : first;
    }
    for (let v = first; v <= last; v += step) values.add(v);
  }
  return [...values].sort((x, y) => x - y);
}

/** Parses a six-field NCRONTAB expression into the allowed values of each field. */
export function parseNcrontab(expression: string): CronFields {
  const tokens = expression.trim().split(/\s+/);
  if (tokens.length !== 6) {
    throw new ScheduleSyntaxError(
      `Timer schedule '${expression}' has ${tokens.length} field${tokens.length === 1 ? '' : 's'}; an NCRONTAB ` +
        `expression has six: {second} {minute} {hour} {day} {month} {day-of-week}, for example '0 */5 * * * *'.`,
    );
  }
  const [seconds, minutes, hours, days, months, daysOfWeek] = tokens.map((t, i) =>
    parseField(t, FIELDS[i], expression),
  );
  return { seconds, minutes, hours, days, months, daysOfWeek };
}

function daysInMonth(year: number, month: number): number {
  return new Date(year, month, 0).getDate();
}

/** The first value of a sorted list that is ≥ `from`, or undefined. */
function atLeast(values: readonly number[], from: number): number | undefined {
  for (const v of values) if (v >= from) return v;
  return undefined;
}

// Enough to find any valid schedule (Feb 29 on a given weekday recurs within 28 years).
const SEARCH_YEARS = 30;

/** The first time strictly after `after` (local time, whole seconds) that the fields allow. */
export function nextOccurrence(fields: CronFields, after: Date): Date | undefined {
  const start = new Date(after.getTime());
  start.setMilliseconds(0);
  start.setSeconds(start.getSeconds() + 1);
  const lastYear = start.getFullYear() + SEARCH_YEARS;
  let year = start.getFullYear();
  let month = start.getMonth() + 1;
  let day = start.getDate();
  let hour = start.getHours();
  let minute = start.getMinutes();
  let second = start.getSeconds();
  // Walk from the largest field down, resetting smaller fields whenever a larger one moves on; each pass of the
  // loop moves forward, and the year bound ends it.
  while (year <= lastYear) {
    const m = atLeast(fields.months, month);
    if (m === undefined) {
      year++;
      month = 1;
      day = 1;
      hour = minute = second = 0;
      continue;
    }
    if (m !== month) {
      month = m;
      day = 1;
      hour = minute = second = 0;
    }
    const d = atLeast(fields.days, day);
    if (d === undefined || d > daysInMonth(year, month)) {
      month++;
      day = 1;
      hour = minute = second = 0;
      continue;
    }
    if (d !== day) {
      day = d;
      hour = minute = second = 0;
    }
    if (!fields.daysOfWeek.includes(new Date(year, month - 1, day).getDay())) {
      day++;
      hour = minute = second = 0;
      continue;
    }
    const h = atLeast(fields.hours, hour);
    if (h === undefined) {
      day++;
      hour = minute = second = 0;
      continue;
    }
    if (h !== hour) {
      hour = h;
      minute = second = 0;
    }
    const min = atLeast(fields.minutes, minute);
    if (min === undefined) {
      hour++;
      minute = second = 0;
      continue;
    }
    if (min !== minute) {
      minute = min;
      second = 0;
    }
    const s = atLeast(fields.seconds, second);
    if (s === undefined) {
      minute++;
      second = 0;
      continue;
    }
    const candidate = new Date(year, month - 1, day, hour, minute, s);
    // A local time inside a daylight-saving gap does not exist: Date moves it, so skip it as NCrontab would not fire.
    if (
      candidate.getHours() !== hour ||
      candidate.getMinutes() !== minute ||
      candidate.getDate() !== day ||
      candidate.getTime() <= after.getTime()
    ) {
      second = s + 1;
      continue;
    }
    return candidate;
  }
  return undefined;
}

/**
 * Parses a timer schedule: an NCRONTAB expression, or a TimeSpan `[d.]hh:mm:ss` (a fixed interval, which the host
 * accepts on App Service plans).
 */
export function parseSchedule(expression: string): Schedule {
  // NCRONTAB fields are separated by spaces and never hold a colon: a colon means a TimeSpan.
  if (expression.includes(':')) {
    const ms = parseTimespanMs(expression);
    if (ms === undefined || ms === 0) {
      throw new ScheduleSyntaxError(`Timer schedule '${expression}' is not a valid positive TimeSpan (hh:mm:ss).`);
    }
    return { expression, next: (after) => new Date(after.getTime() + ms) };
  }
  const fields = parseNcrontab(expression);
  return { expression, next: (after) => nextOccurrence(fields, after) };
}
