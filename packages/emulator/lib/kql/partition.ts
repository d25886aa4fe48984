/**
 * The partition operator: the input's rows grouped by the key column's value (each group in input order, groups in
 * the order their key first appears), a subquery run per group, the results concatenated.
 *
 * `hint.strategy=native|shuffle|legacy` choose how Kusto distributes the work, not the result, so every strategy runs
 * the same way here; legacy (the default) fails past 64 partitions as Kusto documents. The `{ … }` form (legacy
 * only) runs a subquery with a source of its own, in which the key column names the partition's key value.
 */
import type { Value } from '../model';
import { KustoEmulatorError, notSupported, syntaxError } from '../errors';
import { kindOf, textOf, type KNode } from './language';
import { MAX_INTERMEDIATE_ROWS, tooManyRows, type Row, type TabularPlan } from './runtime';
import { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, firstToken } from './nodeText';
import { operatorParameters } from './operatorSyntax';
import { compositeKey } from './compositeKey';
import { child, outputMapping, subqueryColumns, subtableSource, type SubqueryCompiler } from './subquery';

/** Most partitions of the legacy strategy (partition-operator.md: "limited to 64 partitions"). */
const LEGACY_MAX_PARTITIONS = 64;

/** Hints that tune how Kusto runs the partitions and never change the result. */
const EXECUTION_HINTS = new Set([
  'hint.strategy',
  'hint.shufflekey',
  'hint.materialized',
  'hint.concurrency',
  'hint.spread',
]);

