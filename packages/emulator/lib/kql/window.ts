/**
 * Window functions (row_number, row_cumsum, prev, next, row_rank_min, row_rank_dense, row_window_session): scalar
 * calls that read other rows of a serialized row set, and the check that the row set is serialized.
 *
 * Kusto.Language does not report a window function over a row set that is not serialized (its table symbols track
 * `serialize` and sorting only partly: `project` drops the sorted mark, `range` never sets it), so the engine decides
 * from the operators before the call, with the serialize operator reference's lists.
 */
import type { Column, KustoScalarType, Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { elements, isTabular, kindOf, textOf, type KNode, type KSymbol } from './language';
import type { Row, ScalarPlan, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, firstToken, functionName } from './nodeText';
import { compareValues, convertValue } from './scalarApi';

/** The window functions, by name. */
export const WINDOW_FUNCTIONS = new Set([
  'row_number',
  'row_cumsum',
  'prev',
  'next',
  'row_rank_min',
  'row_rank_dense',
  'row_window_session',
]);

/** The operators whose expressions may call window functions: they evaluate each input row once, in order. */
const WINDOWED_OPERATORS = new Set(['ExtendOperator', 'ProjectOperator', 'FilterOperator', 'SerializeOperator']);

/** Operators whose output is serialized (the serialize operator reference), whatever their input. */
const SERIALIZING = new Set([
  'SerializeOperator',
  'SortOperator',
  'TopOperator',
  'TopHittersOperator',
  'GetSchemaOperator',
]);

/** Operators whose output is not serialized (the serialize operator reference's list). */
const UNSERIALIZING = new Set([
  'SampleOperator',
  'SampleDistinctOperator',
  'DistinctOperator',
  'JoinOperator',
  'TopNestedOperator',
  'CountOperator',
  'SummarizeOperator',
  'FacetOperator',
  'EvaluateOperator',
  'ReduceByOperator',
  'MakeSeriesOperator',
]);

/**
 * Operators the window functions reference lists as keeping their input's serialization. (mv-expand is listed there
 * and among the non-serializing ones of the serialize reference, so a window function after it is refused.)
 */
const PRESERVING = new Set([
  'ExtendOperator',
  'ProjectOperator',
  'ProjectAwayOperator',
  'ProjectKeepOperator',
  'ProjectRenameOperator',
  'ProjectReorderOperator',
  'TakeOperator',
  'FilterOperator',
  'ParseOperator',
  'ParseWhereOperator',
  'AsOperator',
  'RenderOperator',
]);

/** The rows an operator with window functions is evaluating, and where it stands. */
interface WindowRun {
  rows: Row[];
  /** Index of the row last looked up. */
  at: number;
  /** Row → index, built only when rows are not evaluated in order. */
  index?: Map<Row, number>;
  /** Bumped at each run, so stateful calls know to start again. */
  generation: number;
}

/** The window runs of the operators being compiled, innermost last (compilation is synchronous). */
const active: WindowRun[] = [];

/** The index of `row` in the run (rows are copies, so each appears once). */
function positionOf(w: WindowRun, row: Row): number {
  const { rows } = w;
  if (rows[w.at] === row) return w.at;
  if (rows[w.at + 1] === row) return ++w.at;
  w.index ??= new Map(rows.map((r, i) => [r, i]));
  const i = w.index.get(row);
  if (i === undefined) throw notSupported('A window function evaluated outside its row set');
  w.at = i;
  return i;
}

/** Whether an expression calls a built-in window function outside nested tabular expressions. */
function callsWindowFunction(c: Compiler, node: KNode, scope: Scope, root = false): boolean {
  if (!root && (isTabular(node.ResultType) || kindOf(node) === 'ToScalarExpression')) return false;
  if (
    kindOf(node) === 'FunctionCallExpression' &&
    WINDOW_FUNCTIONS.has(functionName(node).toLowerCase()) &&
    !c.isUserFunction(node.ReferencedSymbol, scope)
  ) {
    return true;
  }
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken && callsWindowFunction(c, child, scope)) return true;
  }
  return false;
}

/** The error Kusto gives for a window function over a row set that is not serialized. */
function notSerialized(name: string): Error {
  return syntaxError(
    `Semantic error: Function '${name}' cannot be invoked in current context. Details: the row set must be serialized.`,
  );
}

