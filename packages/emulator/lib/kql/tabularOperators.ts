/**
 * Tabular operators that work row by row or on the whole input (where, project family, extend, take, top, sort,
 * distinct, count, as, getschema, serialize, render, invoke, union, print, range, datatable), and the dispatch to
 * the operators with modules of their own (summarize, join, lookup, mv-expand, parse).
 */
import type { Column, KustoScalarType, Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { getschemaTypeOf } from '../typeNames';
import { elements, kindOf, textOf, type KNode } from './language';
import {
  markFresh,
  MAX_INTERMEDIATE_ROWS,
  rowsOf,
  tooManyRows,
  type Row,
  type RowsRun,
  type ScalarPlan,
  type TabularPlan,
} from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, firstToken } from './nodeText';
import { named, operatorParameters, type NamedExpression } from './operatorSyntax';
import { assemble, checkTypes, selectByName } from './operatorColumns';
import { compositeKey } from './compositeKey';
import { binaryOperator, compareValues, convertValue } from './scalarApi';
import { compileSummarize } from './summarize';
import { columnsReadBy, compileJoin, compileLookup, leftFilterable } from './join';
import { compileMvExpand } from './mvExpand';
import { compileParse } from './parse';
import { compileMvApply } from './mvApply';
import type { SubqueryCompiler } from './subquery';
import { compilePartition } from './partition';
import { compileScan } from './scan';
import { compileTopNested } from './topNested';
import { compileParseKv } from './parseKv';
import { compileEvaluate } from './evaluate';
import type { PipedOperatorKind, SourceOperatorKind } from './constructs';
import { isVolatile, markVolatile } from './determinism';
import { compileSample, compileSampleDistinct } from './sampling';
import { literalValue } from './literals';
import { topRows } from './topRows';
import { longRange, longRangeFits } from './fastPaths';
import { columnComparison, columnVector, scanComparison } from './columnVectors';
import { compileWindowed } from './window';
import { compileMakeSeries } from './makeSeries';
import { compileTupleOperator } from './seriesStats';

/** Rows a filter tests between two looks at the deadline and the time slice. */
const FILTER_CHUNK = 4096;

/**
 * Rows of `input` filtered by a predicate, checking the deadline and yielding as it goes; with `out` undefined, only
 * counted (`where … | count` needs no array of the rows).
 */
function* filterRows(c: Compiler, input: TabularPlan, predicate: ScalarPlan, out?: Row[]): Generator<void, number> {
  const rows = yield* input.run();
  const rt = c.runtime;
  const n = rows.length;
  let found = 0;
  let i = 0;
  // A column compared with a constant reads the column's vector (columnVectors.ts) when one is kept for these rows.
  const comparison = columnComparison(predicate);
  const vector = comparison && columnVector(rows, comparison.column);
  // Tested a chunk at a time in a plain function (loops in generators run slower); a costly predicate (a regex over
  // a long value) may use up the time slice within a chunk, so the chunk ends early when it does.
  const scan = (to: number) => {
    if (vector) {
      found += scanComparison(comparison, vector, rows, predicate, i, to, out);
      i = to;
      return;
    }
    while (i < to) {
      const r = rows[i++];
      if (predicate(r) === true) {
        found++;
        if (out) out.push(r);
      }
      if (rt.yieldDue) return;
    }
  };
  // A vector scan is cheap per row: longer chunks.
  const chunk = vector ? 16 * FILTER_CHUNK : FILTER_CHUNK;
  while (i < n) {
    const from = i;
    scan(Math.min(n, from + chunk));
    rt.tick(i - from);
    if (rt.yieldDue) yield;
  }
  return found;
}

/** The input and predicate of each filter plan, so that `count` after it can count without building its rows. */
const filters = new WeakMap<TabularPlan, { input: TabularPlan; predicate: ScalarPlan }>();

/** Rows of `input` mapped by `f`, checking the deadline and yielding as it goes. */
export function* mapRows(c: Compiler, input: TabularPlan, f: (row: Row) => Row): RowsRun {
  return yield* mapRowArray(c, yield* input.run(), f);
}

