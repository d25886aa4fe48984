/**
 * The mv-apply operator: each input row is expanded as mv-expand expands it (several expressions in parallel, the
 * shorter padded with null, `to typeof(T)`, `with_itemindex=`, `limit`) into a subtable, the `on (…)` subquery runs on
 * that subtable, and the results are concatenated in input order, each result row completed with the input row's
 * columns the subquery did not produce.
 */
import type { Column, Value } from '../model';
import { notSupported } from '../errors';
import { scalarTypeFromName } from '../typeNames';
import { elements, textOf, type KNode } from './language';
import { MAX_INTERMEDIATE_ROWS, tooManyRows, type Row, type TabularPlan } from './runtime';
import { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { named, operatorParameters } from './operatorSyntax';
import { castDynamic, expandValue } from './mvExpand';
import { child, outputMapping, subqueryColumns, subtableSource, type SubqueryCompiler } from './subquery';

/** Compiles `input | mv-apply … on (subquery)`. */
export function compileMvApply(
  c: Compiler,
  op: KNode,
  input: TabularPlan,
  scope: Scope,
  subquery: SubqueryCompiler,
): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  for (const name of params.keys()) {
    if (name !== 'with_itemindex') throw notSupported(`'mv-apply ${name}='`);
  }
  const contextId = child(op, 'ContextIdClause');
  if (contextId) throw notSupported(`'mv-apply ${clip(textOf(contextId))}'`);
  const indexName = params.get('with_itemindex');
  // The subtable: the input's columns, an expanded column replacing the input column of its name, new names appended,
  // then the item index (the schema Kusto.Language gives the subquery's source).
  const subColumns: Column[] = input.columns.map((col) => ({ ...col }));
  const items = elements(op.Expressions).map((e) => {
    const { name, expr } = named(e.Expression as KNode);
    const target = name ?? c.K.KustoFacts.GetExpressionResultName(expr, '') ?? '';
    if (!target) throw notSupported(`'mv-apply ${clip(textOf(e))}' without a column name`);
    const typeNodes = e.ToTypeOf?.TypeOf ? elements(child(e.ToTypeOf.TypeOf as KNode, 'Types') as never) : [];
    if (typeNodes.length > 1) throw notSupported(`'mv-apply ${clip(textOf(e))}' with several types`);
    const typeText = typeNodes.length === 1 ? textOf(typeNodes[0]) : 'dynamic';
    const type = scalarTypeFromName(typeText);
    if (!type) throw notSupported(`The type '${typeText}' in 'mv-apply'`);
    const at = subColumns.findIndex((col) => col.name === target);
    let index: number;
    if (at >= 0) {
      subColumns[at] = { name: target, type };
      index = at;
    } else index = subColumns.push({ name: target, type }) - 1;
    return { index, type, plan: c.scalar(expr, input.columns, scope) };
  });
  if (new Set(items.map((i) => i.index)).size !== items.length) {
    throw notSupported(`'mv-apply' expanding two expressions into one column`);
  }
  const indexAt = indexName ? subColumns.push({ name: indexName, type: 'long' }) - 1 : -1;
  const limitNode = op.RowLimitClause?.RowLimit as KNode | undefined;
  const limitPlan = limitNode ? c.scalar(limitNode, [], scope) : undefined;

  const source = subtableSource(subColumns);
  // A scope of its own, as a function body's: values computed in the subquery (toscalar, `as`) are per subtable.
  const subqueryNode = child(op, 'Subquery') as KNode;
  const body = (subqueryNode.Expression ?? subqueryNode) as KNode;
  const sub = subquery(body, source.plan, new Scope(scope, true));
  const output = subqueryColumns(columns, sub);
  const map = outputMapping(output, sub.columns, input.columns, "'mv-apply'");
  const rt = c.runtime;
  return {
    columns: output,
    run: function* () {
      const limitValue = limitPlan ? limitPlan([]) : null;
      const limit = limitValue === null ? 2147483647 : Math.max(0, Number(limitValue));
      const out: Row[] = [];
      for (const row of yield* input.run()) {
        const lists = items.map((i) => expandValue(i.plan(row), false));
        const n = Math.min(limit, Math.max(...lists.map((l) => l.length)));
        const subtable: Row[] = [];
        for (let k = 0; k < n; k++) {
          const r: Value[] = row.slice();
          items.forEach((item, j) => {
            r[item.index] = castDynamic(k < lists[j].length ? lists[j][k] : null, item.type);
          });
          if (indexAt >= 0) r[indexAt] = BigInt(k);
          subtable.push(r);
        }
        rt.tick(n + 1);
        rt.chargeRows(n, subColumns.length);
        source.set(subtable);
        const results = yield* sub.run();
        // Whether Kusto runs the subquery on the empty subtable of an empty array (where `summarize count()` would give
        // a row) the reference does not say; both readings agree when the subquery gives no row from no rows.
        if (n === 0 && results.length > 0) {
          throw notSupported("'mv-apply' of an empty array with a subquery that produces rows from no rows");
        }
        for (const result of results) out.push(map(row, result));
        if (out.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('mv-apply');
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
