/**
 * Timespan text: .NET's constant form, bare day counts and KQL's unit forms (`1.5h`), as Kusto reads them, and the
 * constant form Kusto writes.
 */
import { fractionTicks, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND } from './calendar';
import { MAX_LONG, MIN_LONG, pad } from './primitiveText';

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
/** A number with a unit (`1d`, `1.5h`, `15 seconds`): the only timespan form that is also a KQL literal. */
export const UNIT_TIMESPAN = /^([+-])?(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]+)$/;

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
