/**
 * What a compiled query holds at run time: rows, plans, and the per-request state (now, deadline, catalog) they read.
 *
 * A compiled query is cached and reused across requests. Its closures read the request's state from one `Runtime`
 * object that `executeQuery` fills before each run. A run yields between time slices (plans' `run()` are generators)
 * so that the server answers others meanwhile; a plan under way is `busy`, and a concurrent request for the same text
 * compiles a plan of its own, so two runs never share a runtime.
 *
 * Why cooperative slices rather than worker threads: the catalog (every table's rows) lives in this thread, and a
 * worker would need a copy of it kept in step with every ingestion; a generator per operator costs a `yield*` per
 * operator and a property read per row (measured: within the noise of the in-process evaluation figures).
 */
import type { Catalog } from '../catalog';
import type { Column, Database, Extent, Value } from '../model';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, resourceLimits } from 'node:worker_threads';
import { KustoEmulatorError } from '../errors';
import {
  DEFAULT_QUERY_MEMORY_BUDGET,
  heapNearlyFullError,
  MAX_STRING_VALUE_LENGTH,
  queryMemoryExceeded,
  stringTooLong,
} from '../limits';
import { parseTimespan } from '../values/timespanText';

/** One row: values in the relation's column order. */
export type Row = Value[];

/** A compiled scalar expression, evaluated against one input row. */
export type ScalarPlan = (row: Row) => Value;

/**
 * A run of a tabular plan: a generator that yields (nothing) whenever the query's time slice is used up, so that the
 * server can answer other requests before resuming it, and returns the rows.
 */
export type RowsRun = Generator<void, Row[], void>;

/** A compiled tabular expression: its schema (known at compile time) and how to produce its rows. */
export interface TabularPlan {
  /** Output columns. */
  readonly columns: Column[];
  /** Produces the rows; the arrays may be shared with the input and must be treated as read-only. */
  run(): RowsRun;
}

/** Runs a plan to its end without yielding (subqueries evaluated inside a scalar: toscalar, `in (…)`). */
export function drain(run: RowsRun): Row[] {
  let step = run.next();
  while (!step.done) step = run.next();
  return step.value;
}

/**
 * Row arrays whose rows nothing else holds (a project's output: each row made anew), so a query's result may hand them
 * to the caller as they are rather than copy every row (callers own the rows executeQuery returns).
 */
const freshRows = new WeakSet<Row[]>();

/** Marks `rows` as rows nothing else holds, and returns them. */
export function markFresh(rows: Row[]): Row[] {
  freshRows.add(rows);
  return rows;
}

/** Whether `rows` were marked by {@link markFresh}. */
export function isFresh(rows: Row[]): boolean {
  return freshRows.has(rows);
}

/** A plan whose rows are computed at once, without yielding. */
// eslint-disable-next-line require-yield -- a run of rows already there: nothing to give way for
export function* rowsOf(rows: Row[]): RowsRun {
  return rows;
}

/**
 * Ingestion time of stored rows, for `ingestion_time()`: registered per extent the first time a query that calls the
 * function scans it (rows are never changed in place, so the association stays valid; both maps are weak).
 */
const ingestionTimes = new WeakMap<Row, bigint>();
const registeredExtents = new WeakSet<Extent>();

/** Makes the rows of `extent` answer `ingestion_time()`. */
export function registerIngestionTimes(extent: Extent): void {
  if (registeredExtents.has(extent)) return;
  for (const row of extent.rows) ingestionTimes.set(row, extent.ingestionTime);
  registeredExtents.add(extent);
}

/** The ingestion time of a stored row, or null for rows computed by the query. */
export function ingestionTimeOf(row: Row): bigint | null {
  return ingestionTimes.get(row) ?? null;
}

/** Deadline checks between two looks at the heap (each costs a few microseconds). */
const HEAP_CHECK_EVERY = 4;

/** The share of the heap past which the query under way fails. */
const HEAP_FULL = 0.75;

/**
 * The old generation's limit when one was set (a Worker's `resourceLimits`, `--max-old-space-size`), in bytes. V8
 * aborts when the old generation is full, and `heap_size_limit` adds the young generation on top: on Node 24 a 300 MB
 * old space reports a 492 MB limit, so 75% of it would come too late.
 */
