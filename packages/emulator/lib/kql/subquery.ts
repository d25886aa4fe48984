/**
 * What the operators running a subquery per group of rows share (mv-apply per input row, partition per key): the
 * implicit source the subquery reads, and how its result maps onto the operator's output columns.
 */
import type { Column } from '../model';
import { notSupported } from '../errors';
import type { KNode } from './language';
import { rowsOf, type Row, type TabularPlan } from './runtime';
import type { Scope } from './scope';

/**
 * A child of a syntax node that language.ts's KNode does not list (`Subquery`, `Steps`, …), read by its
 * Kusto.Language property name; undefined when absent.
 */
export function child(node: KNode, name: string): KNode | undefined {
  return ((node as unknown as Record<string, KNode | null | undefined>)[name] ?? undefined) as KNode | undefined;
}

/** The operators of a subquery applied to `input` (`take 1 | extend …`: the innermost operator reads `input`). */
export type SubqueryCompiler = (node: KNode, input: TabularPlan, scope: Scope) => TabularPlan;

/**
 * A plan whose rows are set before each run: the implicit source of a subquery run once per subtable (mv-apply,
 * partition).
 */
export interface SubtableSource {
  /** The plan the subquery reads. */
  plan: TabularPlan;
  /** Sets the rows the next run of `plan` returns. */
  set(rows: Row[]): void;
}

/** A source for subqueries over rows of `columns`. */
export function subtableSource(columns: Column[]): SubtableSource {
  let current: Row[] = [];
  return {
    plan: { columns, run: () => rowsOf(current) },
    set: (rows) => {
      current = rows;
    },
  };
}

/**
 * Maps a subquery's result row onto the operator's output columns (from the analysis): each column from the subquery's
 * result when it has one of that name, else from the outer row; a type differing from the analysis' is refused.
 */
export function outputMapping(
  output: Column[],
  sub: Column[],
  outer: Column[],
  what: string,
): (outerRow: Row, subRow: Row) => Row {
  const sources = output.map((col) => {
    const s = sub.findIndex((x) => x.name === col.name);
    if (s >= 0) {
      if (sub[s].type !== col.type)
        throw notSupported(`${what} (column '${col.name}' is ${sub[s].type} in its subquery)`);
      return { sub: s };
    }
    const o = outer.findIndex((x) => x.name === col.name);
    if (o < 0 || outer[o].type !== col.type) throw notSupported(`The column '${col.name}' produced by ${what}`);
    return { outer: o };
  });
  return (outerRow, subRow) => sources.map((s) => (s.sub !== undefined ? subRow[s.sub] : outerRow[s.outer as number]));
}

/**
 * Scan plans whose result has no `match_id` column where Kusto.Language's schema has one (see compileScan): an
 * operator taking its columns from a subquery ending in one (partition, mv-apply) leaves that column out too.
 */
export const withoutMatchId = new WeakSet<TabularPlan>();

/** The analysis' columns of an operator whose subquery is `sub`, without the `match_id` a scan did not produce. */
export function subqueryColumns(columns: Column[], sub: TabularPlan): Column[] {
  if (!withoutMatchId.has(sub)) return columns;
  return columns.filter((col) => col.name !== 'match_id');
}