/** Compiles `input | partition [hint.strategy=…] by Key (subquery)` or `… by Key { subquery with source }`. */
export function compilePartition(
  c: Compiler,
  op: KNode,
  input: TabularPlan,
  scope: Scope,
  subquery: SubqueryCompiler,
): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  for (const name of params.keys()) {
    if (!EXECUTION_HINTS.has(name)) throw notSupported(`'partition ${name}='`);
  }
  const strategy = (params.get('hint.strategy') ?? 'legacy').toLowerCase();
  if (!['legacy', 'native', 'shuffle'].includes(strategy)) throw notSupported(`'partition hint.strategy=${strategy}'`);
  const keyNode = op.ByExpression as KNode;
  if (kindOf(keyNode) !== 'NameReference') throw notSupported(`'partition by ${clip(textOf(keyNode))}' (not a column)`);
  const keyName = keyNode.SimpleName as string;
  const keyIndex = input.columns.findIndex((col) => col.name === keyName);
  if (keyIndex < 0) throw notSupported(`'partition by ${keyName}'`);
  const keyType = input.columns[keyIndex].type;

  const operand = child(op, 'Operand') as KNode;
  const withSource = kindOf(operand) === 'PartitionQuery';
  if (withSource && strategy !== 'legacy') {
    throw syntaxError(
      `Semantic error: 'partition hint.strategy=${strategy}' takes a subquery without a source, '( … )'; the '{ … }' form is for the legacy strategy only.`,
    );
  }
  const body = (withSource ? child(operand, 'Query') : child(operand, 'Subquery')) as KNode;
  if (!withSource && strategy !== 'legacy') checkNativeOperators(body, strategy);
  // A scope of its own, as a function body's: values computed in the subquery (toscalar, `as`) are per partition.
  const subScope = new Scope(scope, true);
  const source = subtableSource(input.columns);
  let currentKey: Value = null;
  let sub: TabularPlan;
  if (withSource) {
    bindKey(c, body, keyNode, () => currentKey);
    sub = c.tabular(body, subScope);
  } else {
    sub = subquery(body, source.plan, subScope);
  }
  const output = subqueryColumns(columns, sub);
  const map = outputMapping(output, sub.columns, [], "'partition'");
  const none: Row = [];
  const rt = c.runtime;
  return {
    columns: output,
    run: function* () {
      const groups = new Map<unknown, { key: Value; rows: Row[] }>();
      const rows = yield* input.run();
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const k = compositeKey([keyType], [row[keyIndex]]);
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { key: row[keyIndex], rows: [] }));
        g.rows.push(row);
        if ((i & 4095) === 4095) rt.tick(4096);
        if (rt.yieldDue) yield;
      }
      if (strategy === 'legacy' && groups.size > LEGACY_MAX_PARTITIONS) {
        throw new KustoEmulatorError(
          `Partition operator exceeded amount of maximum partitions allowed (${LEGACY_MAX_PARTITIONS}): the key '${keyName}' has ${groups.size} values; use hint.strategy=native or hint.strategy=shuffle.`,
        );
      }
      const out: Row[] = [];
      for (const g of groups.values()) {
        currentKey = g.key;
        source.set(g.rows);
        for (const result of yield* sub.run()) out.push(map(none, result));
        if (out.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('partition');
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}

/**
 * The operators partition-operator.md lists for the subquery of the native and shuffle strategies ("Only certain
 * supported operators can be used"), by Kusto.Language's syntax kind; join, union, `as` and others need legacy.
 */
const NATIVE_OPERATORS = new Set([
  'CountOperator',
  'DistinctOperator',
  'ExtendOperator',
  'MakeSeriesOperator',
  'MvApplyOperator',
  'MvExpandOperator',
  'ParseOperator',
  'ParseWhereOperator',
  'ProjectOperator',
  'ProjectAwayOperator',
  'ProjectKeepOperator',
  'ProjectRenameOperator',
  'ProjectReorderOperator',
  'ReduceByOperator',
  'SampleOperator',
  'SampleDistinctOperator',
  'ScanOperator',
  'SearchOperator',
  'SerializeOperator',
  'SortOperator',
  'SummarizeOperator',
  'TakeOperator',
  'TopOperator',
  'TopHittersOperator',
  'TopNestedOperator',
  'FilterOperator',
]);

/** Fails, as Kusto does, when a native or shuffle subquery uses an operator the reference does not list for them. */
function checkNativeOperators(body: KNode, strategy: string): void {
  for (let node: KNode | undefined = body; node;) {
    const isPipe: boolean = kindOf(node) === 'PipeExpression';
    const op: KNode = isPipe ? (node.Operator as KNode) : node;
    if (!NATIVE_OPERATORS.has(kindOf(op))) {
      throw syntaxError(
        `Semantic error: the '${firstToken(op)}' operator cannot be used in the subquery of 'partition hint.strategy=${strategy}'; the reference lists the operators it takes (use hint.strategy=legacy).`,
      );
    }
    node = isPipe ? (node.Expression as KNode) : undefined;
  }
}

/**
 * In a `{ … }` subquery, the partition key column (`x`, or `toscalar(x)`) stands for the partition's key value: each
 * reference Kusto.Language resolved to the outer key column is compiled as that value.
 */
function bindKey(c: Compiler, node: KNode, keyNode: KNode, key: () => Value): void {
  const keySymbol = keyNode.ReferencedSymbol;
  const visit = (n: KNode): void => {
    const kind = kindOf(n);
    if (kind === 'NameReference' && keySymbol && n.ReferencedSymbol === keySymbol) {
      c.overrides.set(n, key);
      return;
    }
    if (kind === 'ToScalarExpression') {
      const inner = n.Expression as KNode;
      if (kindOf(inner) === 'NameReference' && keySymbol && inner.ReferencedSymbol === keySymbol) {
        const type = c.scalarTypeOf(n, `'${clip(textOf(n))}'`);
        if (type !== c.scalarTypeOf(keyNode, `'${clip(textOf(keyNode))}'`))
          throw notSupported(`'${clip(textOf(n))}' of type ${type}`);
        c.overrides.set(n, key);
        return;
      }
    }
    for (let i = 0; i < n.ChildCount; i++) {
      const ch = n.GetChild(i);
      if (ch && !ch.IsToken) visit(ch);
    }
  };
  visit(node);
}