function oldSpaceLimit(): number {
  const workerLimit = isMainThread ? undefined : resourceLimits.maxOldGenerationSizeMb;
  const flag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
    .map((arg) => /^--max-old-space-size=(\d+)$/.exec(arg)?.[1])
    .find((value) => value !== undefined);
  const mb = workerLimit ?? (flag === undefined ? undefined : Number(flag));
  return mb === undefined || !Number.isFinite(mb) || mb <= 0 ? Infinity : mb * 1024 * 1024;
}

const OLD_SPACE_LIMIT = oldSpaceLimit();

/** The heap's size limit, in bytes: V8's, or the old generation's when that is smaller. */
function heapLimit(): number {
  return Math.min(getHeapStatistics().heap_size_limit, OLD_SPACE_LIMIT);
}

/** Whether the heap is over 75% of its limit: near it V8 spends its time collecting, then aborts the process. */
function heapNearlyFull(): boolean {
  return getHeapStatistics().used_heap_size > HEAP_FULL * heapLimit();
}

/** Rows checked between two deadline checks in row loops. */
export const DEADLINE_CHECK_INTERVAL = 4096;

/**
 * Most rows one operator may produce. Kusto fails runaway queries rather than exhaust memory; the emulator, running
 * inside the developer's process, stops at this count so a `range` or join typo cannot take the process down.
 */
export const MAX_INTERMEDIATE_ROWS = 5_000_000;

/** Default `servertimeout` of Kusto queries: 4 minutes. */
export const DEFAULT_SERVER_TIMEOUT_MS = 4 * 60 * 1000;

/** Per-request state shared by the closures of one compiled query. */
export class Runtime {
  /**
   * The runtime of the query being evaluated, for work counted where no runtime is passed (regular expressions).
   * Evaluation is synchronous between yields, so one is active at a time.
   */
  static active: Runtime | undefined;
  /**
   * Bytes accounted by every run under way: queries run side by side (in slices), and each under its own budget could
   * still fill the heap together, so their sum is held to the default budget too.
   */
  static totalUsed = 0;
  /** The request's now(), in ticks. */
  now = 0n;
  /** Wall-clock deadline (Date.now() milliseconds). */
  deadline = Infinity;
  /** Whether the query calls ingestion_time(), so table scans register their rows' ingestion times. */
  usesIngestionTime = false;
  /** Incremented per run: memoized values (tabular lets, toscalar) are valid for one run only. */
  runId = 0;
  /** All databases. */
  catalog!: Catalog;
  /** The database in scope. */
  database!: Database;
  /** Checks a read of another database (see QueryRequest.readDatabase). */
  readDatabase: ((database: string) => void) | undefined;
  /** Bytes the run's values may hold (see {@link charge}). */
  memoryBudget = DEFAULT_QUERY_MEMORY_BUDGET;
  /** Estimated bytes of the values the run has produced so far. */
  memoryUsed = 0;
  /**
   * Set once the run's time slice is used up (seen at a deadline check): row loops read it each row and yield, so a
   * slow query gives way to others at least every slice. Cleared when the run is resumed.
   */
  yieldDue = false;
  /** Whether a run is under way: a cached plan in use is not handed to a concurrent request. */
  busy = false;
  /** When the current time slice ends (Date.now() milliseconds); Infinity when the run never yields. */
  private sliceEnd = Infinity;
  private counter = 0;
  private heapChecks = 0;

  /** Starts a run: a fresh memory account, the deadline and the budget of this request. */
  begin(deadline: number, memoryBudget: number): void {
    this.deadline = deadline;
    this.memoryBudget = memoryBudget;
    this.memoryUsed = 0;
    this.counter = 0;
    this.runId++;
    this.busy = true;
    this.resume(Infinity);
  }

  /** Makes this the active runtime for a slice of `sliceMs` milliseconds (Infinity: no yielding). */
  resume(sliceMs: number): void {
    this.sliceEnd = Date.now() + sliceMs;
    this.yieldDue = false;
    Runtime.active = this;
  }

  /** Ends a run. */
  end(): void {
    this.busy = false;
    Runtime.totalUsed -= this.memoryUsed;
    this.memoryUsed = 0;
    this.yieldDue = false;
    if (Runtime.active === this) Runtime.active = undefined;
  }

  /** Counts `n` processed rows and throws once the deadline has passed (checked every few thousand rows). */
  tick(n = 1): void {
    this.counter += n;
    if (this.counter >= DEADLINE_CHECK_INTERVAL) {
      this.counter = 0;
      this.checkDeadline();
    }
  }

