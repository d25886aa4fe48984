/**
 * series_stats(): a function whose result is several columns (series-stats-function.md), in project and extend,
 * unnamed (`series_stats(x)` gives `series_stats_x_min` …) or with all seven names (`(a, b, …) = series_stats(x)`).
 *
 * Kusto.Language gives a tuple assignment with fewer names the remaining columns under default names, while the
 * reference says only the named columns are shown: that form is refused.
 */
import type { KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, ScalarPlan, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, functionName } from './nodeText';
import { assemble } from './operatorColumns';
import { seriesStats } from './scalars/series';
import type { TupleFunctionName } from './constructs';

/** The columns of series_stats' result, in Kusto.Language's order, with their types. */
const FIELDS: [string, KustoScalarType][] = [
  ['min', 'real'],
  ['min_idx', 'long'],
  ['max', 'real'],
  ['max_idx', 'long'],
  ['avg', 'real'],
  ['stdev', 'real'],
  ['variance', 'real'],
];

/** One expression of the operator: the names it assigns (undefined: the analysis names it) and its values. */
interface Produced {
  names: (string | undefined)[];
  types: KustoScalarType[];
  compute(row: Row): Value[];
}

function isSeriesStats(c: Compiler, node: KNode, scope: Scope): boolean {
  return (
    kindOf(node) === 'FunctionCallExpression' &&
    functionName(node).toLowerCase() === ('series_stats' satisfies TupleFunctionName) &&
    !c.isUserFunction(node.ReferencedSymbol, scope)
  );
}

/** The names of `(a, b, …) = expr`. */
function tupleNames(node: KNode): string[] {
  const names = node.Names as KNode & { Names?: KNode };
  return elements(names.Names as never).map((n) => (n as KNode).SimpleName as string);
}

function statsPlan(c: Compiler, call: KNode, input: TabularPlan, scope: Scope): (row: Row) => Value[] {
  const args = elements((call.ArgumentList as KNode).Expressions);
  const series = c.scalar(args[0], input.columns, scope);
  const seriesType = c.scalarTypeOf(args[0], `'${clip(textOf(args[0]))}'`);
  const ignore: ScalarPlan | undefined = args[1] ? c.scalar(args[1], input.columns, scope) : undefined;
  return (row) => {
    if (ignore && ignore(row) === null) throw notSupported('series_stats() with a null ignore_nonfinite');
    const stats = seriesStats(series(row), seriesType) as Record<string, number> | null;
    return FIELDS.map(([name, type]) => {
      if (stats === null) return null;
      return type === 'long' ? BigInt(stats[name]) : stats[name];
    });
  };
}

/**
 * Compiles a project or extend with series_stats() calls as whole expressions, or returns undefined when it has none.
 */
export function compileTupleOperator(
  c: Compiler,
  op: KNode,
  input: TabularPlan,
  scope: Scope,
): TabularPlan | undefined {
  const kind = kindOf(op);
  if (kind !== 'ProjectOperator' && kind !== 'ExtendOperator') return undefined;
  const exprs = elements(op.Expressions);
  const call = (e: KNode): KNode | undefined => {
    if (isSeriesStats(c, e, scope)) return e;
    if (kindOf(e) === 'CompoundNamedExpression' && isSeriesStats(c, e.Expression as KNode, scope)) {
      return e.Expression as KNode;
    }
    return undefined;
  };
  if (!exprs.some((e) => call(e))) return undefined;
  const columns = c.columns(op);
  const produced: Produced[] = exprs.map((e) => {
    const stats = call(e);
    if (stats) {
      const names = kindOf(e) === 'CompoundNamedExpression' ? tupleNames(e) : FIELDS.map(() => undefined);
      if (names.length !== FIELDS.length) {
        throw notSupported(
          `'${clip(textOf(e))}' (${names.length} of series_stats' ${FIELDS.length} columns named: the reference shows only those, Kusto.Language all)`,
        );
      }
      return { names, types: FIELDS.map(([, t]) => t), compute: statsPlan(c, stats, input, scope) };
    }
    if (kindOf(e) === 'NameReference' && c.symbolKind(e.ReferencedSymbol) === 'Column') {
      // A column by itself: project keeps it, extend leaves it where it is.
      const plan = c.scalar(e, input.columns, scope);
      const type = c.scalarTypeOf(e, `'${clip(textOf(e))}'`);
      if (kind === 'ExtendOperator') return { names: [], types: [], compute: () => [] };
      return { names: [e.SimpleName as string], types: [type], compute: (row) => [plan(row)] };
    }
    if (kindOf(e) !== 'SimpleNamedExpression') {
      throw notSupported(
        `'${clip(textOf(e))}' unnamed beside series_stats() in '${kind === 'ProjectOperator' ? 'project' : 'extend'}'`,
      );
    }
    const expr = e.Expression as KNode;
    const plan = c.scalar(expr, input.columns, scope);
    return {
      names: [(e.Name as KNode).SimpleName as string],
      types: [c.scalarTypeOf(expr, `'${clip(textOf(expr))}'`)],
      compute: (row) => [plan(row)],
    };
  });
  // Unnamed series_stats columns take the analysis' names, in order, from the columns the operator adds.
  const inputNames = new Set(kind === 'ExtendOperator' ? input.columns.map((col) => col.name) : []);
  const explicit = new Set(produced.flatMap((p) => p.names.filter((n): n is string => n !== undefined)));
  const generated = columns.map((col) => col.name).filter((n) => !inputNames.has(n) && !explicit.has(n));
  let g = 0;
  const names = produced.flatMap((p) => p.names.map((n) => n ?? generated[g++]));
  const types = produced.flatMap((p) => p.types);
  names.forEach((n, i) => {
    const col = columns.find((x) => x.name === n);
    if (!col || col.type !== types[i]) throw notSupported(`'${clip(textOf(op))}' (column '${n ?? '?'}')`);
  });
  const width = names.length;
  const compute = (row: Row): Value[] => {
    const out = new Array<Value>(width);
    let k = 0;
    for (const p of produced) for (const v of p.compute(row)) out[k++] = v;
    return out;
  };
  const build =
    kind === 'ExtendOperator'
      ? assemble(input.columns, columns, names, "'extend'")
      : assemble([], columns, names, "'project'");
  const rt = c.runtime;
  return {
    columns,
    run: function* () {
      const rows = yield* input.run();
      const out = new Array<Row>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        out[i] = build(rows[i], compute(rows[i]));
        if ((i & 4095) === 4095) rt.tick(4096);
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
