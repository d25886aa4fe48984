import type { KustoScalarType, Value } from '../../model';
import { notSupported } from '../../errors';
import { isValidDatetime } from '../../values/calendar';
import { argString, convertValue } from './conversion';
import type { ScalarFunctionTable } from './types';

const TICKS_PER_MS = 10_000n;
const TICKS_PER_DAY = 864_000_000_000n;

// One formatter per zone: building one costs far more than formatting with it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string, fn: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      // longOffset gives the offset itself (`GMT-07:00`), with no calendar fields to convert back.
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      throw notSupported(`${fn}() with the time zone '${zone.slice(0, 64)}' (not an IANA time zone Node knows)`);
    }
    if (formatters.size < 1024) formatters.set(zone, f);
  }
  return f;
}

const OFFSET = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The zone's offset from UTC at a UTC instant, in ticks. */
function offsetAt(f: Intl.DateTimeFormat, utcTicks: bigint): bigint {
  const ms = Number(utcTicks / TICKS_PER_MS);
  const name = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = OFFSET.exec(name);
  if (!m) throw notSupported(`The time zone offset '${name}'`);
  if (!m[1]) return 0n;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return BigInt(m[1] === '-' ? -seconds : seconds) * 1000n * TICKS_PER_MS;
}

function args2(args: Value[], argTypes: KustoScalarType[]): { ticks: bigint; zone: string } | null {
  if (args[0] === null) return null;
  const ticks = (argTypes[0] === 'datetime' ? args[0] : convertValue(args[0], argTypes[0], 'datetime')) as
    bigint | null;
  if (ticks === null) return null;
  return { ticks, zone: argString(args[1], argTypes[1]) };
}

function valid(ticks: bigint): bigint | null {
  return isValidDatetime(ticks) ? ticks : null;
}

/**
 * Time zone conversions with IANA zones, through Node's ICU (`Intl`). Local to UTC where the local time does not
 * exist (clocks moved forward) takes the offset after the change, as the reference's Europe/Brussels example shows;
 * a local time that exists twice (clocks moved back) is refused, as the reference does not say which one Kusto takes.
 */
export const timezoneFunctions: ScalarFunctionTable = {
  datetime_utc_to_local: (args, argTypes) => {
    const a = args2(args, argTypes);
    if (a === null) return null;
    const f = formatterFor(a.zone, 'datetime_utc_to_local');
    return valid(a.ticks + offsetAt(f, a.ticks));
  },
  datetime_local_to_utc: (args, argTypes) => {
    const a = args2(args, argTypes);
    if (a === null) return null;
    const f = formatterFor(a.zone, 'datetime_local_to_utc');
    // The offsets a day either side: a zone changes its offset at most once in two days.
    const candidates = [...new Set([offsetAt(f, a.ticks - TICKS_PER_DAY), offsetAt(f, a.ticks + TICKS_PER_DAY)])];
    const fits = candidates.filter((o) => offsetAt(f, a.ticks - o) === o);
    if (fits.length > 1) {
      throw notSupported(`datetime_local_to_utc() of a local time that occurs twice in '${a.zone.slice(0, 64)}'`);
    }
    if (fits.length === 1) return valid(a.ticks - fits[0]);
    // A local time skipped by a change to a larger offset: the larger (later) offset.
    const after = candidates.reduce((x, y) => (y > x ? y : x));
    return valid(a.ticks - after);
  },
};
