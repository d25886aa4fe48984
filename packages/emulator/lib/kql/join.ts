/**
 * The join and lookup operators: hash joins on equality keys (`on Key`, `on $left.a == $right.b`, several keys with
 * `,` or `and`), with every join kind: innerunique (the default: one left row per key), inner, leftouter, rightouter,
 * fullouter, leftanti, rightanti, leftsemi, rightsemi. Null keys never match, as null equals nothing in Kusto.
 */
import { type Column, type KustoScalarType, NUMERIC_TYPES, type Value } from '../model';
import { notSupported, syntaxError } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import { MAX_INTERMEDIATE_ROWS, tooManyRows, type Row, type TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { operatorParameters } from './operatorSyntax';
import { compositeKey } from './compositeKey';
import { convertValue } from './scalarApi';

/** One equality of the join condition. */
interface KeyPair {
  left: number;
  right: number;
  type: KustoScalarType;
  leftType: KustoScalarType;
  rightType: KustoScalarType;
}

const KIND_ALIASES: Record<string, string> = {
  anti: 'leftanti',
  leftantisemi: 'leftanti',
  rightantisemi: 'rightanti',
  semi: 'leftsemi',
};

const KINDS = new Set([
  'innerunique',
  'inner',
  'leftouter',
  'rightouter',
  'fullouter',
  'leftanti',
  'rightanti',
  'leftsemi',
  'rightsemi',
]);

/** The type two key columns are compared in. */
function keyType(left: KustoScalarType, right: KustoScalarType, what: string): KustoScalarType {
  if (left === right) return left;
  if (NUMERIC_TYPES.has(left) && NUMERIC_TYPES.has(right)) {
    if ((left === 'int' || left === 'long') && (right === 'int' || right === 'long')) return 'long';
    return left === 'real' || right === 'real' ? 'real' : 'decimal';
  }
  throw syntaxError(`Semantic error: join key '${what}' compares ${left} with ${right}; the key types must match.`);
}

/** The column a `$left.x` / `$right.x` operand names, with its side. */
function sideColumn(node: KNode): { side: 'left' | 'right'; name: string } | undefined {
  if (kindOf(node) !== 'PathExpression') return undefined;
  const base = (node.Expression as KNode).SimpleName;
  const name = (node.Selector as KNode).SimpleName as string;
  if (base === '$left') return { side: 'left', name };
  if (base === '$right') return { side: 'right', name };
  return undefined;
}

function columnIndex(columns: Column[], name: string, side: string): number {
  const i = columns.findIndex((c) => c.name === name);
  if (i < 0) throw syntaxError(`Semantic error: the join's ${side} side has no column '${name}'.`);
  return i;
}

/** The key equalities of `on …`. */
function joinKeys(clause: KNode | null | undefined, left: Column[], right: Column[]): KeyPair[] {
  if (!clause || kindOf(clause) !== 'JoinOnClause') {
    throw notSupported(`The join condition '${clause ? clip(textOf(clause)) : ''}' (only 'on' equalities are)`);
  }
  const terms: KNode[] = [];
  const flatten = (n: KNode): void => {
    if (kindOf(n) === 'AndExpression') {
      flatten(n.Left as KNode);
      flatten(n.Right as KNode);
    } else if (kindOf(n) === 'ParenthesizedExpression') flatten(n.Expression as KNode);
    else terms.push(n);
  };
  elements(clause.Expressions).forEach(flatten);
  return terms.map((term) => {
    let leftName: string | undefined;
    let rightName: string | undefined;
    if (kindOf(term) === 'NameReference') {
      leftName = rightName = term.SimpleName as string;
    } else if (kindOf(term) === 'EqualExpression') {
      const a = sideColumn(term.Left as KNode);
      const b = sideColumn(term.Right as KNode);
      if (a && b && a.side !== b.side) {
        leftName = a.side === 'left' ? a.name : b.name;
        rightName = a.side === 'left' ? b.name : a.name;
      }
    }
    if (leftName === undefined || rightName === undefined) {
      throw notSupported(`The join condition '${clip(textOf(term))}' (only equalities of columns are)`);
    }
    const l = columnIndex(left, leftName, 'left');
    const r = columnIndex(right, rightName, 'right');
    const lt = left[l].type;
    const rt = right[r].type;
    return { left: l, right: r, leftType: lt, rightType: rt, type: keyType(lt, rt, leftName) };
  });
}

/** A function computing a row's join key, or undefined when a key value is null (never matches). */
function keyOf(keys: KeyPair[], side: 'left' | 'right'): (row: Row) => unknown {
  const types = keys.map((k) => k.type);
  return (row) => {
    const values: Value[] = [];
    for (const k of keys) {
      const from = side === 'left' ? k.leftType : k.rightType;
      const v = row[side === 'left' ? k.left : k.right];
      if (v === null) return undefined;
      values.push(from === k.type ? v : convertValue(v, from, k.type));
    }
    return compositeKey(types, values);
  };
}

/**
 * The values an outer join gives the columns of a side with no matching row: null, but the empty string for a string
 * column, as Kusto's string type has no null (scalar-data-types/null-values). So an unmatched row's string column
 * equals `""`, groups with `""` and matches `""` in a later join, as in Kusto.
 */
function missingValues(columns: Column[]): Value[] {
  return columns.map((col) => (col.type === 'string' ? '' : null));
}

/** Right rows by key. */
function index(rows: Row[], key: (row: Row) => unknown): Map<unknown, number[]> {
  const map = new Map<unknown, number[]>();
  rows.forEach((row, i) => {
    const k = key(row);
    if (k === undefined) return;
    const list = map.get(k);
    if (list) list.push(i);
    else map.set(k, [i]);
  });
  return map;
}

/** Compiles `left | join [kind=…] (right) on …`. */
/**
 * Innerunique joins whose left side a following filter can be pushed to: Kusto's optimizer moves a filter on left
 * columns that follows such a join before it, so that the row kept for a key is one the filter lets through (the
 * reference's innerunique example). `apply` returns the join with `predicate` run on the left rows before they are
 * de-duplicated; the predicate may read only the first `leftWidth` columns (the left side's, first in the output).
 */
export const leftFilterable = new WeakMap<
  TabularPlan,
  { readonly leftWidth: number; apply(predicate: (row: Row) => Value): TabularPlan }
>();

/**
 * The names of the columns a scalar expression reads, or undefined when it may read others unseen (`*`): what decides
 * whether a filter can be pushed to a join's left side.
 */
export function columnsReadBy(c: Compiler, node: KNode, names = new Set<string>()): Set<string> | undefined {
  if (kindOf(node) === 'StarExpression') return undefined;
  if (c.symbolKind(node.ReferencedSymbol) === 'Column' && typeof node.SimpleName === 'string')
    names.add(node.SimpleName);
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken && columnsReadBy(c, child, names) === undefined) return undefined;
  }
  return names;
}

