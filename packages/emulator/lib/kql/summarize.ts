/**
 * The summarize operator: groups rows by the by-expressions (nulls form a group of their own) and computes the
 * aggregates per group. Output: the by-columns, then the aggregates, named as Kusto names them (from the analysis).
 * Without by-expressions the result has exactly one row, even over no input.
 */
import type { KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, ScalarPlan, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { named } from './operatorSyntax';
import { checkTypes } from './operatorColumns';
import { compositeKey, groupKey } from './compositeKey';
import { aggregateWidth, compileAggregate, isAggregateCall, type Aggregate, type AggregateState } from './aggregates';

/** One summarize output expression: the aggregates it uses and how its columns follow from their results. */
interface OutputExpression {
  aggregates: Aggregate[];
  finalize(results: Value[][]): Value[];
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

/** Compiles `input | summarize aggregates by keys`. */
export function compileSummarize(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const byClause = op.ByClause;
  if (byClause?.BinClause) throw notSupported("summarize's 'bin=' clause");
  const keyExprs = byClause ? elements(byClause.Expressions).map(named) : [];
  checkTypes(
    c,
    keyExprs.map((k) => k.expr),
    columns,
    "summarize's by-clause",
  );
  const keyPlans = keyExprs.map((k) => c.scalar(k.expr, input.columns, scope));
  const keyTypes: KustoScalarType[] = keyExprs.map((_, i) => columns[i]?.type ?? 'dynamic');
  const keyColumns = new Set<string>();
  for (const k of keyExprs) {
    if (kindOf(k.expr) === 'NameReference' && c.symbolKind(k.expr.ReferencedSymbol) === 'Column') {
      keyColumns.add(k.expr.SimpleName as string);
    }
  }
  let offset = keyExprs.length;
  const outputs: OutputExpression[] = [];
  for (const e of elements(op.Aggregates)) {
    const { expr } = named(e);
    if (isAggregateCall(c, expr)) {
      const width = aggregateWidth(expr, { input: input.columns, keyColumns });
      const output = columns.slice(offset, offset + width);
      offset += width;
      const aggregate = compileAggregate(c, expr, { input: input.columns, keyColumns, output }, scope);
      outputs.push({ aggregates: [aggregate], finalize: (results) => results[0] });
      continue;
    }
    const calls = aggregateCalls(c, expr);
    if (calls.length === 0) throw notSupported(`The summarize expression '${clip(textOf(expr))}' (no aggregation)`);
    const aggregates = calls.map((call, k) => {
      const type = c.scalarTypeOf(call, `'${clip(textOf(call))}'`);
      const aggregate = compileAggregate(
        c,
        call,
        { input: input.columns, keyColumns, output: [{ name: `agg${k}`, type }] },
        scope,
      );
      if (aggregate.width !== 1) throw notSupported(`'${clip(textOf(call))}' inside an expression`);
      c.overrides.set(call, (row) => row[k]);
      return aggregate;
    });
    const outer: ScalarPlan = c.scalar(expr, [], scope);
    for (const call of calls) c.overrides.delete(call);
    offset += 1;
    outputs.push({ aggregates, finalize: (results) => [outer(results.map((r) => r[0]))] });
  }
  if (offset !== columns.length) throw notSupported(`'summarize ${clip(textOf(op))}' (unexpected result columns)`);
  const allAggregates = outputs.flatMap((o) => o.aggregates);
  const rt = c.runtime;
  const single = keyPlans.length === 1 ? keyPlans[0] : undefined;

  const finish = (keys: Value[], states: AggregateState[]): Row => {
    const row: Row = [...keys];
    let s = 0;
    for (const o of outputs) {
      const results = o.aggregates.map(() => states[s++].result());
      row.push(...o.finalize(results));
    }
    return row;
  };

  return {
    columns,
    run: function* () {
      const rows = yield* input.run();
      const create = (): AggregateState[] => allAggregates.map((a) => a.create());
      if (keyPlans.length === 0) {
        const states = create();
        for (let i = 0; i < rows.length; i++) {
          for (const st of states) st.add(rows[i]);
          if ((i & 4095) === 4095) rt.tick(4096);
          if (rt.yieldDue) yield;
        }
        return [finish([], states)];
      }
      const groups = new Map<unknown, { keys: Value[]; states: AggregateState[] }>();
      const n = rows.length;
      let i = 0;
      // Grouped a chunk at a time in a plain function (loops in generators run slower); a costly key or aggregate may
      // use up the time slice within a chunk, so the chunk ends early when it does.
      const scan = (to: number) => {
        while (i < to) {
          const row = rows[i++];
          let g;
          if (single) {
            // One key: no per-row key array, the hash of the value is the group's Map key.
            const v = single(row);
            const k = groupKey(keyTypes[0], v);
            g = groups.get(k);
            if (!g) {
              g = { keys: [v], states: create() };
              groups.set(k, g);
            }
          } else {
            const keys = keyPlans.map((p) => p(row));
            const k = compositeKey(keyTypes, keys);
            g = groups.get(k);
            if (!g) {
              g = { keys, states: create() };
              groups.set(k, g);
            }
          }
          const states = g.states;
          for (let j = 0; j < states.length; j++) states[j].add(row);
          if (rt.yieldDue) return;
        }
      };
      while (i < n) {
        const from = i;
        scan(Math.min(n, from + 4096));
        rt.tick(i - from);
        if (rt.yieldDue) yield;
      }
      const out: Row[] = [];
      for (const g of groups.values()) out.push(finish(g.keys, g.states));
      return out;
    },
  };
}
