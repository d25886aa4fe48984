/**
 * The scan operator, as scan-operator.md's "Scan logic" states it: each input row (in input order) is checked against
 * the steps from the last to the first; a step matches by promoting the previous step's sequence (check 1) or by
 * continuing its own (check 2, or a new sequence at the first step), its `=>` assignments extend the row, and the
 * extended row is output unless the step says `output=none`. `step.Column` reads a step's values in the state the
 * condition is checked against; a step without values there reads null (a declared column: its default).
 *
 * Refused, by name: `output=last`, `optional` steps, the `order by` and `partition by` clauses (the reference does
 * not describe them: sort, or `partition … (… | scan …)`, do the same), an assignment to a column that is not
 * declared, and an unqualified reference to a declared column in a step (the reference does not say which value it
 * reads).
 */
import type { Column, KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import { elements, kindOf, scalarTypeOf, textOf, type KNode } from './language';
import { parseLiteral } from '../values/literalText';
import { convertValue } from './scalarApi';
import { MAX_INTERMEDIATE_ROWS, tooManyRows, type Row, type ScalarPlan, type TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, firstToken } from './nodeText';
import { operatorParameters } from './operatorSyntax';
import { child, withoutMatchId } from './subquery';

/** A sequence in the state: its match id and the extended row each step up to this one matched. */
interface Sequence {
  matchId: bigint;
  records: Row[];
}

/** One compiled step. */
interface Step {
  name: string;
  output: 'all' | 'none';
  condition: ScalarPlan;
  /** Declared column index (0-based among the declared) and value plan, per assignment. */
  assignments: { at: number; plan: ScalarPlan }[];
}

/** Compiles `input | scan [with_match_id=…] [declare (…)] with (step …; …)`. */
export function compileScan(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  for (const name of params.keys()) {
    if (name !== 'with_match_id') throw notSupported(`'scan ${name}='`);
  }
  const matchIdName = params.get('with_match_id');
  for (const clause of ['OrderByClause', 'PartitionByClause']) {
    const node = child(op, clause);
    if (node) throw notSupported(`'scan ${clip(textOf(node))}' (sort the input, or use 'partition by … (… | scan …)')`);
  }

  const n = input.columns.length;
  const declared: { column: Column; initial?: ScalarPlan }[] = [];
  const declareClause = child(op, 'DeclareClause');
  for (const d of declareClause ? elements(child(declareClause, 'Declarations') as never) : []) {
    const name = ((d.NameAndType as KNode).Name as KNode).SimpleName as string;
    const type: KustoScalarType | undefined = columns.find((col) => col.name === name)?.type;
    if (!type || input.columns.some((col) => col.name === name)) {
      throw notSupported(`The declared column '${name}' of 'scan'`);
    }
    const value = d.DefaultValue?.Value as KNode | undefined;
    declared.push({
      column: { name, type },
      initial: value ? declaredDefault(c, value, scope, type, name) : undefined,
    });
  }
  const evalColumns = [...input.columns, ...declared.map((d) => d.column)];
  // Kusto.Language's schema ends in a `match_id` column even without `with_match_id=`; the reference's examples
  // (cumulative sum, fill forward) show none then, and its Returns section names only the input's and declared ones.
  let output = columns;
  const last = columns[columns.length - 1];
  if (!matchIdName && last?.name === 'match_id' && !evalColumns.some((col) => col.name === 'match_id')) {
    checkConsumers(op);
    output = columns.slice(0, -1);
  }
  const declaredNames = new Set(declared.map((d) => d.column.name));

  const stepNodes = elements(child(op, 'Steps') as never);
  const stepNames = stepNodes.map((s) => (s.Name as KNode).SimpleName as string);
  for (const name of stepNames) {
    if (evalColumns.some((col) => col.name === name)) throw notSupported(`The scan step '${name}' named as a column`);
  }
  // `step.Column` reads the sequence the condition is checked against (`active`), set before each evaluation.
  let active: Sequence | null = null;
  let defaults: Value[] = [];
  const bindState = (node: KNode): void => {
    const kind = kindOf(node);
    if (kind === 'PathExpression') {
      const target = node.Expression as KNode;
      const selector = node.Selector as KNode;
      const j = kindOf(target) === 'NameReference' ? stepNames.indexOf(target.SimpleName as string) : -1;
      if (j >= 0) {
        const i =
          kindOf(selector) === 'NameReference' ? evalColumns.findIndex((col) => col.name === selector.SimpleName) : -1;
        if (i < 0) throw notSupported(`The scan state reference '${clip(textOf(node))}'`);
        c.overrides.set(node, () => {
          const record = active?.records[j];
          return record !== undefined ? record[i] : i >= n ? defaults[i - n] : null;
        });
        return;
      }
    }
    if (
      kind === 'NameReference' &&
      declaredNames.has(node.SimpleName as string) &&
      c.symbolKind(node.ReferencedSymbol) === 'Column'
    ) {
      throw notSupported(`The reference to the declared column '${node.SimpleName}' without a step name in 'scan'`);
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const ch = node.GetChild(i);
      if (ch && !ch.IsToken) bindState(ch);
    }
  };

  const steps: Step[] = stepNodes.map((s, k) => {
    const name = stepNames[k];
    if (child(s, 'OptionalKeyword')) throw notSupported(`The optional scan step '${name}'`);
    const outputNode = child(s, 'ScanStepOutput');
    const outputText = outputNode ? textOf(outputNode).replace(/\s+/g, '').toLowerCase() : 'output=all';
    if (outputText !== 'output=all' && outputText !== 'output=none') {
      throw notSupported(`'${outputNode ? textOf(outputNode) : outputText}' of the scan step '${name}'`);
    }
    const conditionNode = s.Condition as KNode;
    bindState(conditionNode);
    const computation = child(s, 'ComputationClause');
    const assignments = (computation ? elements(child(computation, 'Assignments') as never) : []).map((a) => {
      const target = (a.Name as KNode).SimpleName as string;
      const at = declared.findIndex((d) => d.column.name === target);
      if (at < 0)
        throw notSupported(`The assignment to '${target}' (not a declared column) in the scan step '${name}'`);
      const expr = a.Expression as KNode;
      bindState(expr);
      const type = c.scalarTypeOf(expr, `'${clip(textOf(expr))}'`);
      if (type !== declared[at].column.type) {
        throw notSupported(
          `The assignment of a ${type} to the ${declared[at].column.type} column '${target}' in 'scan'`,
        );
      }
      return { at, plan: c.scalar(expr, evalColumns, scope) };
    });
    return {
      name,
      output: outputText === 'output=none' ? 'none' : 'all',
      condition: c.scalar(conditionNode, evalColumns, scope),
      assignments,
    };
  });

  const outputIndex = output.map((col) => {
    if (col.name === matchIdName) return -1;
    const i = evalColumns.findIndex((x) => x.name === col.name && x.type === col.type);
    if (i < 0) throw notSupported(`The column '${col.name}' produced by 'scan'`);
    return i;
  });
  const rt = c.runtime;
  const plan: TabularPlan = {
    columns: output,
    run: function* () {
      defaults = declared.map((d) => (d.initial ? d.initial([]) : null));
      const m = steps.length;
      const state: (Sequence | null)[] = new Array<Sequence | null>(m).fill(null);
      let nextMatchId = 0n;
      const out: Row[] = [];
      const rows = yield* input.run();
      const extend = (row: Row, step: Step): Row => {
        const computed = defaults.slice();
        for (const a of step.assignments) computed[a.at] = a.plan(row);
        return [...row.slice(0, n), ...computed];
      };
      const emit = (ext: Row, matchId: bigint): void => {
        out.push(outputIndex.map((i) => (i < 0 ? matchId : ext[i])));
      };
      for (let r = 0; r < rows.length; r++) {
        const row: Row = [...rows[r], ...defaults];
        for (let k = m - 1; k >= 0; k--) {
          const step = steps[k];
          // Check 1: the previous step's sequence moves on to this step.
          const previous = k > 0 ? state[k - 1] : null;
          if (previous) {
            active = previous;
            if (step.condition(row) === true) {
              const ext = extend(row, step);
              previous.records[k] = ext;
              state[k] = previous;
              state[k - 1] = null;
              if (step.output === 'all') emit(ext, previous.matchId);
              continue;
            }
          }
          // Check 2: the step's own sequence continues; at the first step, one begins when there is none.
          const own = state[k];
          if (own || k === 0) {
            active = own;
            if (step.condition(row) === true) {
              const ext = extend(row, step);
              let sequence = own;
              if (!sequence) {
                sequence = { matchId: nextMatchId++, records: [] };
                state[0] = sequence;
              }
              sequence.records[k] = ext;
              if (step.output === 'all') emit(ext, sequence.matchId);
            }
          }
        }
        active = null;
        if ((r & 4095) === 4095) {
          rt.tick(4096);
          rt.chargeRows(4096, outputIndex.length);
        }
        if (out.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('scan');
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
  if (output !== columns) withoutMatchId.add(plan);
  return plan;
}

/** Operators after a scan that keep its columns as they are (the check goes on to the next one). */
const KEEP_COLUMNS = new Set(['FilterOperator', 'TakeOperator', 'SortOperator', 'TopOperator', 'SerializeOperator']);

/** Operators after a scan that build their columns by name from the analysis: the missing `match_id` is no matter. */
const BY_NAME = new Set([
  'ProjectOperator',
  'SummarizeOperator',
  'CountOperator',
  'GetSchemaOperator',
  'RenderOperator',
]);

/**
 * Without `with_match_id=`, the scan's rows lack the `match_id` column Kusto.Language's schema has (see compileScan),
 * and operators that follow take their columns from that schema. Those that select or aggregate by name (or keep the
 * rows as they are) work; any other is refused here, naming it, rather than given rows of another shape. Subqueries of
 * partition and mv-apply leave the column out of their result too, so the check goes on after them.
 */
function checkConsumers(scan: KNode): void {
  let node: KNode = scan;
  for (;;) {
    const parent = child(node, 'Parent');
    const kind = parent ? kindOf(parent) : '';
    if (parent && kind === 'PipeExpression' && (parent.Operator === node || parent.Expression === node)) {
      if (parent.Operator === node) {
        node = parent;
        continue;
      }
      const next = parent.Operator as KNode;
      const nextKind = kindOf(next);
      if (BY_NAME.has(nextKind)) return;
      if (!KEEP_COLUMNS.has(nextKind)) {
        throw notSupported(
          `The '${firstToken(next)}' operator after a 'scan' without with_match_id= (Kusto.Language's schema has a match_id column the reference's scan examples do not show; name it with with_match_id=, or project the columns first)`,
        );
      }
      node = parent;
      continue;
    }
    if (parent && kind === 'ParenthesizedExpression') {
      node = parent;
      continue;
    }
    if (parent && (kind === 'PartitionSubquery' || kind === 'MvApplySubqueryExpression')) {
      node = child(parent, 'Parent') as KNode;
      continue;
    }
    if (kind === 'ExpressionStatement') return;
    throw notSupported(
      `A 'scan' without with_match_id= used as a table here (Kusto.Language's schema has a match_id column the reference's scan examples do not show; name it with with_match_id=)`,
    );
  }
}

/**
 * A declared column's default: Kusto.Language does not analyse the declaration's default, so it must be a literal
 * (as a stored function parameter's default), of the column's type.
 */
function declaredDefault(c: Compiler, node: KNode, scope: Scope, type: KustoScalarType, name: string): ScalarPlan {
  const analysed = scalarTypeOf(node.ResultType);
  if (analysed) {
    if (analysed !== type) throw notSupported(`The ${analysed} default of the ${type} column '${name}' in 'scan'`);
    return c.scalar(node, [], scope);
  }
  const parsed = parseLiteral(textOf(node));
  if (!parsed) throw notSupported(`The default '${clip(textOf(node))}' of the column '${name}' in 'scan'`);
  // A whole number literal may fill an int or real column (`n:int = 0`); other mismatches are refused.
  const widening = parsed.type === 'long' && (type === 'int' || type === 'real');
  if (parsed.type !== type && parsed.value !== null && !widening) {
    throw notSupported(`The ${parsed.type} default of the ${type} column '${name}' in 'scan'`);
  }
  const value =
    parsed.type === type || parsed.value === null ? parsed.value : convertValue(parsed.value, parsed.type, type);
  return () => value;
}