export function compileJoin(c: Compiler, op: KNode, left: TabularPlan, scope: Scope): TabularPlan {
  const params = operatorParameters(op);
  const raw = (params.get('kind') ?? 'innerunique').toLowerCase();
  const kind = KIND_ALIASES[raw] ?? raw;
  if (!KINDS.has(kind)) throw notSupported(`The join kind '${raw}'`);
  const right = c.tabular(op.Expression as KNode, scope);
  const columns = c.columns(op);
  const keys = joinKeys(op.ConditionClause, left.columns, right.columns);
  const leftKey = keyOf(keys, 'left');
  const rightKey = keyOf(keys, 'right');
  const lw = left.columns.length;
  const rw = right.columns.length;
  const expected = kind.endsWith('semi') || kind.endsWith('anti') ? (kind.startsWith('left') ? lw : rw) : lw + rw;
  if (columns.length !== expected) throw notSupported(`'join kind=${kind}' with these columns`);
  const leftNulls = missingValues(left.columns);
  const rightNulls = missingValues(right.columns);
  const rt = c.runtime;

  const joinPlan = (leftFilters: ((row: Row) => Value)[]): TabularPlan => {
    const plan: TabularPlan = {
      columns,
      run: function* () {
        let leftRows = yield* left.run();
        for (const filter of leftFilters) leftRows = leftRows.filter((r) => filter(r) === true);
        const rightRows = yield* right.run();
        const byKey = index(rightRows, rightKey);
        if (kind === 'innerunique') {
          const seen = new Set<unknown>();
          leftRows = leftRows.filter((r) => {
            const k = leftKey(r);
            if (k === undefined || seen.has(k)) return false;
            seen.add(k);
            return true;
          });
        }
        const out: Row[] = [];
        const matchedRight = new Uint8Array(rightRows.length);
        for (const l of leftRows) {
          const k = leftKey(l);
          const matches = k === undefined ? undefined : byKey.get(k);
          if (kind === 'leftsemi') {
            if (matches) out.push(l);
          } else if (kind === 'leftanti') {
            if (!matches) out.push(l);
          } else if (matches) {
            for (const i of matches) {
              matchedRight[i] = 1;
              if (kind !== 'rightsemi' && kind !== 'rightanti') out.push(l.concat(rightRows[i]));
            }
            rt.tick(matches.length);
            rt.chargeRows(matches.length, l.length + rightRows[0].length);
            if (out.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('join');
          } else if (kind === 'leftouter' || kind === 'fullouter') {
            out.push(l.concat(rightNulls));
          }
          rt.tick();
          if (rt.yieldDue) yield;
        }
        if (kind === 'rightsemi' || kind === 'rightanti' || kind === 'rightouter' || kind === 'fullouter') {
          rightRows.forEach((r, i) => {
            const matched = matchedRight[i] === 1;
            if (kind === 'rightsemi') {
              if (matched) out.push(r);
            } else if (kind === 'rightanti') {
              if (!matched) out.push(r);
            } else if (!matched) out.push(leftNulls.concat(r));
          });
        }
        return out;
      },
    };
    if (kind === 'innerunique') {
      leftFilterable.set(plan, { leftWidth: lw, apply: (predicate) => joinPlan([...leftFilters, predicate]) });
    }
    return plan;
  };
  return joinPlan([]);
}

/** Compiles `left | lookup [kind=leftouter|inner] (right) on …`: the right's key columns are not repeated. */
export function compileLookup(c: Compiler, op: KNode, left: TabularPlan, scope: Scope): TabularPlan {
  const params = operatorParameters(op);
  const kind = (params.get('kind') ?? 'leftouter').toLowerCase();
  if (kind !== 'leftouter' && kind !== 'inner') throw notSupported(`The lookup kind '${kind}'`);
  const right = c.tabular(op.Expression as KNode, scope);
  const columns = c.columns(op);
  const keys = joinKeys(op.LookupClause, left.columns, right.columns);
  const leftKey = keyOf(keys, 'left');
  const rightKey = keyOf(keys, 'right');
  const rightKeyColumns = new Set(keys.map((k) => k.right));
  const kept = right.columns.map((_, i) => i).filter((i) => !rightKeyColumns.has(i));
  if (columns.length !== left.columns.length + kept.length) throw notSupported("'lookup' with these columns");
  const nulls = missingValues(kept.map((j) => right.columns[j]));
  const rt = c.runtime;
  return {
    columns,
    run: function* () {
      const rightRows = yield* right.run();
      const byKey = index(rightRows, rightKey);
      const out: Row[] = [];
      for (const l of yield* left.run()) {
        const k = leftKey(l);
        const matches = k === undefined ? undefined : byKey.get(k);
        if (matches) for (const i of matches) out.push(l.concat(kept.map((j) => rightRows[i][j])));
        else if (kind === 'leftouter') out.push(l.concat(nulls));
        rt.tick();
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
