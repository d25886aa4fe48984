/**
 * The top-nested operator: hierarchical aggregation. Each clause `top-nested [N] of Expr [with others = C] by Agg
 * [asc|desc]` partitions the rows its parent clause kept by Expr, aggregates each partition, and keeps the N best
 * (all when N is omitted); the result has two columns per clause, Expr's value and its aggregate (named by the
 * analysis: `State`, `aggregated_State`, or the names given). Rows come level by level in each clause's order, ties
 * in the order their values first appear. `with others` adds a row for the rows a level leaves out (see restRow).
 */
import type { Column, KustoScalarType, Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, ScalarPlan, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { named } from './operatorSyntax';
import { checkTypes } from './operatorColumns';
import { compareValues, hashKey } from './scalarApi';
import { compileAggregate, isAggregateCall, type AggregateState } from './aggregates';

/** An aggregation over one partition: its running state gives one value. */
interface Aggregation {
  create(): { add(row: Row): void; result(): Value };
}

interface Clause {
  count?: () => Value;
  key: ScalarPlan;
  keyType: KustoScalarType;
  others?: ScalarPlan;
  aggregation: Aggregation;
  aggType: KustoScalarType;
  descending: boolean;
}

/** A cell without a value: Kusto's strings are never null. */
function emptyOf(type: KustoScalarType): Value {
  return type === 'string' ? '' : null;
}

/** Aggregate calls inside an expression (not looking inside aggregate calls). */
function aggregateCalls(c: Compiler, node: KNode, out: KNode[] = []): KNode[] {
  if (isAggregateCall(c, node)) {
    out.push(node);
    return out;
  }
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken) aggregateCalls(c, child, out);
  }
  return out;
}

/** Compiles an aggregation (`sum(x)`, or an expression over aggregates such as `sum(a) / count()`). */
function compileAggregation(c: Compiler, expr: KNode, input: Column[], output: Column, scope: Scope): Aggregation {
  const single = (call: KNode, col: Column) => {
    const aggregate = compileAggregate(c, call, { input, keyColumns: new Set(), output: [col] }, scope);
    if (aggregate.width !== 1) throw notSupported(`'${clip(textOf(call))}' in 'top-nested'`);
    return aggregate;
  };
  if (isAggregateCall(c, expr)) {
    const aggregate = single(expr, output);
    return {
      create: () => {
        const st = aggregate.create();
        return { add: (row) => st.add(row), result: () => st.result()[0] };
      },
    };
  }
  const calls = aggregateCalls(c, expr);
  if (calls.length === 0) throw notSupported(`The top-nested aggregation '${clip(textOf(expr))}' (no aggregation)`);
  const aggregates = calls.map((call, k) => {
    const aggregate = single(call, { name: `agg${k}`, type: c.scalarTypeOf(call, `'${clip(textOf(call))}'`) });
    c.overrides.set(call, (row) => row[k]);
    return aggregate;
  });
  const outer = c.scalar(expr, [], scope);
  for (const call of calls) c.overrides.delete(call);
  return {
    create: () => {
      const states: AggregateState[] = aggregates.map((a) => a.create());
      return {
        add: (row) => {
          for (const st of states) st.add(row);
        },
        result: () => outer(states.map((st) => st.result()[0])),
      };
    },
  };
}

/** Compiles `input | top-nested … , top-nested …`. */
export function compileTopNested(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const clauseNodes = elements(op.Clauses);
  if (columns.length !== clauseNodes.length * 2) throw notSupported(`'top-nested' with these columns`);
  const clauses: Clause[] = clauseNodes.map((node, i) => {
    const of = named(node.OfExpression as KNode).expr;
    checkTypes(c, [of], [columns[2 * i]], "'top-nested'");
    const ordered = node.ByExpression as KNode;
    let aggNode = ordered;
    let descending = true;
    if (kindOf(ordered) === 'OrderedExpression') {
      aggNode = ordered.Expression as KNode;
      const ordering = ordered.Ordering as KNode | null;
      if (ordering?.NullsClause) throw notSupported(`'nulls first|last' in 'top-nested'`);
      descending = kindOf(ordering?.AscOrDescKeyword as KNode) !== 'AscKeyword';
    }
    const aggExpr = named(aggNode).expr;
    const othersNode = node.WithOthersClause?.Expression as KNode | undefined;
    const countNode = node.Expression as KNode | null;
    return {
      count: countNode ? c.memoizedValue(c.scalar(countNode, [], scope)) : undefined,
      key: c.scalar(of, input.columns, scope),
      keyType: columns[2 * i].type,
      others: othersNode ? c.converted(othersNode, [], scope, columns[2 * i].type) : undefined,
      aggregation: compileAggregation(c, aggExpr, input.columns, columns[2 * i + 1], scope),
      aggType: columns[2 * i + 1].type,
      descending,
    };
  });
  const rt = c.runtime;
  // Whether a level's left-out rows make a row: when it, or a level below it, has `with others`.
  const othersFrom = clauses.map((_, i) => clauses.slice(i).some((cl) => cl.others !== undefined));

  /** The rows of one level for the partition `rows`, each prefixed by its parent's values. */
  function expand(level: number, rows: Row[], prefix: Value[], out: Row[]): void {
    const clause = clauses[level];
    const groups = new Map<unknown, { key: Value; rows: Row[] }>();
    for (const row of rows) {
      const key = clause.key(row);
      const k = hashKey(clause.keyType, key);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { key, rows: [] }));
      g.rows.push(row);
      rt.tick();
    }
    const scored = [...groups.values()].map((g, order) => {
      const st = clause.aggregation.create();
      for (const r of g.rows) st.add(r);
      return { ...g, value: st.result(), order };
    });
    const dir = clause.descending ? -1 : 1;
    scored.sort((a, b) => dir * compareValues(clause.aggType, a.value, b.value) || a.order - b.order);
    let n = scored.length;
    if (clause.count) {
      const raw = clause.count();
      if (raw === null) throw syntaxError("Semantic error: the row count of 'top-nested' is null.");
      n = Math.max(0, Math.min(n, Math.trunc(Number(raw))));
    }
    for (const g of scored.slice(0, n)) {
      const values = [...prefix, g.key, g.value];
      if (level + 1 < clauses.length) expand(level + 1, g.rows, values, out);
      else out.push(values);
    }
    if (n < scored.length && othersFrom[level]) {
      const rest: Row[] = [];
      for (const g of scored.slice(n)) for (const r of g.rows) rest.push(r);
      out.push(restRow(level, rest, prefix));
    }
  }

  /**
   * The row of the rows a level left out: from this level down, each level with `with others` holds its constant and
   * its aggregation over them, each level without holds nothing (the reference's example: `KANSAS, 87771.2, , ,
   * All Other End Locations, 24891.1` for the sources past the top 3, `All Other States, 1149279.6, , , All Other End
   * Locations, 1149279.6`).
   */
  function restRow(level: number, rest: Row[], prefix: Value[]): Row {
    const row = [...prefix];
    for (const clause of clauses.slice(level)) {
      if (clause.others) {
        const st = clause.aggregation.create();
        for (const r of rest) st.add(r);
        row.push(clause.others([]), st.result());
      } else {
        row.push(emptyOf(clause.keyType), emptyOf(clause.aggType));
      }
    }
    return row;
  }

  return {
    columns,
    run: function* () {
      const rows = yield* input.run();
      const out: Row[] = [];
      expand(0, rows, [], out);
      rt.chargeRows(out.length, columns.length);
      return out;
    },
  };
}