/** Maps rows, checking the deadline and yielding as it goes. */
function* mapRowArray(c: Compiler, rows: Row[], f: (row: Row) => Row): RowsRun {
  const rt = c.runtime;
  const n = rows.length;
  const out = new Array<Row>(n);
  for (let i = 0; i < n; i++) {
    out[i] = f(rows[i]);
    if ((i & 4095) === 4095) {
      rt.tick(4096);
      rt.chargeRows(4096, out[i].length);
    }
    if (rt.yieldDue) yield;
  }
  return out;
}

/** A scalar evaluated once per run (operator arguments such as `take 10`), as a non-negative row count. */
function countArgument(c: Compiler, node: KNode, scope: Scope, what: string): () => number {
  const plan = c.scalar(node, [], scope);
  return () => {
    const v = plan([]);
    if (v === null) throw syntaxError(`Semantic error: the row count of '${what}' is null.`);
    const n = Number(v);
    if (!Number.isFinite(n)) throw syntaxError(`Semantic error: the row count of '${what}' is not a number.`);
    return Math.max(0, Math.trunc(n));
  };
}

/** Compiles `input | operator`. */
export function compileOperator(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const windowed = compileWindowed(c, op, input, scope, compileOperator);
  if (windowed) return windowed;
  const tuple = compileTupleOperator(c, op, input, scope);
  if (tuple) return tuple;
  const kind = kindOf(op);
  // Typed by constructs.ts's list: a case missing from it does not compile (the README's table is generated from it).
  switch (kind as PipedOperatorKind) {
    case 'FilterOperator': {
      const predicate = c.scalar(op.Condition as KNode, input.columns, scope);
      const pushdown = leftFilterable.get(input);
      if (pushdown) {
        const read = columnsReadBy(c, op.Condition as KNode);
        const onLeft = (name: string) => {
          const i = input.columns.findIndex((col) => col.name === name);
          return i >= 0 && i < pushdown.leftWidth;
        };
        if (read && [...read].every(onLeft)) return pushdown.apply(predicate);
      }
      const plan: TabularPlan = {
        columns: input.columns,
        run: function* () {
          const out: Row[] = [];
          yield* filterRows(c, input, predicate, out);
          return out;
        },
      };
      filters.set(plan, { input, predicate });
      return plan;
    }
    case 'ProjectOperator':
      return compileProject(c, op, input, scope);
    case 'ExtendOperator':
      return compileExtend(c, op, input, scope);
    case 'ProjectAwayOperator':
    case 'ProjectKeepOperator':
    case 'ProjectReorderOperator': {
      const columns = c.columns(op);
      const idx = selectByName(input.columns, columns, `'${firstToken(op)}'`);
      return { columns, run: () => mapRows(c, input, (r) => idx.map((i) => r[i])) };
    }
    case 'ProjectRenameOperator':
      return compileProjectRename(c, op, input);
    case 'TakeOperator': {
      const count = countArgument(c, op.Expression as KNode, scope, 'take');
      return {
        columns: input.columns,
        run: function* () {
          return (yield* input.run()).slice(0, count());
        },
      };
    }
    case 'TopOperator':
      return compileTop(c, op, input, scope);
    case 'SortOperator':
      return compileSort(c, op, input, scope);
    case 'DistinctOperator':
      return compileDistinct(c, op, input, scope);
    case 'CountOperator': {
      const columns = c.columns(op);
      const filter = filters.get(input);
      if (filter) {
        return {
          columns,
          run: function* () {
            return [[BigInt(yield* filterRows(c, filter.input, filter.predicate))]];
          },
        };
      }
      return {
        columns,
        run: function* () {
          return [[BigInt((yield* input.run()).length)]];
        },
      };
    }
    case 'AsOperator': {
      const name = (op.Name as KNode).SimpleName as string;
      // `as hint.materialized=true` computes the rows once; plain `as` only when they are the same at each evaluation.
      const hinted = operatorParameters(op).get('hint.materialized')?.toLowerCase() === 'true';
      const source = (op as unknown as { Parent?: KNode }).Parent?.Expression;
      const volatile = !hinted && source !== undefined && source !== null && isVolatile(source, scope);
      const plan = scope.inFunction ? input : volatile ? markVolatile(input) : c.memoized(input);
      scope.define(name, { kind: 'tabular', plan, sourceName: name });
      return plan;
    }
    case 'GetSchemaOperator':
      return compileGetSchema(c, op, input);
    case 'SerializeOperator':
      // `serialize name = expr, …` extends the rows as extend does.
      return elements(op.Expressions).length > 0 ? compileExtend(c, op, input, scope) : input;
    case 'RenderOperator':
      // render only adds visualization metadata to the response; the rows are the input's.
      return input;
    case 'InvokeOperator': {
      const call = c.callUserFunction(op.Function as KNode, scope, [], input);
      if (!call.tabular) throw notSupported(`'invoke' of the scalar function '${clip(textOf(op.Function as KNode))}'`);
      return call.tabular;
    }
    case 'UnionOperator':
      return compileUnion(c, op, input, scope);
    case 'SummarizeOperator':
      return compileSummarize(c, op, input, scope);
    case 'JoinOperator':
      return compileJoin(c, op, input, scope);
    case 'LookupOperator':
      return compileLookup(c, op, input, scope);
    case 'MvExpandOperator':
      return compileMvExpand(c, op, input, scope);
    case 'ParseOperator':
      return compileParse(c, op, input, scope);
    case 'MakeSeriesOperator':
      return compileMakeSeries(c, op, input, scope);
    case 'ParseWhereOperator':
      return compileParse(c, op, input, scope, true);
    case 'ParseKvOperator':
      return compileParseKv(c, op, input, scope);
    case 'EvaluateOperator':
      return compileEvaluate(c, op, input, scope);
    case 'MvApplyOperator':
      return compileMvApply(c, op, input, scope, subqueryOf(c));
    case 'PartitionOperator':
      return compilePartition(c, op, input, scope, subqueryOf(c));
    case 'ScanOperator':
      return compileScan(c, op, input, scope);
    case 'TopNestedOperator':
      return compileTopNested(c, op, input, scope);
    case 'SampleOperator':
      return compileSample(c, op, input, scope);
    case 'SampleDistinctOperator':
      return compileSampleDistinct(c, op, input, scope);
    default:
      throw notSupported(`The '${firstToken(op)}' operator`);
  }
}

