/**
 * The emulator's KQL engine: runs a query text against a database.
 *
 * CONTRACT (owned by the KQL engine; the server and management commands call only this file):
 * - `executeQuery` parses (Kusto.Language, loaded lazily and cached by schema version + text), checks,
 *   and evaluates a query, returning one result table per tabular result the query produces.
 * - Errors are `KustoEmulatorError`s worded like Kusto's.
 */
import type { Catalog } from '../catalog';
import type { Column, Database, Value } from '../model';
import { KustoEmulatorError } from '../errors';
import { kusto } from './language';
import { schemaSymbols } from './schema';
import { QueryCompiler, type CompiledQuery } from './queryCompiler';
import { diagnosticsError } from './diagnostics';
import { LruCache } from './planCache';
import { isFresh, Runtime, serverTimeoutMs } from './runtime';
import { checkQueryShape, DEFAULT_QUERY_MEMORY_BUDGET, limitsExceeded } from '../limits';
import { parseParameterValue } from '../values/valueReaders';
import type { Visualization } from './render';

/** One query to run. */
export interface QueryRequest {
  /** All databases (for `database("x").T` and cross-database function calls). */
  catalog: Catalog;
  /** The database in scope (the request's `db`). */
  database: Database;
  /** Query text as the client sent it (`csl`). */
  text: string;
  /** `properties.Parameters`: name → value text, typed by the query's `declare query_parameters`. */
  parameters: Record<string, string>;
  /** `properties.Options` (request properties such as `servertimeout`, `truncationmaxrecords`). */
  options: Record<string, unknown>;
  /** The request's `now()`, in ticks; one value for the whole request. */
  now: bigint;
  /**
   * When given, receives the query's `set` statements (`set notruncation;` → `notruncation: true`,
   * `set truncationmaxrecords=10;` → `truncationmaxrecords: 10n`), which Kusto applies like request options.
   */
  setOptions?: Record<string, Value>;
  /**
   * When given, called before the query reads a table of another database than `database` (`database('x').T`, a
   * cross-database function): it throws to refuse, as the caller's roles in that database decide.
   */
  readDatabase?: (database: string) => void;
}

/** One tabular result. */
export interface ResultTable {
  /** Name: `PrimaryResult` for unnamed results, or the name given by `as` / `fork`. */
  name: string;
  /** Columns with their Kusto types. */
  columns: Column[];
  /** Rows in column order. */
  rows: Value[][];
  /** The chart Kusto's clients draw, when the result's statement ends in `render`. */
  visualization?: Visualization;
}

/** Compiled queries kept: enough for an app's distinct queries, bounded so ad-hoc queries cannot grow it. */
const PLAN_CACHE_SIZE = 256;
const plans = new LruCache<CompiledQuery>(PLAN_CACHE_SIZE);
const counters = { compilations: 0, cacheHits: 0 };

/** How often queries were compiled and how often a cached plan served them (for specs and benchmarks). */
export function queryEngineStats(): { compilations: number; cacheHits: number } {
  return { ...counters };
}

/** Parses, analyses and compiles a query, or returns the cached plan for the same schema and text. */
function compile(request: QueryRequest): CompiledQuery {
  const schema = schemaSymbols(request.catalog, request.database);
  const key = `${schema.key}\u0002${request.text}`;
  const cached = plans.get(key);
  // A plan holds its run's state: while one request runs it (yielding between slices), another compiles its own.
  if (cached && !cached.runtime.busy) {
    counters.cacheHits++;
    return cached;
  }
  counters.compilations++;
  checkQueryShape(request.text);
  const code = kusto().KustoCode.ParseAndAnalyze(request.text, schema.globals);
  const error = diagnosticsError(code, request.text);
  if (error) throw error;
  const compiled = new QueryCompiler(schema).compileQuery(code.Syntax);
  if (!cached) plans.set(key, compiled);
  return compiled;
}

/** Stores each declared parameter's value for this run: the request's value parsed as the declared type, or the default. */
function bindParameters(compiled: CompiledQuery, request: QueryRequest): void {
  for (const p of compiled.parameters) {
    const text = Object.prototype.hasOwnProperty.call(request.parameters, p.name)
      ? request.parameters[p.name]
      : undefined;
    if (text === undefined) {
      if (!p.defaultValue) {
        throw new KustoEmulatorError(
          `Semantic error: the query parameter '${p.name}' (${p.type}) is declared without a default value and the request gives no value for it.`,
        );
      }
      p.slot.value = p.defaultValue([]);
      continue;
    }
    try {
      p.slot.value = parseParameterValue(p.type, String(text));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new KustoEmulatorError(
        `The value of the query parameter '${p.name}' (declared ${p.type}) is invalid: ${reason}`,
      );
    }
  }
}

