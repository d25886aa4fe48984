/**
 * .NET TimeSpan text as host.json and timer schedules write it, `[d.]hh:mm:ss[.fffffff]`: one reader for both, so
 * that a span the host accepts in one place is accepted in the other.
 */
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/;

/** Milliseconds of a TimeSpan text; undefined when it is not one (hours over 23, minutes or seconds over 59). */
export function parseTimespanMs(text: string): number | undefined {
  const match = TIMESPAN.exec(text.trim());
  if (!match) return undefined;
  const [, days = '0', hours, minutes, seconds, fraction = '0'] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  return (
    (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 +
    Math.round(Number(`0.${fraction}`) * 1000)
  );
}