/** Whether the rows `node` produces are serialized; undefined when the emulator cannot tell. */
function serialized(node: KNode): boolean | undefined {
  switch (kindOf(node)) {
    case 'ParenthesizedExpression':
      return serialized(node.Expression as KNode);
    case 'RangeOperator':
      return true;
    case 'DataTableExpression':
      // The reference's row_cumsum example serializes a datatable before calling a window function.
      return false;
    case 'NameReference':
    case 'PathExpression':
    case 'FunctionCallExpression': {
      const type = node.ResultType as (KSymbol & { IsSerialized?: boolean; IsSorted?: boolean }) | null;
      if (type?.IsSerialized || type?.IsSorted) return true;
      const symbol = node.ReferencedSymbol;
      if (kindOf(node) !== 'NameReference' || !symbol) return undefined;
      // A table is not serialized; a let name's rows are its expression's.
      if (isTableSymbol(symbol)) return false;
      const declared = letExpression(node, symbol);
      return declared ? serialized(declared) : undefined;
    }
    case 'PipeExpression': {
      const op = kindOf(node.Operator as KNode);
      if (SERIALIZING.has(op)) return true;
      if (UNSERIALIZING.has(op)) return false;
      if (PRESERVING.has(op)) return serialized(node.Expression as KNode);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The expression of the `let` statement declaring `symbol`, searched from the query's root. */
function letExpression(from: KNode, symbol: KSymbol): KNode | undefined {
  let root = from;
  for (let p = parentOf(root); p; p = parentOf(p)) root = p;
  let found: KNode | undefined;
  const visit = (node: KNode): void => {
    if (found) return;
    if (kindOf(node) === 'LetStatement' && (node.Name as KNode | null)?.ReferencedSymbol === symbol) {
      found = node.Expression as KNode;
      return;
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child && !child.IsToken) visit(child);
    }
  };
  visit(root);
  return found;
}

function parentOf(node: KNode): KNode | null {
  return (node as KNode & { Parent?: KNode | null }).Parent ?? null;
}

function isTableSymbol(symbol: KSymbol): boolean {
  const name = (symbol as unknown as { constructor?: { $$fullname?: string } }).constructor?.$$fullname;
  return name === 'Kusto.Language.Symbols.TableSymbol';
}

/**
 * Compiles an operator whose expressions call window functions (or returns undefined when they call none): checks the
 * input is serialized, then compiles the operator over a copy of the input rows that the calls can index.
 */
export function compileWindowed(
  c: Compiler,
  op: KNode,
  input: TabularPlan,
  scope: Scope,
  compile: (c: Compiler, op: KNode, input: TabularPlan, scope: Scope) => TabularPlan,
): TabularPlan | undefined {
  if (compiling.has(op) || !callsWindowFunction(c, op, scope, true)) return undefined;
  const kind = kindOf(op);
  const name = firstCall(c, op, scope);
  if (!WINDOWED_OPERATORS.has(kind)) throw notSupported(`The window function '${name}' in '${firstToken(op)}'`);
  if (kind !== 'SerializeOperator') {
    const parent = parentOf(op);
    const inputNode =
      parent && kindOf(parent) === 'PipeExpression' && parent.Operator === op ? parent.Expression : null;
    const known = inputNode ? serialized(inputNode) : undefined;
    if (known === false) throw notSerialized(name);
    if (known === undefined) {
      throw notSupported(
        `The window function '${name}' over '${clip(inputNode ? textOf(inputNode) : firstToken(op))}' (whether its rows are serialized)`,
      );
    }
  }
  const w: WindowRun = { rows: [], at: 0, generation: 0 };
  const windowInput: TabularPlan = {
    columns: input.columns,
    run: function* () {
      const rows = yield* input.run();
      // Copies, so that a row repeated by reference in the input still has one position of its own.
      w.rows = rows.map((r) => r.slice());
      w.at = 0;
      w.index = undefined;
      w.generation++;
      c.runtime.chargeRows(rows.length, input.columns.length);
      return w.rows;
    },
  };
  active.push(w);
  compiling.add(op);
  try {
    return compile(c, op, windowInput, scope);
  } finally {
    compiling.delete(op);
    active.pop();
  }
}

/** Operators being compiled by {@link compileWindowed} (so its call of the dispatch does not come back to it). */
const compiling = new Set<KNode>();

/** The name of the first window function an operator calls. */
function firstCall(c: Compiler, node: KNode, scope: Scope): string {
  if (kindOf(node) === 'FunctionCallExpression') {
    const name = functionName(node).toLowerCase();
    if (WINDOW_FUNCTIONS.has(name) && !c.isUserFunction(node.ReferencedSymbol, scope)) return name;
  }
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken && callsWindowFunction(c, child, scope)) return firstCall(c, child, scope);
  }
  return '';
}

