/**
 * The `properties` of a query or command request (`{"Options":{…},"Parameters":{…}}`), read into what the
 * emulator acts on: parameters for the engine, result limits, the server timeout and the request's now().
 */
import { nowTicks, TICKS_PER_MS } from './clock';
import { syntaxError } from './errors';
import { DEFAULT_RESULT_LIMITS, type ResultLimits } from './protocol';

/** What a request's properties ask for. */
export interface RequestProperties {
  /** `Parameters`, each value as text (what `declare query_parameters` parses). */
  parameters: Record<string, string>;
  /** `Options`, as sent. */
  options: Record<string, unknown>;
  /** Result truncation limits. */
  limits: ResultLimits;
  /** `servertimeout` in milliseconds, when given. */
  timeoutMs?: number;
  /** The request's now() in ticks (`query_now` when given). */
  now: bigint;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw syntaxError(`Request option '${name}' must be true or false, not ${JSON.stringify(value)}.`);
}

function optionCount(name: string, value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw syntaxError(`Request option '${name}' must be a non-negative integer, not ${JSON.stringify(value)}.`);
  return n;
}

/** A timespan option (`00:04:00`, `1.00:00:00`, `00:00:30.500`, `30s`, `5m`) in milliseconds. */
export function parseTimespanMs(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const clock = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$/.exec(value);
    if (clock) {
      const [, d, h, m, s, f] = clock;
      return (
        (Number(d ?? 0) * 24 * 3600 + Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000 +
        Number(`0.${f ?? '0'}`) * 1000
      );
    }
    const literal = /^\s*(\d+(?:\.\d+)?)\s*(d|h|m|s|ms)\s*$/i.exec(value);
    if (literal) {
      const unit: Record<string, number> = { d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };
      return Number(literal[1]) * unit[literal[2].toLowerCase()];
    }
  }
  throw syntaxError(`Request option '${name}' must be a timespan such as '00:04:00', not ${JSON.stringify(value)}.`);
}

function parameterText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) throw syntaxError(`Query parameter '${name}' is null: send its value as text.`);
  return JSON.stringify(value);
}

/** Reads a request's `properties` (an object, or the JSON text some clients send). */
export function readRequestProperties(raw: unknown): RequestProperties {
  let properties = raw;
  if (typeof properties === 'string') {
    try {
      properties = properties.trim() === '' ? {} : JSON.parse(properties);
    } catch {
      throw syntaxError('The request properties are not valid JSON.');
    }
  }
  if (properties === undefined || properties === null) properties = {};
  if (!isRecord(properties)) throw syntaxError('The request properties must be a JSON object.');
  const options = isRecord(properties.Options) ? properties.Options : {};
  const rawParameters = isRecord(properties.Parameters) ? properties.Parameters : {};
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawParameters)) parameters[name] = parameterText(name, value);

  const option = (name: string): unknown => {
    const key = Object.keys(options).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : options[key];
  };
  const limits: ResultLimits = { ...DEFAULT_RESULT_LIMITS };
  const noTruncation = option('notruncation');
  if (noTruncation !== undefined && optionBoolean('notruncation', noTruncation)) {
    limits.maxRecords = undefined;
    limits.maxBytes = undefined;
  }
  const maxRecords = option('truncationmaxrecords');
  if (maxRecords !== undefined) limits.maxRecords = optionCount('truncationmaxrecords', maxRecords);
  const maxSize = option('truncationmaxsize');
  if (maxSize !== undefined) limits.maxBytes = optionCount('truncationmaxsize', maxSize);

  const timeout = option('servertimeout');
  const timeoutMs = timeout === undefined ? undefined : parseTimespanMs('servertimeout', timeout);

  let now = nowTicks();
  const queryNow = option('query_now');
  if (queryNow !== undefined) {
    const ms = typeof queryNow === 'string' ? Date.parse(queryNow.replace(/^datetime\((.*)\)$/i, '$1')) : NaN;
    if (Number.isNaN(ms))
      throw syntaxError(`Request option 'query_now' must be a datetime, not ${JSON.stringify(queryNow)}.`);
    now = BigInt(ms) * TICKS_PER_MS;
  }
  return { parameters, options, limits, timeoutMs, now };
}