  /**
   * Counts work other than rows (`units` characters scanned by a regular expression, repeated or copied by a string
   * function), so that a few costly rows reach the deadline check as surely as many cheap ones.
   */
  work(units: number): void {
    this.tick(units);
  }

  /**
   * Accounts a string value a function produced: fails the query when it is longer than one value may be, or when the
   * run's values together pass the memory budget. The engine materialises each operator's rows, so what a run
   * produced is close to what it holds; counting at production costs one addition per value.
   */
  chargeString(value: string, producer: string): void {
    const n = value.length;
    if (n > MAX_STRING_VALUE_LENGTH) throw stringTooLong(producer, n);
    // Two bytes per UTF-16 code unit, plus the string's header.
    this.charge(2 * n + 16);
    this.tick(n >>> 6);
  }

  /** Accounts an array of `length` elements a function produced (8 bytes a slot, its elements apart). */
  chargeArray(length: number): void {
    this.charge(8 * length + 16);
    this.tick(length);
  }

  /** Accounts `n` new rows of `width` values: the row arrays and their slots (values are accounted apart). */
  chargeRows(n: number, width: number): void {
    this.charge(n * (32 + 8 * width));
  }

  /** Adds `bytes` to the run's memory account; throws Kusto's low-memory failure past the budget. */
  charge(bytes: number): void {
    this.memoryUsed += bytes;
    Runtime.totalUsed += bytes;
    if (this.memoryUsed > this.memoryBudget) throw queryMemoryExceeded(this.memoryBudget);
    if (Runtime.totalUsed > DEFAULT_QUERY_MEMORY_BUDGET) throw queryMemoryExceeded(DEFAULT_QUERY_MEMORY_BUDGET, true);
  }

  /** Throws the query-expired error when the deadline has passed. */
  checkDeadline(): void {
    const now = Date.now();
    if (now > this.deadline) throw queryExpired();
    if (now >= this.sliceEnd) this.yieldDue = true;
    // The backstop for what the accounting does not see (dynamic values, aggregation state): a heap nearly full fails
    // the query under way rather than aborting the process.
    if (++this.heapChecks % HEAP_CHECK_EVERY === 0 && heapNearlyFull())
      throw heapNearlyFullError(Math.floor(HEAP_FULL * heapLimit()));
  }
}

/**
 * The error Kusto reports when a query runs past its `servertimeout`: "Query execution has resulted in error
 * (0x80DA0006): Query is expired.", answered 504 (the REST API's status table: "Request has timed out"); retrying
 * with a longer timeout can cure it, hence not permanent.
 */
export function queryExpired(): KustoEmulatorError {
  return new KustoEmulatorError('Query execution has resulted in error (0x80DA0006): Query is expired.', {
    status: 504,
    code: 'Query_Expired',
    kustoType: 'Kusto.DataNode.Exceptions.QueryExpiredException',
    permanent: false,
  });
}

/** The error for an operator producing more than {@link MAX_INTERMEDIATE_ROWS} rows. */
export function tooManyRows(operator: string): KustoEmulatorError {
  return new KustoEmulatorError(
    `Query execution has exceeded the allowed limits (80DA0001): the '${operator}' operator produced more than ${MAX_INTERMEDIATE_ROWS} rows, the most the emulator holds in one intermediate result.`,
    {
      status: 500,
      code: 'LimitsExceeded',
      kustoType: 'Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException',
    },
  );
}

/**
 * The query's time budget in milliseconds from request options: `servertimeout` as a timespan text
 * (`00:00:10`, `00:04:00.500`, `10s`) or a number of milliseconds; `norequesttimeout` lifts the limit.
 */
export function serverTimeoutMs(options: Record<string, unknown>): number {
  if (options.norequesttimeout === true || options.norequesttimeout === 'true') return Infinity;
  const raw = options.servertimeout;
  if (raw === undefined || raw === null || raw === '') return DEFAULT_SERVER_TIMEOUT_MS;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) return raw;
  if (typeof raw === 'string') {
    const ticks = parseTimespan(raw);
    if (ticks !== null && ticks > 0n) return Number(ticks) / 10_000;
  }
  throw new KustoEmulatorError(
    `The request property 'servertimeout' has an invalid value: ${JSON.stringify(raw)} (expected a timespan such as '00:04:00').`,
  );
}
