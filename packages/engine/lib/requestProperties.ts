/**
 * From a binding's kqlParameters and clientRequestProperties to what azure-kusto-data's ClientRequestProperties
 * carries: query parameters (never spliced into the query text) written as literals of their declared types, and
 * request options typed from their text.
 */
import { scalarTypeOf, type KustoScalarType } from './typeNames';

/** The declared types of a query's parameters, by name (lower-case type names). */
export type DeclaredTypes = ReadonlyMap<string, string>;

// Types whose literal Kusto reads from the bare text (`42`, `1.5`, `true`): sent as they are. Every other type but
// string (datetime, timespan, guid, dynamic) is sent as its typed literal, `datetime(…)`, as the .NET client's typed
// SetParameter does: Kusto then reads any form its literal takes (`2024-01-01`, `1d`, `{"a":1}`), whatever the service
// accepts bare.
const BARE = new Set<KustoScalarType>(['bool', 'int', 'long', 'real', 'decimal']);
const TYPED_LITERAL = /^[A-Za-z]\w*\s*\([\s\S]*\)$/;

/**
 * A query parameter's value as sent: a string parameter's text exactly as resolved (no quoting), a number or bool as
 * its trimmed text, a datetime / timespan / guid / dynamic as its typed literal (`datetime(2024-01-01T00:00:00Z)`)
 * unless the text is already one (`datetime(null)`, `dynamic([1,2])`). An undeclared or unknown type sends the text
 * as is.
 */
export function parameterLiteral(declaredType: string | undefined, text: string): string {
  const type = declaredType === undefined ? undefined : scalarTypeOf(declaredType);
  if (type === undefined || type === 'string') return text;
  if (BARE.has(type)) return text.trim();
  const trimmed = text.trim();
  return TYPED_LITERAL.test(trimmed) ? trimmed : `${type}(${trimmed})`;
}

/** Thrown for a request option whose value cannot be used; the message names the option. */
export class RequestOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestOptionError';
  }
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Milliseconds of a timespan text: `[d.]hh:mm[:ss[.fffffff]]`, or `90s`, `10m`, `1.5h`, `1d`. */
export function timespanMs(text: string): number | undefined {
  const t = text.trim();
  const clock = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (clock) {
    const [, days = '0', h, m, s = '0', fraction = ''] = clock;
    if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return undefined;
    const ms =
      ((Number(days) * 24 + Number(h)) * 60 + Number(m)) * 60_000 +
      Number(s) * 1000 +
      Math.round(Number(`0.${fraction || '0'}`) * 1000);
    return ms;
  }
  const unit = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(t);
  if (unit) {
    const factor = UNIT_MS[unit[2].toLowerCase()];
    return factor === undefined ? undefined : Math.round(Number(unit[1]) * factor);
  }
  return undefined;
}

/** How much longer than a request's `servertimeout` the client waits for the answer: 30 s, as azure-kusto-data. */
export const CLIENT_SERVER_DELTA_MS = 30_000;

/** The longest servertimeout azure-kusto-data can send (it writes hh:mm:ss and drops whole days). */
const MAX_SERVER_TIMEOUT_MS = 86_400_000 - 1;

/**
 * A request option's value as sent. `servertimeout` is a timespan, given in milliseconds to azure-kusto-data's
 * setTimeout; the client then waits that long plus {@link CLIENT_SERVER_DELTA_MS} for the answer, retries included.
 * Otherwise a quoted value stays text; bare `true` / `false` (any case) become booleans and bare integers become
 * numbers; the rest is text.
 */
export function optionValue(
  name: string,
  text: string,
  quoted: boolean,
): { kind: 'timeout'; ms: number } | { kind: 'option'; value: string | number | boolean } {
  if (name.toLowerCase() === 'servertimeout') {
    const ms = timespanMs(text);
    if (ms === undefined || ms <= 0 || ms > MAX_SERVER_TIMEOUT_MS) {
      throw new RequestOptionError(
        `'@${name}' must be a timespan under a day, such as 00:05:00 or 90s, not '${text.slice(0, 40)}'`,
      );
    }
    return { kind: 'timeout', ms };
  }
  if (quoted) return { kind: 'option', value: text };
  const trimmed = text.trim();
  if (/^(true|false)$/i.test(trimmed)) return { kind: 'option', value: trimmed.toLowerCase() === 'true' };
  if (/^-?\d{1,15}$/.test(trimmed)) return { kind: 'option', value: Number(trimmed) };
  return { kind: 'option', value: text };
}