/** A per-row state machine: `step` takes row `i` (called for 0, 1, 2 … in order) and returns its value. */
type Stepper = { reset(): void; step(rows: Row[], i: number): Value };

/**
 * A plan for a function whose value at a row depends on the rows before it: it keeps its state and steps it forward
 * to the row asked for, so each row's value is computed once and in order, whichever rows the operator evaluates.
 */
function stateful(w: WindowRun, stepper: Stepper): ScalarPlan {
  let generation = -1;
  let last = -1;
  let value: Value = null;
  return (row) => {
    const i = positionOf(w, row);
    if (generation !== w.generation || i < last) {
      generation = w.generation;
      last = -1;
      stepper.reset();
    }
    while (last < i) value = stepper.step(w.rows, ++last);
    return value;
  };
}

/** The scalar type of an argument, from the analysis. */
function typeOf(c: Compiler, node: KNode): KustoScalarType {
  return c.scalarTypeOf(node, `'${clip(textOf(node))}'`);
}

/** A boolean restart argument: true restarts; null is refused (the reference does not say what it does). */
function restartOf(plan: ScalarPlan | undefined, name: string): (row: Row) => boolean {
  if (!plan) return () => false;
  return (row) => {
    const v = plan(row);
    if (v === null) throw notSupported(`A null restart condition of '${name}'`);
    return v === true;
  };
}

/**
 * Compiles a call of a window function, or returns undefined for other functions. A window function outside the
 * operators that evaluate rows in order (extend, project, where, serialize) is refused.
 */
export function compileWindowCall(
  c: Compiler,
  name: string,
  node: KNode,
  columns: Column[],
  scope: Scope,
): ScalarPlan | undefined {
  if (!WINDOW_FUNCTIONS.has(name)) return undefined;
  const w = active[active.length - 1];
  if (!w) throw notSupported(`The window function '${name}' here (only in extend, project, where and serialize)`);
  const args = elements((node.ArgumentList as KNode).Expressions);
  const plans = args.map((a) => c.scalar(a, columns, scope));
  const resultType = typeOf(c, node);
  switch (name) {
    case 'prev':
    case 'next':
      return shifted(c, w, name, args, plans, resultType, columns, scope);
    case 'row_number':
      return rowNumber(c, w, args, plans);
    case 'row_cumsum':
      return rowCumsum(c, w, args, plans, resultType);
    case 'row_rank_min':
    case 'row_rank_dense':
      return rowRank(c, w, name, args, plans);
    case 'row_window_session':
      return rowWindowSession(c, w, args, plans);
    default:
      return undefined;
  }
}

function shifted(
  c: Compiler,
  w: WindowRun,
  name: 'prev' | 'next',
  args: KNode[],
  plans: ScalarPlan[],
  resultType: KustoScalarType,
  columns: Column[],
  scope: Scope,
): ScalarPlan {
  const [value, offsetPlan] = plans;
  const sign = name === 'prev' ? -1 : 1;
  // Past the row set's ends the value is the default, else null (an empty string for strings, which are never null).
  const none: Value = resultType === 'string' ? '' : null;
  const fallback = args[2] ? c.converted(args[2], columns, scope, resultType) : () => none;
  const valueType = typeOf(c, args[0]);
  return (row) => {
    const i = positionOf(w, row);
    let offset = 1;
    if (offsetPlan) {
      const o = offsetPlan(row);
      if (o === null) throw notSupported(`A null offset of '${name}'`);
      offset = Number(o);
      if (!Number.isInteger(offset) || offset < 0) throw notSupported(`The offset ${String(o)} of '${name}'`);
    }
    const j = i + sign * offset;
    if (j < 0 || j >= w.rows.length) return fallback(row);
    const v = value(w.rows[j]);
    return valueType === resultType ? v : convertValue(v, valueType, resultType);
  };
}

