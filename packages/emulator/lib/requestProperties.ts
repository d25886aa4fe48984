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
  let n = NaN;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw syntaxError(`Request option '${name}' must be a non-negative integer, not ${String(value)}.`);
  }
  return n;
}

function parameterText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) throw syntaxError(`Query parameter '${name}' is null: send its value as text.`);
  return JSON.stringify(value);
}

/**
 * Applies the truncation options (`notruncation`, `truncationmaxrecords`, `truncationmaxsize`) that `option`
 * finds — request options, or a query's `set` statements — to `limits`.
 */
export function applyLimitOptions(limits: ResultLimits, option: (name: string) => unknown): ResultLimits {
  const result = { ...limits };
  const noTruncation = option('notruncation');
  if (noTruncation !== undefined && optionBoolean('notruncation', noTruncation)) {
    result.maxRecords = undefined;
    result.maxBytes = undefined;
  }
  const maxRecords = option('truncationmaxrecords');
  if (maxRecords !== undefined) result.maxRecords = optionCount('truncationmaxrecords', maxRecords);
  const maxSize = option('truncationmaxsize');
  if (maxSize !== undefined) result.maxBytes = optionCount('truncationmaxsize', maxSize);
  return result;
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
  const limits = applyLimitOptions({ ...DEFAULT_RESULT_LIMITS }, option);

  let now = nowTicks();
  const queryNow = option('query_now');
  if (queryNow !== undefined) {
    const ms = typeof queryNow === 'string' ? Date.parse(queryNow.replace(/^datetime\((.*)\)$/i, '$1')) : NaN;
    if (Number.isNaN(ms))
      throw syntaxError(`Request option 'query_now' must be a datetime, not ${JSON.stringify(queryNow)}.`);
    now = BigInt(ms) * TICKS_PER_MS;
  }
  return { parameters, options, limits, now };
}
