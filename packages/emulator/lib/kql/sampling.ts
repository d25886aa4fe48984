/**
 * `sample N` (N rows picked at random, uniformly, without repetition) and `sample-distinct N of Col` (up to N distinct
 * values of Col). Kusto promises neither which rows nor which values: the emulator picks them at random too, so a
 * test cannot come to depend on an order Kusto does not keep.
 */
import type { Value } from '../model';
import { syntaxError } from '../errors';
import type { KNode } from './language';
import type { Row, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { named } from './operatorSyntax';
import { checkTypes } from './operatorColumns';
import { hashKey } from './scalarApi';

/** The sample size, evaluated once per run. */
function sampleSize(c: Compiler, node: KNode, scope: Scope, what: string): () => number {
  const plan = c.scalar(node, [], scope);
  return () => {
    const v: Value = plan([]);
    const n = v === null ? NaN : Number(v);
    if (!Number.isFinite(n)) throw syntaxError(`Semantic error: the sample size of '${what}' is not a number.`);
    return Math.max(0, Math.trunc(n));
  };
}

/** Picks `n` of `items` at random (a partial Fisher–Yates shuffle), in their input order. */
function pick<T>(items: T[], n: number): T[] {
  if (n >= items.length) return items.slice();
  const idx = items.map((_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

/** Compiles `input | sample N`. */
export function compileSample(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const size = sampleSize(c, op.Expression as KNode, scope, 'sample');
  return {
    columns: input.columns,
    run: function* () {
      return pick(yield* input.run(), size());
    },
  };
}

/** Compiles `input | sample-distinct N of Col`: one column, up to N of its distinct values (null among them). */
export function compileSampleDistinct(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const expr = named(op.OfExpression as KNode).expr;
  checkTypes(c, [expr], columns, "'sample-distinct'");
  const value = c.scalar(expr, input.columns, scope);
  const type = columns[0].type;
  const size = sampleSize(c, op.Expression as KNode, scope, 'sample-distinct');
  const rt = c.runtime;
  return {
    columns,
    run: function* () {
      const seen = new Map<unknown, Row>();
      const rows = yield* input.run();
      for (let i = 0; i < rows.length; i++) {
        const v = value(rows[i]);
        const k = hashKey(type, v);
        if (!seen.has(k)) seen.set(k, [v]);
        if ((i & 4095) === 4095) rt.tick(4096);
        if (rt.yieldDue) yield;
      }
      return pick([...seen.values()], size());
    },
  };
}
