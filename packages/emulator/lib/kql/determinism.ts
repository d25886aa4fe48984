/**
 * Which tabular expressions give other rows at each evaluation (`sample`, `sample-distinct`, `rand()`, `new_guid()`).
 *
 * Kusto evaluates a tabular `let` (and `as`) at each reference, unless `materialize()` or `as hint.materialized=true`
 * caches it: the reference's sample example (`let _sample = _data | sample 1; union (_sample), (_sample)`) returns two
 * different rows, and the same row twice with materialize(). The engine computes a deterministic `let` once per run
 * (the rows are the same either way, and a join of a let with itself costs one evaluation), and a volatile one at
 * each reference, as Kusto does.
 */
import { kindOf, type KNode } from './language';
import type { TabularPlan } from './runtime';
import type { Scope } from './scope';
import { functionName } from './nodeText';

/** Plans of lets and `as` names that are evaluated at each reference. */
const volatilePlans = new WeakSet<TabularPlan>();

const VOLATILE_FUNCTIONS = new Set(['rand', 'new_guid']);
const VOLATILE_OPERATORS = new Set(['SampleOperator', 'SampleDistinctOperator']);

/** Records that a name's plan is evaluated at each reference (references to it are volatile too). */
export function markVolatile(plan: TabularPlan): TabularPlan {
  volatilePlans.add(plan);
  return plan;
}

/** Whether `node` (a tabular expression) may give other rows at each evaluation. */
export function isVolatile(node: KNode, scope: Scope): boolean {
  const kind = kindOf(node);
  if (VOLATILE_OPERATORS.has(kind)) return true;
  if (kind === 'FunctionCallExpression' && VOLATILE_FUNCTIONS.has(functionName(node).toLowerCase())) return true;
  if (kind === 'MaterializeExpression') return false;
  if (kind === 'NameReference') {
    const binding = scope.lookup(node.SimpleName as string);
    if (binding?.kind === 'tabular' && volatilePlans.has(binding.plan)) return true;
  }
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken && isVolatile(child, scope)) return true;
  }
  return false;
}