/** A subquery over an implicit source (mv-apply's `on (…)`, partition's `(…)`): its operators applied to `source`. */
function subqueryOf(c: Compiler): SubqueryCompiler {
  const apply: SubqueryCompiler = (node, source, scope) =>
    kindOf(node) === 'PipeExpression'
      ? compileOperator(c, node.Operator as KNode, apply(node.Expression as KNode, source, scope), scope)
      : compileOperator(c, node, source, scope);
  return apply;
}

/** Compiles an operator or expression that produces rows without an input (print, range, datatable, union …). */
export function compileSourceOperator(c: Compiler, node: KNode, scope: Scope): TabularPlan {
  switch (kindOf(node) as SourceOperatorKind) {
    case 'PrintOperator':
      return compilePrint(c, node, scope);
    case 'RangeOperator':
      return compileRange(c, node, scope);
    case 'DataTableExpression':
      return compileDataTable(c, node, scope);
    case 'UnionOperator':
      return compileUnion(c, node, undefined, scope);
    default:
      throw notSupported(`The '${firstToken(node)}' operator`);
  }
}

/**
 * Compiles a list of `[name =] expr` into one function computing the values from the input row. (Kusto.Language binds
 * every expression of a project, extend or print list to the input columns, not to columns the list defines.)
 */
function compileList(c: Compiler, exprs: NamedExpression[], input: Column[], scope: Scope): (row: Row) => Value[] {
  const plans = exprs.map((e) => c.scalar(e.expr, input, scope));
  const n = plans.length;
  return (row) => {
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = plans[i](row);
    return out;
  };
}

function compileProject(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const exprs = elements(op.Expressions).map(named);
  if (exprs.length !== columns.length)
    throw notSupported(`'project ${clip(textOf(op))}' (it yields several columns per expression)`);
  checkTypes(
    c,
    exprs.map((e) => e.expr),
    columns,
    `'project ${clip(textOf(op))}'`,
  );
  const compute = compileList(c, exprs, input.columns, scope);
  return {
    columns,
    run: function* () {
      // Each row is a new array (compileList): rows the query's result may hand out without a copy.
      const ranged = mappedRanges.get(input);
      return markFresh(ranged ? yield* ranged(compute) : yield* mapRows(c, input, compute));
    },
  };
}

