/**
 * Statements that produce several results, or none: `T | facet by Col1, Col2 [with (…)]` (the `with` pipe's table,
 * then per column a table of its values and their counts, `Col`, `count_Col`) and `T | consume` (T is evaluated, no
 * rows are returned). Like fork's unnamed legs, facet's tables are each named `PrimaryResult`.
 */
import { notSupported } from '../errors';
import { columnsOf, elements, kindOf, textOf, type KList, type KNode, type KSymbol } from './language';
import { rowsOf, type Row, type TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { compileOperator } from './tabularOperators';
import { hashKey } from './scalarApi';

/** One result of a statement, as the query compiler lists them. */
interface NamedPlan {
  name: string;
  plan: TabularPlan;
}

/** Applies a pipe of operators written without its input (`take 3 | project a`) to `input`. */
export function applyPipe(c: Compiler, node: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  return kindOf(node) === 'PipeExpression'
    ? compileOperator(c, node.Operator as KNode, applyPipe(c, node.Expression as KNode, input, scope), scope)
    : compileOperator(c, node, input, scope);
}

/** Compiles `input | facet by …  [with (…)]` into its results, in Kusto's order: the `with` table first. */
export function compileFacet(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): NamedPlan[] {
  const results: NamedPlan[] = [];
  const withPipe = op.WithClause?.Expression as KNode | undefined;
  if (op.WithClause && !withPipe) throw notSupported(`'facet … with ${clip(textOf(op.WithClause as KNode))}'`);
  if (withPipe) results.push({ name: 'PrimaryResult', plan: applyPipe(c, withPipe, input, scope) });
  const rt = c.runtime;
  for (const e of elements(op.Expressions)) {
    if (kindOf(e) !== 'NameReference' || c.symbolKind(e.ReferencedSymbol) !== 'Column') {
      throw notSupported(`'facet by ${clip(textOf(e))}' (facet takes column names)`);
    }
    const name = e.SimpleName as string;
    const i = input.columns.findIndex((col) => col.name === name);
    if (i < 0) throw notSupported(`The column '${name}' in 'facet'`);
    const type = input.columns[i].type;
    const columns = [
      { name, type },
      { name: `count_${name}`, type: 'long' as const },
    ];
    results.push({
      name: 'PrimaryResult',
      plan: {
        columns,
        run: function* () {
          const counts = new Map<unknown, Row>();
          const rows = yield* input.run();
          for (let j = 0; j < rows.length; j++) {
            const v = rows[j][i];
            const k = hashKey(type, v);
            const row = counts.get(k);
            if (row) row[1] = (row[1] as bigint) + 1n;
            else counts.set(k, [v, 1n]);
            if ((j & 4095) === 4095) rt.tick(4096);
            if (rt.yieldDue) yield;
          }
          return [...counts.values()];
        },
      },
    });
  }
  checkAgainstAnalysis(c, op, results);
  return results;
}

/** The analysis lists facet's tables (as members of a group): the schemas built here must be those. */
function checkAgainstAnalysis(c: Compiler, op: KNode, results: NamedPlan[]): void {
  // A group symbol (Kusto.Language's GroupSymbol) lists its tables as Members.
  const members = (op.ResultType as unknown as { Members?: KList<KSymbol> } | null)?.Members;
  const count = members?.Count ?? 0;
  const expected: string[] = [];
  for (let i = 0; i < count; i++) {
    expected.push(
      columnsOf((members as KList<KSymbol>).getItem(i))
        .map((col) => `${col.Name}:${c.scalarTypeOf(col.Type ?? null, `the column '${col.Name}'`)}`)
        .join(','),
    );
  }
  const actual = results.map((r) => r.plan.columns.map((col) => `${col.name}:${col.type}`).join(','));
  if (expected.join('|') !== actual.join('|')) throw notSupported(`'facet' with these tables`);
}

/** Compiles `input | consume`: the input is evaluated for its effects (and cost), and no row or column returned. */
export function compileConsume(input: TabularPlan): TabularPlan {
  return {
    columns: [],
    run: function* () {
      yield* input.run();
      return yield* rowsOf([]);
    },
  };
}