/**
 * Runs a query to its end, synchronously; throws a `KustoEmulatorError` for syntax, semantic and runtime errors.
 * Management commands use it (`.set T <| query`); the server runs queries with {@link executeQueryAsync}.
 */
export function executeQuery(request: QueryRequest): ResultTable[] {
  const run = startRun(request);
  try {
    run.runtime.resume(Infinity);
    let step = run.results.next();
    while (!step.done) step = run.results.next();
    return step.value;
  } catch (error) {
    throw runError(error);
  } finally {
    run.runtime.end();
  }
}

/** Milliseconds a query runs before it lets the event loop serve others (then resumes where it stopped). */
export const QUERY_SLICE_MS = 5;

/**
 * Runs a query in slices of {@link QUERY_SLICE_MS}: between slices the event loop serves other requests, so a query
 * that runs for seconds does not hold the server. Same results and errors as {@link executeQuery}.
 */
export async function executeQueryAsync(request: QueryRequest): Promise<ResultTable[]> {
  const run = startRun(request);
  try {
    for (;;) {
      run.runtime.resume(QUERY_SLICE_MS);
      const step = run.results.next();
      if (step.done) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    throw runError(error);
  } finally {
    run.runtime.end();
  }
}

/** A query started: its runtime, and its results as a generator yielding between slices. */
interface QueryRun {
  runtime: Runtime;
  results: Generator<void, ResultTable[], void>;
}

/** Compiles (or takes the cached plan) and prepares a run; nothing is evaluated until `results` is stepped. */
function startRun(request: QueryRequest): QueryRun {
  const compiled = compile(request);
  const rt = compiled.runtime;
  const budget = memoryBudget(request.options, compiled.setOptions);
  const timeout = serverTimeoutMs(request.options);
  rt.now = request.now;
  rt.catalog = request.catalog;
  rt.database = request.database;
  rt.readDatabase = request.readDatabase;
  rt.begin(Date.now() + timeout, budget);
  try {
    if (request.setOptions) Object.assign(request.setOptions, compiled.setOptions);
    bindParameters(compiled, request);
  } catch (error) {
    rt.end();
    throw error;
  }
  return { runtime: rt, results: evaluate(compiled) };
}

function* evaluate(compiled: CompiledQuery): Generator<void, ResultTable[], void> {
  const tables: ResultTable[] = [];
  const handedOut = new Set<Value[][]>();
  for (const r of compiled.results) {
    const rows = yield* r.plan.run();
    // Fresh row arrays: plans may hand out the table's own row arrays, which callers must never be able to change. A
    // project's rows are its own (isFresh): handed out as they are, once (two results may be the same let's rows).
    const own = isFresh(rows) && !handedOut.has(rows);
    handedOut.add(rows);
    tables.push({
      name: r.name,
      columns: r.plan.columns.map((c) => ({ ...c })),
      rows: own ? rows : rows.map((row) => row.slice()),
      ...(r.visualization ? { visualization: r.visualization } : {}),
    });
  }
  return tables;
}

/**
 * V8's own limits (a string or array past its largest length, a recursion past the stack) are the query's limits
 * too: the query fails as Kusto fails one over its limits, not as an internal error.
 */
function runError(error: unknown): unknown {
  if (error instanceof RangeError) return limitsExceeded(`${error.message} (E_RUNAWAY_QUERY).`, 'E_RUNAWAY_QUERY');
  return error;
}

/** Request options and `set` statements that lower a query's memory budget (the lowest wins, as in Kusto). */
const MEMORY_OPTIONS = ['max_memory_consumption_per_query_per_node', 'maxmemoryconsumptionperiterator'];

/** The run's memory budget: the default, lowered by the request's options or the query's `set` statements. */
function memoryBudget(options: Record<string, unknown>, setOptions: Record<string, Value>): number {
  let budget = DEFAULT_QUERY_MEMORY_BUDGET;
  for (const source of [options, setOptions]) {
    for (const [key, raw] of Object.entries(source)) {
      if (!MEMORY_OPTIONS.includes(key.toLowerCase())) continue;
      const n = typeof raw === 'bigint' ? Number(raw) : typeof raw === 'string' ? Number(raw.trim()) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
        throw new KustoEmulatorError(
          `The request option '${key}' must be a positive number of bytes, not ${JSON.stringify(String(raw))}.`,
        );
      }
      budget = Math.min(budget, n);
    }
  }
  return budget;
}

/**
 * Loads Kusto.Language and builds its parser (about 1.5 s of CPU the first time), so the first query does not pay
 * for it. A host may call this once after start-up; queries work without it.
 */
export function warmUpQueryEngine(): void {
  kusto().KustoCode.ParseAndAnalyze('print 1', kusto().GlobalState.Default);
}

/** Forgets every compiled query (for tests measuring cold compilation). */
export function clearQueryCache(): void {
  plans.clear();
}
