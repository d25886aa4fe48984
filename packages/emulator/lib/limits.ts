/**
 * Limits that keep the emulator serving: the size of one value, the nesting of a `dynamic` value, the memory a query
 * may hold and the shape of a query text. A request over a limit fails with Kusto's error shape; the process goes on.
 *
 * Kusto's own numbers where it documents them: `dynamic` nesting as JSON ingestion's 512 levels; strings as the
 * largest `MaxValueSize` an encoding policy allows (32 MB; ingestion truncates at 1 MB by default); the memory budget
 * of a query as `max_memory_consumption_per_query_per_node`, bounded here by the process' heap so that a query over
 * it fails instead of aborting the process.
 */
import { getHeapStatistics } from 'node:v8';
import { KustoEmulatorError } from './errors';
import type { DynamicValue } from './model';

/** Deepest nesting of arrays and property bags in a `dynamic` value (JSON ingestion's limit). */
export const MAX_DYNAMIC_DEPTH = 512;

/** Longest string value a query may produce, in UTF-16 code units (an encoding policy's largest MaxValueSize). */
export const MAX_STRING_VALUE_LENGTH = 32 * 1024 * 1024;

/**
 * Longest query text accepted: Kusto.Language's parse and analysis take about a second per 100 KB of the costliest
 * shapes (long pipelines, big datatable literals), and a query's parse cannot be interrupted.
 */
export const MAX_QUERY_TEXT_LENGTH = 256 * 1024;

/**
 * Deepest nesting of brackets in a query text: deeper texts are refused before the parser sees them. Measured with
 * Kusto.Language here: 256 levels parse in ~20 ms, 512 in ~170 ms, 4096 in ~1.9 s (it grows faster than the text).
 */
export const MAX_QUERY_NESTING = 256;

/**
 * Most bytes the values of one query may hold by default: half the heap, at most 4 GiB. Requests may lower it with
 * `max_memory_consumption_per_query_per_node` (or `maxmemoryconsumptionperiterator`), never raise it past this.
 */
export const DEFAULT_QUERY_MEMORY_BUDGET = Math.min(4 * 1024 ** 3, Math.floor(getHeapStatistics().heap_size_limit / 2));

/** The error of a query that goes over one of Kusto's limits: Kusto's "exceeded the allowed limits" failure. */
export function limitsExceeded(detail: string, code = 'LimitsExceeded'): KustoEmulatorError {
  return new KustoEmulatorError(`Query execution has exceeded the allowed limits (80DA0001): ${detail}`, {
    status: 500,
    code,
    kustoType: 'Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException',
  });
}

/**
 * A query whose values would go past its memory budget (Kusto's E_LOW_MEMORY_CONDITION); `shared` when the budget
 * passed is the one of every query under way (or the heap itself).
 */
export function queryMemoryExceeded(budget: number, shared = false): KustoEmulatorError {
  const what = shared
    ? `the queries running now hold more than the emulator's ${budget} bytes`
    : `the query's values exceed its memory budget of ${budget} bytes (max_memory_consumption_per_query_per_node)`;
  return limitsExceeded(
    `${what}; aggregate, filter or take earlier in the query (E_LOW_MEMORY_CONDITION).`,
    'E_LOW_MEMORY_CONDITION',
  );
}

/** The heap holds more than `bytes` (most of its limit) while a query runs: the query fails, the process goes on. */
export function heapNearlyFullError(bytes: number): KustoEmulatorError {
  return limitsExceeded(
    `the emulator's heap holds more than ${bytes} bytes, near its limit; aggregate, filter or take earlier in the query (E_LOW_MEMORY_CONDITION).`,
    'E_LOW_MEMORY_CONDITION',
  );
}

/** A string value longer than {@link MAX_STRING_VALUE_LENGTH}, made by `what` (a function name). */
export function stringTooLong(what: string, length: number): KustoEmulatorError {
  return limitsExceeded(
    `the string value produced by ${what} would be ${length} characters long; the most one value may hold is ${MAX_STRING_VALUE_LENGTH} (E_STRING_TOO_LONG).`,
    'E_STRING_TOO_LONG',
  );
}

/** A dynamic value nested deeper than {@link MAX_DYNAMIC_DEPTH} levels, named by where it came from. */
export function dynamicTooDeep(where: string): KustoEmulatorError {
  return new KustoEmulatorError(
    `${where}: the dynamic value is nested deeper than ${MAX_DYNAMIC_DEPTH} levels, the most Kusto accepts.`,
    { status: 400, code: 'BadRequest_DynamicTooDeep' },
  );
}

/**
 * Whether JSON text (or a KQL dynamic literal) nests `[` and `{` deeper than `limit`, counted without parsing (strings
 * skipped) and stopping as soon as it passes `limit`: the check runs before JSON.parse, whose recursion a deep text could exhaust.
 */
export function jsonNestingExceeds(text: string, limit = MAX_DYNAMIC_DEPTH): boolean {
  // Texts too short to nest past the limit need no scan.
  if (text.length <= limit) return false;
  let depth = 0;
  // The quote that opened the string being skipped (0 outside strings); KQL dynamic literals also quote with '.
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 /* \ */) i++;
      else if (c === quote) quote = 0;
    } else if (c === 34 /* " */ || c === 39 /* ' */) quote = c;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/**
 * Whether a dynamic value nests arrays and bags deeper than `limit`; iterative, so a value of any depth is measured
 * without exhausting the stack. Scalars answer at once.
 */
export function dynamicDepthExceeds(value: DynamicValue | unknown, limit = MAX_DYNAMIC_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Refuses a query text before Kusto.Language parses it when it is longer than {@link MAX_QUERY_TEXT_LENGTH} or nests
 * brackets deeper than {@link MAX_QUERY_NESTING}: the parser's time grows steeply with nesting (a 40 KB text of
 * parentheses took it 26 s). String literals and comments are skipped, so brackets inside them do not count.
 */
export function checkQueryShape(text: string): void {
  if (text.length > MAX_QUERY_TEXT_LENGTH) {
    throw queryTooComplex(
      `the query text is ${text.length} characters long; the most accepted is ${MAX_QUERY_TEXT_LENGTH}`,
    );
  }
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') {
      if (++depth > MAX_QUERY_NESTING) {
        throw queryTooComplex(
          `brackets nest deeper than ${MAX_QUERY_NESTING} levels (at character ${i + 1}); flatten the expression (for example 'x in (…)' instead of chained 'or')`,
        );
      }
    } else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '"' || c === "'") i = skipQuoted(text, i, c);
    else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '`' && text.startsWith('```', i)) {
      const end = text.indexOf('```', i + 3);
      i = end < 0 ? text.length : end + 2;
    }
  }
}

/** Index of the quote closing the literal opened at `start` (verbatim `@'…'` literals double their quotes). */
function skipQuoted(text: string, start: number, quote: string): number {
  const verbatim = start > 0 && text[start - 1] === '@';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && !verbatim) i++;
    else if (c === quote) {
      if (verbatim && text[i + 1] === quote) i++;
      else return i;
    } else if (c === '\n' && !verbatim) return i;
  }
  return text.length;
}

/** A query text refused before parsing: Kusto's complexity failure, as a bad request. */
function queryTooComplex(detail: string): KustoEmulatorError {
  return new KustoEmulatorError(`The query is too complex to process: ${detail} (E_QUERY_TOO_COMPLEX).`, {
    status: 400,
    code: 'BadRequest_QueryTooComplex',
    kustoType: 'Kusto.Data.Exceptions.SyntaxException',
  });
}