/**
 * Whether an unnamed extend expression is an input column itself (`Cost`, or a conversion to its own type such as
 * `todouble(Cost)` on a real column): Kusto.Language's projection rules leave that column as it is.
 */
function isColumnItself(c: Compiler, expr: KNode): boolean {
  return c.symbolKind(c.K.Binding.Binder.GetResultColumn(expr)) === 'Column';
}

function compileExtend(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const exprs = elements(op.Expressions)
    .map(named)
    .filter((e) => e.name !== undefined || !isColumnItself(c, e.expr));
  const inputNames = new Set(input.columns.map((col) => col.name));
  const explicit = exprs.map((e) => e.name ?? c.K.KustoFacts.GetExpressionResultName(e.expr, '') ?? '');
  // Unnamed expressions without a derivable name get Kusto's ColumnN names, in order, from the analysis.
  const generated = columns.map((col) => col.name).filter((n) => !inputNames.has(n) && !explicit.includes(n));
  let g = 0;
  const names = explicit.map((n) => (n !== '' ? n : (generated[g++] ?? '')));
  if (names.some((n) => n === '')) throw notSupported(`'extend ${clip(textOf(op))}'`);
  // The output takes each column from the last expression assigning it, else from the input. Its type must be the
  // analysis' type for that column; anything else would be a wrong answer, so it is refused instead.
  names.forEach((n, i) => {
    if (names.lastIndexOf(n) !== i) return;
    const expected = columns.find((col) => col.name === n)?.type;
    const actual = c.scalarTypeOf(exprs[i].expr, `'${clip(textOf(exprs[i].expr))}'`);
    if (expected !== actual) throw notSupported(`'extend ${clip(textOf(op))}' (column '${n}')`);
  });
  const plans = exprs.map((e) => c.scalar(e.expr, input.columns, scope));
  const build = assemble(input.columns, columns, names, "'extend'");
  const n = plans.length;
  const compute = (row: Row): Row => {
    const computed = new Array<Value>(n);
    for (let i = 0; i < n; i++) computed[i] = plans[i](row);
    return build(row, computed);
  };
  return { columns, run: () => mapRows(c, input, compute) };
}

function compileProjectRename(c: Compiler, op: KNode, input: TabularPlan): TabularPlan {
  const columns = c.columns(op);
  const renames = new Map<string, string>();
  for (const e of elements(op.Expressions)) {
    const { name, expr } = named(e);
    if (name && kindOf(expr) === 'NameReference') renames.set(name, expr.SimpleName as string);
  }
  const idx = columns.map((col) => {
    const source = renames.get(col.name) ?? col.name;
    const i = input.columns.findIndex((x) => x.name === source);
    if (i < 0) throw notSupported(`The column '${col.name}' produced by 'project-rename'`);
    return i;
  });
  return { columns, run: () => mapRows(c, input, (r) => idx.map((i) => r[i])) };
}

/** One sort key: how to compute it and how to order it. */
export interface SortKey {
  /** Key value. */
  plan: ScalarPlan;
  /** Key type (for comparison). */
  type: KustoScalarType;
  /** Descending order. */
  desc: boolean;
  /** Nulls before other values. */
  nullsFirst: boolean;
}

/** A sort key from `expr [asc|desc] [nulls first|last]`; Kusto's default is desc, with nulls last for desc. */
export function sortKey(c: Compiler, node: KNode, columns: Column[], scope: Scope): SortKey {
  let expr = node;
  let desc = true;
  let nulls: boolean | undefined;
  if (kindOf(node) === 'OrderedExpression') {
    expr = node.Expression as KNode;
    const ordering = node.Ordering;
    const dir = ordering?.AscOrDescKeyword?.Text?.toLowerCase();
    if (dir === 'asc') desc = false;
    const fl = ordering?.NullsClause?.FirstOrLastKeyword?.Text?.toLowerCase();
    if (fl) nulls = fl === 'first';
  }
  return {
    plan: c.scalar(expr, columns, scope),
    type: c.scalarTypeOf(expr, `the sort key '${clip(textOf(expr))}'`),
    desc,
    nullsFirst: nulls ?? !desc,
  };
}

