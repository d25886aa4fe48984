/**
 * The mv-expand operator: one output row per element of dynamic arrays or property bags, several expressions expanded
 * in parallel (missing elements are null), `kind=bag|array` (or `bagexpansion=`), `with_itemindex=`, `to typeof(T)`
 * (a cast: non-conforming elements become null) and `limit` (default 2147483647; 128 for the legacy `mvexpand`). A null
 * value yields one row; an empty array or bag none.
 */
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import { elements, textOf, type KNode } from './language';
import { MAX_INTERMEDIATE_ROWS, tooManyRows, type Row, type TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, firstToken } from './nodeText';
import { named, operatorParameters } from './operatorSyntax';
import { assemble } from './operatorColumns';
import { parseDatetime } from '../values/datetimeText';
import { parseTimespan } from '../values/timespanText';
import { decimalFromNumber } from '../values/decimalValue';

/** Casts one dynamic element to `type` without parsing numbers from strings; null when it does not conform. */
export function castDynamic(v: DynamicValue, type: KustoScalarType): Value {
  if (v === null) return null;
  switch (type) {
    case 'dynamic':
      return v;
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'long':
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2147483647 ? v : null;
    case 'real':
      return typeof v === 'number' ? v : null;
    case 'decimal':
      return typeof v === 'number' ? decimalFromNumber(v) : null;
    case 'datetime':
      return typeof v === 'string' ? parseDatetime(v) : null;
    case 'timespan':
      return typeof v === 'string' ? parseTimespan(v) : null;
    case 'guid':
      return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
        ? v.toLowerCase()
        : null;
  }
}

/**
 * The elements one value expands into: an array's elements, a bag's entries (single-entry bags, or `[key, value]`
 * arrays), one null for null, the value itself for a scalar.
 */
export function expandValue(v: Value, bagAsArray: boolean): DynamicValue[] {
  if (v === null) return [null];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') {
    return Object.entries(v).map(([k, x]) => (bagAsArray ? [k, x] : { [k]: x }));
  }
  return [v as DynamicValue];
}

/** Compiles `input | mv-expand …`. */
export function compileMvExpand(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  const mode = (params.get('kind') ?? params.get('bagexpansion') ?? 'bag').toLowerCase();
  if (mode !== 'bag' && mode !== 'array') throw notSupported(`'mv-expand kind=${mode}'`);
  const indexName = params.get('with_itemindex');
  const items = elements(op.Expressions).map((e) => {
    const { name, expr } = named(e.Expression as KNode);
    const target = name ?? c.K.KustoFacts.GetExpressionResultName(expr, '') ?? '';
    if (!target) throw notSupported(`'mv-expand ${clip(textOf(e))}' without a column name`);
    const typeNode = e.ToTypeOf?.TypeOf;
    const type = typeNode ? (columns.find((col) => col.name === target)?.type ?? 'dynamic') : 'dynamic';
    return { target, type, plan: c.scalar(expr, input.columns, scope) };
  });
  const targets = items.map((i) => i.target);
  if (indexName) targets.push(indexName);
  const build = assemble(input.columns, columns, targets, "'mv-expand'");
  const limitNode = op.RowLimitClause?.RowLimit;
  const limitPlan = limitNode ? c.scalar(limitNode, [], scope) : undefined;
  // mv-expand-operator.md: "The legacy version [mvexpand] has a default row limit of 128."
  const defaultLimit = firstToken(op).toLowerCase() === 'mvexpand' ? 128 : 2147483647;
  const bagAsArray = mode === 'array';
  const rt = c.runtime;
  return {
    columns,
    run: function* () {
      const limit = limitPlan ? Number(limitPlan([])) : defaultLimit;
      const out: Row[] = [];
      for (const row of yield* input.run()) {
        const lists = items.map((i) => expandValue(i.plan(row), bagAsArray));
        const n = Math.min(limit, Math.max(...lists.map((l) => l.length)));
        for (let k = 0; k < n; k++) {
          const computed: Value[] = items.map((item, j) => {
            const e = k < lists[j].length ? lists[j][k] : null;
            return castDynamic(e, item.type);
          });
          if (indexName) computed.push(BigInt(k));
          out.push(build(row, computed));
        }
        rt.tick(n + 1);
        rt.chargeRows(n, row.length + targets.length);
        if (out.length > MAX_INTERMEDIATE_ROWS) throw tooManyRows('mv-expand');
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
