/**
 * Datetime text: the formats Kusto reads (`todatetime()`, ingestion, literals) and the ISO 8601 forms it writes.
 * Text with more than 7 fractional digits is truncated to 7 (100-ns ticks).
 */
import { datetimeFromParts, datetimeParts, fractionTicks, isValidDatetime, TICKS_PER_MINUTE } from './calendar';
import { pad } from './primitiveText';

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