function rowNumber(c: Compiler, w: WindowRun, args: KNode[], plans: ScalarPlan[]): ScalarPlan {
  const [startPlan, restartPlan] = plans;
  const startType = args[0] ? typeOf(c, args[0]) : 'long';
  const start = (row: Row): bigint => {
    if (!startPlan) return 1n;
    const v = startPlan(row);
    if (v === null) throw notSupported("A null starting index of 'row_number'");
    return BigInt(convertValue(v, startType, 'long') as bigint);
  };
  const restart = restartOf(restartPlan, 'row_number');
  let n = 0n;
  return stateful(w, {
    reset: () => (n = 0n),
    step: (rows, i) => {
      n = i === 0 || restart(rows[i]) ? start(rows[i]) : n + 1n;
      return n;
    },
  });
}

function rowCumsum(
  c: Compiler,
  w: WindowRun,
  args: KNode[],
  plans: ScalarPlan[],
  resultType: KustoScalarType,
): ScalarPlan {
  const termType = typeOf(c, args[0]);
  if (!['int', 'long', 'real'].includes(termType) || !['int', 'long', 'real'].includes(resultType)) {
    throw notSupported(`'row_cumsum' of a ${termType} term`);
  }
  const [termPlan, restartPlan] = plans;
  const restart = restartOf(restartPlan, 'row_cumsum');
  const integral = resultType !== 'real';
  let sum: bigint | number = integral ? 0n : 0;
  return stateful(w, {
    reset: () => (sum = integral ? 0n : 0),
    step: (rows, i) => {
      const row = rows[i];
      if (i > 0 && restart(row)) sum = integral ? 0n : 0;
      const v = termPlan(row);
      // The reference does not say whether a null term is skipped or makes the sum null.
      if (v === null) throw notSupported("A null term of 'row_cumsum'");
      const x = convertValue(v, termType, resultType);
      if (integral) {
        sum = BigInt.asIntN(64, (sum as bigint) + BigInt(x as bigint | number));
        if (resultType === 'int') sum = BigInt.asIntN(32, sum);
      } else sum = (sum as number) + (x as number);
      return resultType === 'int' ? Number(sum) : sum;
    },
  });
}

function rowRank(
  c: Compiler,
  w: WindowRun,
  name: 'row_rank_min' | 'row_rank_dense',
  args: KNode[],
  plans: ScalarPlan[],
): ScalarPlan {
  const termType = typeOf(c, args[0]);
  if (termType === 'dynamic') throw notSupported(`'${name}' of a dynamic term`);
  const [termPlan, restartPlan] = plans;
  const restart = restartOf(restartPlan, name);
  let rank = 0n;
  let number = 0n;
  let previous: Value = null;
  return stateful(w, {
    reset: () => {
      rank = 0n;
      number = 0n;
    },
    step: (rows, i) => {
      const row = rows[i];
      const v = termPlan(row);
      // Whether nulls rank as equal to each other the reference does not say.
      if (v === null) throw notSupported(`A null term of '${name}'`);
      if (i === 0 || restart(row)) {
        number = 1n;
        rank = 1n;
      } else {
        number++;
        if (compareValues(termType, v, previous as Value) !== 0) rank = name === 'row_rank_min' ? number : rank + 1n;
      }
      previous = v;
      return rank;
    },
  });
}

function rowWindowSession(c: Compiler, w: WindowRun, args: KNode[], plans: ScalarPlan[]): ScalarPlan {
  const types = args.slice(0, 3).map((a) => typeOf(c, a));
  if (types[0] !== 'datetime' || types[1] !== 'timespan' || types[2] !== 'timespan') {
    throw notSupported(`'row_window_session' of (${types.join(', ')})`);
  }
  const [exprPlan, firstPlan, neighborPlan, restartPlan] = plans;
  const restart = restartOf(restartPlan, 'row_window_session');
  let start: bigint | null = null;
  let previous: bigint | null = null;
  return stateful(w, {
    reset: () => {
      start = null;
      previous = null;
    },
    step: (rows, i) => {
      const row = rows[i];
      const v = exprPlan(row) as bigint | null;
      const maxFirst = firstPlan(row) as bigint | null;
      const maxNeighbor = neighborPlan(row) as bigint | null;
      if (maxFirst === null || maxNeighbor === null) throw notSupported("A null distance of 'row_window_session'");
      const restarts = i > 0 && restart(row);
      if (v === null) {
        // "When Expr results in a null value, the next value starts a new session."
        start = null;
        previous = null;
        return null;
      }
      if (start === null || previous === null || restarts || v >= start + maxFirst || v >= previous + maxNeighbor) {
        start = v;
      }
      previous = v;
      return start;
    },
  });
}