/** Sorts rows by keys (stable). Keys are computed once per row, into one array per key, and row indexes sorted. */
export function* sortRows(c: Compiler, rows: Row[], keys: SortKey[]): RowsRun {
  const rt = c.runtime;
  const n = rows.length;
  const values = keys.map(() => new Array<Value>(n));
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    for (let k = 0; k < keys.length; k++) values[k][i] = keys[k].plan(row);
    if ((i & 4095) === 4095) rt.tick(4096);
    if (rt.yieldDue) yield;
  }
  const compare = (a: number, b: number): number => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const x = values[k][a];
      const y = values[k][b];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === key.nullsFirst ? -1 : 1;
      }
      const cmp = compareValues(key.type, x, y);
      if (cmp !== 0) return key.desc ? -cmp : cmp;
    }
    return a - b;
  };
  const order = yield* sortIndexes(c, n, compare);
  return order.map((i) => rows[i]);
}

/** Rows sorted as one `Array.prototype.sort` call, which cannot give way to other requests. */
const SORT_RUN = 8192;

/**
 * The indexes 0…n-1 in `compare`'s order (a total order: ties are broken by index): runs of {@link SORT_RUN} sorted
 * with Array.prototype.sort, then merged pass by pass, yielding between runs and every few thousand merged indexes,
 * so that an `order by` of millions of rows does not hold the server for its whole sort.
 */
