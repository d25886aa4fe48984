/**
 * Reading the parts of tabular operator syntax that several operators share: `name = expr` items and the
 * `name=value` parameters (`kind=inner`, `withsource=Src`).
 */
import { notSupported } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import { clip } from './nodeText';

/** An expression with the name it was given (`name = expr`), if any. */
export interface NamedExpression {
  /** Declared name. */
  name?: string;
  /** The expression. */
  expr: KNode;
}

/** Splits `name = expr` into its parts. */
export function named(node: KNode): NamedExpression {
  const kind = kindOf(node);
  if (kind === 'SimpleNamedExpression') {
    return { name: (node.Name as KNode).SimpleName as string, expr: node.Expression as KNode };
  }
  if (kind === 'CompoundNamedExpression') throw notSupported(`The multi-column assignment '${clip(textOf(node))}'`);
  return { expr: node };
}

/** The `name=value` parameters of an operator (`kind=inner`, `withsource=Src`). */
export function operatorParameters(op: KNode): Map<string, string> {
  const out = new Map<string, string>();
  const params = op.Parameters as { Count: number } | null | undefined;
  if (!params || typeof params.Count !== 'number') return out;
  for (const p of elements(op.Parameters as never)) {
    const name = (p.Name as KNode | null)?.SimpleName;
    const value = p.Expression ? textOf(p.Expression) : '';
    if (name) out.set(name.toLowerCase(), value);
  }
  return out;
}