function* sortIndexes(c: Compiler, n: number, compare: (a: number, b: number) => number): Generator<void, number[]> {
  const rt = c.runtime;
  let src = Array.from({ length: n }, (_, i) => i);
  if (n <= SORT_RUN) return src.sort(compare);
  for (let lo = 0; lo < n; lo += SORT_RUN) {
    const run = src.slice(lo, lo + SORT_RUN).sort(compare);
    for (let i = 0; i < run.length; i++) src[lo + i] = run[i];
    rt.tick(SORT_RUN);
    if (rt.yieldDue) yield;
  }
  let dst = new Array<number>(n);
  for (let width = SORT_RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const merge: Merge = {
        i: lo,
        j: Math.min(lo + width, n),
        k: lo,
        mid: Math.min(lo + width, n),
        hi: Math.min(lo + 2 * width, n),
      };
      // Merged a slice at a time in a plain function (loops in generators run slower), yielding between slices.
      while (!mergeSlice(src, dst, merge, compare, merge.k + MERGE_SLICE)) {
        rt.tick(MERGE_SLICE);
        if (rt.yieldDue) yield;
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Indexes merged between two checks of the slice. */
const MERGE_SLICE = 16384;

/** Where a merge of src[lo, mid) and src[mid, hi) into dst stands. */
interface Merge {
  i: number;
  j: number;
  k: number;
  readonly mid: number;
  readonly hi: number;
}

/** Merges until `limit` indexes are written or the merge is done; whether it is done. */
function mergeSlice(
  src: number[],
  dst: number[],
  m: Merge,
  compare: (a: number, b: number) => number,
  limit: number,
): boolean {
  let { i, j, k } = m;
  const { mid, hi } = m;
  if (k === i && j === mid && i < mid && j < hi) {
    // Runs already in order, or in reverse order (data often arrives sorted), are copied, not merged.
    if (compare(src[mid - 1], src[mid]) < 0) {
      for (let x = i; x < hi; x++) dst[x] = src[x];
      return true;
    }
    if (compare(src[hi - 1], src[i]) < 0) {
      for (let x = mid; x < hi; x++) dst[k++] = src[x];
      for (let x = i; x < mid; x++) dst[k++] = src[x];
      return true;
    }
  }
  while (i < mid && j < hi && k < limit) dst[k++] = compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
  if (i < mid && j < hi) {
    m.i = i;
    m.j = j;
    m.k = k;
    return false;
  }
  while (i < mid) dst[k++] = src[i++];
  while (j < hi) dst[k++] = src[j++];
  return true;
}

function compileSort(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const keys = elements(op.Expressions).map((e) => sortKey(c, e, input.columns, scope));
  return {
    columns: input.columns,
    run: function* () {
      return yield* sortRows(c, yield* input.run(), keys);
    },
  };
}

function compileTop(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const count = countArgument(c, op.Expression as KNode, scope, 'top');
  const key = sortKey(c, op.ByExpression as KNode, input.columns, scope);
  return {
    columns: input.columns,
    run: function* () {
      return yield* topRows(c, yield* input.run(), [key], count());
    },
  };
}

function compileDistinct(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const exprs = elements(op.Expressions);
  let compute: (row: Row) => Row;
  if (exprs.length === 1 && kindOf(exprs[0]) === 'StarExpression') compute = (r) => r;
  else {
    const list = exprs.map((e) => named(e).expr);
    checkTypes(c, list, columns, "'distinct'");
    const plans = list.map((e) => c.scalar(e, input.columns, scope));
    compute = (r) => plans.map((p) => p(r));
  }
  const types = columns.map((col) => col.type);
  return {
    columns,
    run: function* () {
      const seen = new Set<unknown>();
      const out: Row[] = [];
      for (const row of yield* mapRows(c, input, compute)) {
        const k = compositeKey(types, row);
        if (!seen.has(k)) {
          seen.add(k);
          out.push(row);
        }
      }
      return out;
    },
  };
}

function compileGetSchema(c: Compiler, op: KNode, input: TabularPlan): TabularPlan {
  const columns = c.columns(op);
  const ordinalType = columns[1]?.type ?? 'long';
  const rows: Row[] = input.columns.map((col, i) => [
    col.name,
    convertValue(BigInt(i), 'long', ordinalType),
    getschemaTypeOf(col.type),
    col.type,
  ]);
  return { columns, run: () => rowsOf(rows) };
}

function compilePrint(c: Compiler, op: KNode, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const exprs = elements(op.Expressions).map(named);
  checkTypes(
    c,
    exprs.map((e) => e.expr),
    columns,
    "'print'",
  );
  const compute = compileList(c, exprs, [], scope);
  return { columns, run: () => rowsOf([compute([])]) };
}

function compileRange(c: Compiler, op: KNode, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const type = columns[0].type;
  const from = c.converted(op.From as KNode, [], scope, type);
  const to = c.converted(op.To as KNode, [], scope, type);
  const stepNode = op.Step as KNode;
  const stepType = c.scalarTypeOf(stepNode, 'the range step');
  const step = c.scalar(stepNode, [], scope);
  const add = binaryOperator('+', type, stepType, type);
  const rt = c.runtime;
  // With `map` (a project right after the range), each row is mapped as it is made: the range's own rows are never
  // all held at once.
  const run = function* (map?: (row: Row) => Row): RowsRun {
    const start = from([]);
    const end = to([]);
    const s = step([]);
    if (start === null || end === null || s === null) return [];
    const sign = Math.sign(Number(s));
    if (sign === 0) throw syntaxError("Semantic error: the step of the 'range' operator must not be zero.");
    if (type === 'long' && stepType === 'long' && longRangeFits(end as bigint, s as bigint))
      return yield* longRange(rt, start as bigint, end as bigint, s as bigint, map);
    const rows: Row[] = [];
    for (let v: Value = start; v !== null; v = add(v, s)) {
      const cmp = compareValues(type, v, end);
      if (sign > 0 ? cmp > 0 : cmp < 0) break;
      rows.push([v]);
      if ((rows.length & 4095) === 0) {
        rt.tick(4096);
        rt.chargeRows(4096, 1);
        if (rows.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('range');
        if (rt.yieldDue) yield;
      }
    }
    return map ? yield* mapRowArray(c, rows, map) : rows;
  };
  const plan: TabularPlan = { columns, run: () => run() };
  mappedRanges.set(plan, run);
  return plan;
}

/** Each range plan's run with its rows mapped as they are made (a project right after the range uses it). */
const mappedRanges = new WeakMap<TabularPlan, (map: (row: Row) => Row) => RowsRun>();

function compileDataTable(c: Compiler, node: KNode, scope: Scope): TabularPlan {
  const columns = c.columns(node);
  const values = elements(node.Values);
  if (columns.length === 0 || values.length % columns.length !== 0) {
    throw syntaxError(
      `Semantic error: datatable has ${values.length} values, which is not a multiple of its ${columns.length} columns.`,
    );
  }
  const rows: Row[] = [];
  for (let i = 0; i < values.length; i += columns.length) {
    rows.push(
      columns.map((col, j) => {
        const v = values[i + j];
        const literal = literalValue(v);
        const value = literal !== undefined ? literal : c.scalar(v, [], scope)([]);
        const from = c.scalarTypeOf(v, `the datatable value '${clip(textOf(v))}'`);
        return from === col.type ? value : convertValue(value, from, col.type);
      }),
    );
  }
  return { columns, run: () => rowsOf(rows) };
}

function compileUnion(c: Compiler, op: KNode, input: TabularPlan | undefined, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  const kind = params.get('kind')?.toLowerCase() ?? 'outer';
  if (kind !== 'outer') throw notSupported(`'union kind=${kind}'`);
  const withSource = params.get('withsource') ?? params.get('source');
  const sources: { plan: TabularPlan; name: string }[] = [];
  if (input) sources.push({ plan: input, name: 'union_arg0' });
  for (const e of elements(op.Expressions)) {
    const plan = c.tabular(e, scope);
    sources.push({ plan, name: sourceName(c, e, scope) ?? `union_arg${sources.length}` });
  }
  const offset = withSource ? 1 : 0;
  // The input column each output column was filled from: a second, differently named one means the type-suffixed
  // name of one (`x` of type long → `x_long`) met a column of that very name, which Kusto de-duplicates by a number
  // (`x_long1`) in an order the analyzer does not report. Refuse rather than merge two columns into one.
  const origins = new Array<string | undefined>(columns.length);
  const maps = sources.map((s) => {
    const map = new Array<number>(columns.length).fill(-1);
    s.plan.columns.forEach((col, i) => {
      let j = columns.findIndex((o, k) => k >= offset && o.name === col.name && o.type === col.type);
      if (j < 0) j = columns.findIndex((o, k) => k >= offset && o.name === `${col.name}_${col.type}`);
      if (j < 0) throw notSupported(`The column '${col.name}' in 'union'`);
      if (map[j] >= 0 || (origins[j] !== undefined && origins[j] !== col.name)) {
        throw notSupported(
          `'union' of a column '${col.name}' whose type-suffixed name '${columns[j].name}' is also a column's name`,
        );
      }
      origins[j] = col.name;
      map[j] = i;
    });
    return map;
  });
  // A leg without a column gives it null, but the empty string for a string column (Kusto's strings have no null).
  const missing = columns.map((col) => (col.type === 'string' ? '' : null));
  return {
    columns,
    run: function* () {
      const out: Row[] = [];
      const rt = c.runtime;
      for (let k = 0; k < sources.length; k++) {
        const s = sources[k];
        const map = maps[k];
        const rows = yield* s.plan.run();
        for (let j = 0; j < rows.length; j++) {
          const r = rows[j];
          const row = map.map((i, m) => (i >= 0 ? r[i] : missing[m]));
          if (offset) row[0] = s.name;
          out.push(row);
          if ((j & 4095) === 4095) {
            rt.tick(4096);
            rt.chargeRows(4096, row.length);
          }
          if (rt.yieldDue) yield;
        }
      }
      return out;
    },
  };
}

/** The name union's `withsource=` column reports for an input: a table's, let's or `as` name. */
function sourceName(c: Compiler, node: KNode, scope: Scope): string | undefined {
  const kind = kindOf(node);
  if (kind === 'ParenthesizedExpression') return sourceName(c, node.Expression as KNode, scope);
  if (kind === 'PipeExpression' && kindOf(node.Operator as KNode) === 'AsOperator') {
    return ((node.Operator as KNode).Name as KNode).SimpleName as string;
  }
  if (kind === 'NameReference') {
    const binding = scope.lookup(node.SimpleName as string);
    if (binding?.kind === 'tabular') return binding.sourceName;
    return node.SimpleName as string;
  }
  if (kind === 'PathExpression') return sourceName(c, node.Selector as KNode, scope);
  return undefined;
}
