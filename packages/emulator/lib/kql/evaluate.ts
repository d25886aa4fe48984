/**
 * `evaluate` plugins. Evaluated: `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict='error'|'replace_source'])`,
 * `pivot(PivotColumn [, Aggregation] [, Column, …])`, each with or without an output schema (`: (*, a:long)`), and
 * `narrow()`, and `ipv4_lookup` (ipv4Lookup.ts). Every other plugin is refused by name.
 *
 * Without an output schema, bag_unpack's and pivot's columns depend on the data (Kusto runs the input to find them;
 * the analysis does not know them): bag_unpack's are the input columns but the bag, then one column per distinct
 * slot, sorted by name, typed by its values (one type, or dynamic). Such a schema exists only once the rows are there,
 * so the plugin must then end its statement: an operator after it (which the analysis cannot type) is refused rather
 * than guessed at.
 */
import type { Column, DynamicValue, KustoScalarType, Value } from '../model';
import { KustoEmulatorError, notSupported } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, RowsRun, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, functionName } from './nodeText';
import { convertValue, hashKey } from './scalarApi';
import { literalValue } from './literals';
import { compositeKey } from './compositeKey';
import { compileAggregate, isAggregateCall, type Aggregate, type AggregateState } from './aggregates';
import { compileIpv4Lookup } from './ipv4Lookup';
import type { EvaluatePluginName } from './constructs';

/** The Kusto type of one slot value, as bag_unpack types a column whose values all have it. */
function typeOfSlot(v: DynamicValue): KustoScalarType {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  return 'dynamic';
}

/** A plugin call's arguments: positional, and `name=value` ones by lower-case name. */
interface PluginArguments {
  positional: KNode[];
  named: Map<string, KNode>;
}

/** Compiles `input | evaluate plugin(…) [: schema]`. */
export function compileEvaluate(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const call = op.FunctionCall as KNode;
  const name = functionName(call).toLowerCase();
  const args: PluginArguments = { positional: [], named: new Map() };
  for (const a of elements((call.ArgumentList as KNode).Expressions)) {
    if (kindOf(a) === 'SimpleNamedExpression')
      args.named.set(((a.Name as KNode).SimpleName as string).toLowerCase(), a.Expression as KNode);
    else args.positional.push(a);
  }
  // Typed by constructs.ts's list: a case missing from it does not compile (the README's table is generated from it).
  switch (name as EvaluatePluginName) {
    case 'bag_unpack':
      return compileBagUnpack(c, op, input, args);
    case 'pivot':
      return compilePivot(c, op, input, scope, args);
    case 'narrow':
      return compileNarrow(c, op, input);
    case 'ipv4_lookup':
      return compileIpv4Lookup(c, op, input, scope, args.positional, args.named);
    default:
      throw notSupported(`The evaluate plugin '${functionName(call)}'`);
  }
}

/**
 * A plan whose columns are known once its rows are (a plugin without an output schema). The analysis cannot type
 * what follows it, so it must end its statement.
 */
function dataDependent(
  op: KNode,
  plugin: string,
  initial: Column[],
  run: (set: (cols: Column[]) => void) => RowsRun,
): TabularPlan {
  const parent = (op as unknown as { Parent?: KNode }).Parent;
  const statement = parent ? (parent as unknown as { Parent?: KNode }).Parent : undefined;
  if (!parent || kindOf(parent) !== 'PipeExpression' || !statement || kindOf(statement) !== 'ExpressionStatement') {
    throw notSupported(
      `'evaluate ${plugin}' without an output schema followed by other operators (its columns depend on the data; give them as ': (Name:type, …)')`,
    );
  }
  let columns = initial;
  return {
    get columns() {
      return columns;
    },
    run: () =>
      run((cols) => {
        columns = cols;
      }),
  };
}

/** Compiles `evaluate bag_unpack(Column [, Prefix] [, columnsConflict]) [: schema]`. */
function compileBagUnpack(c: Compiler, op: KNode, input: TabularPlan, args: PluginArguments): TabularPlan {
  const { positional, named } = args;
  const call = op.FunctionCall as KNode;
  const bagNode = positional[0];
  if (!bagNode || kindOf(bagNode) !== 'NameReference')
    throw notSupported(`'evaluate ${clip(textOf(call))}' (bag_unpack takes a column)`);
  const bagIndex = input.columns.findIndex((col) => col.name === bagNode.SimpleName);
  if (bagIndex < 0) throw notSupported(`The column '${bagNode.SimpleName}' in 'bag_unpack'`);
  const literal = (node: KNode | undefined, what: string): string | undefined => {
    if (!node) return undefined;
    const v = literalValue(node);
    if (typeof v !== 'string')
      throw notSupported(`bag_unpack's ${what} '${clip(textOf(node))}' (not a string literal)`);
    return v;
  };
  const prefix = literal(positional[1] ?? named.get('outputcolumnprefix'), 'prefix') ?? '';
  const conflict = (literal(positional[2] ?? named.get('columnsconflict'), 'columnsConflict') ?? 'error').toLowerCase();
  if (conflict !== 'error' && conflict !== 'replace_source')
    throw notSupported(`bag_unpack's columnsConflict='${conflict}'`);
  // ignoredProperties: the analysis (Kusto.Language) rejects the argument, so no query reaches here with it.
  if (positional.length > 3 || named.has('ignoredproperties')) throw notSupported("bag_unpack's ignoredProperties");
  const kept = input.columns.map((col, i) => ({ col, i })).filter(({ i }) => i !== bagIndex);
  const slotOf = (row: Row, slot: string): DynamicValue => {
    const bag = row[bagIndex];
    if (bag === null || typeof bag !== 'object' || Array.isArray(bag)) return null;
    const v = (bag as Record<string, DynamicValue>)[slot];
    return v === undefined ? null : v;
  };

  if (op.Schema) {
    // The output schema: its columns, in its order (after the input's with `*`), filled from the slots.
    const columns = c.columns(op);
    const star = Boolean((op.Schema?.Schema as KNode | undefined)?.AsteriskToken);
    const sources = columns.map((col) => {
      const k = kept.find((x) => x.col.name === col.name);
      if (k && star) return { input: k.i };
      return { slot: col.name.startsWith(prefix) ? col.name.slice(prefix.length) : col.name, type: col.type };
    });
    return {
      columns,
      run: function* () {
        return (yield* input.run()).map((row) =>
          sources.map((s) =>
            s.input !== undefined
              ? row[s.input]
              : convertSlot(slotOf(row, s.slot as string), s.type as KustoScalarType),
          ),
        );
      },
    };
  }

  return dataDependent(
    op,
    'bag_unpack',
    kept.map(({ col }) => col),
    function* (setColumns) {
      const rows = yield* input.run();
      const types = new Map<string, KustoScalarType | null>();
      for (const row of rows) {
        const bag = row[bagIndex];
        if (bag === null || typeof bag !== 'object' || Array.isArray(bag)) continue;
        for (const [slot, v] of Object.entries(bag as Record<string, DynamicValue>)) {
          if (v === null) {
            if (!types.has(slot)) types.set(slot, null);
            continue;
          }
          const t = typeOfSlot(v);
          const before = types.get(slot);
          types.set(slot, before === undefined || before === null || before === t ? t : 'dynamic');
        }
      }
      const slots = [...types.keys()].sort();
      const names = new Set(slots.map((s) => prefix + s));
      const base = kept.filter(({ col }) => !names.has(col.name));
      if (conflict === 'error' && base.length !== kept.length) {
        const clash = kept.find(({ col }) => names.has(col.name))?.col.name;
        throw new KustoEmulatorError(
          `bag_unpack(): the slot '${clash}' has the name of an input column (columnsConflict='replace_source' replaces it).`,
        );
      }
      const slotTypes = slots.map((s) => types.get(s) ?? 'dynamic');
      setColumns([...base.map(({ col }) => col), ...slots.map((s, k) => ({ name: prefix + s, type: slotTypes[k] }))]);
      return rows.map((row) => [
        ...base.map(({ i }) => row[i]),
        ...slots.map((s, k) => convertSlot(slotOf(row, s), slotTypes[k])),
      ]);
    },
  );
}

/** A slot's value as a column of `type` (null when it is missing or does not convert). */
function convertSlot(v: DynamicValue, type: KustoScalarType): Value {
  if (v === null) return null;
  if (type === 'dynamic') return v;
  if (type === 'long' && typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  try {
    return convertValue(v as Value, 'dynamic', type);
  } catch {
    return null;
  }
}

/** Input column names an expression reads. */
function columnsRead(c: Compiler, node: KNode, out = new Set<string>()): Set<string> {
  if (kindOf(node) === 'NameReference' && c.symbolKind(node.ReferencedSymbol) === 'Column') {
    out.add(node.SimpleName as string);
  }
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken) columnsRead(c, child, out);
  }
  return out;
}

/**
 * Compiles `evaluate pivot(PivotColumn [, Aggregation] [, Column, …]) [: schema]`: one row per distinct value of the
 * columns (by default every column but the pivot column and those the aggregation reads), one column per distinct
 * pivot value holding the aggregation (count() by default) over the rows with both; a combination without rows
 * holds the aggregation over no rows (0 for count and sum, as the reference's examples show). Rows and pivot
 * columns come in the order their values first appear (the reference's examples are not sorted).
 */
function compilePivot(c: Compiler, op: KNode, input: TabularPlan, scope: Scope, args: PluginArguments): TabularPlan {
  const call = op.FunctionCall as KNode;
  const [pivotNode, ...rest] = args.positional;
  if (args.named.size > 0) throw notSupported(`'evaluate ${clip(textOf(call))}' (named arguments)`);
  const columnIndex = (node: KNode | undefined, what: string): number => {
    const i =
      node && kindOf(node) === 'NameReference' ? input.columns.findIndex((col) => col.name === node.SimpleName) : -1;
    if (i < 0) throw notSupported(`pivot's ${what} '${node ? clip(textOf(node)) : ''}' (pivot takes column names)`);
    return i;
  };
  const pivotIndex = columnIndex(pivotNode, 'pivot column');
  const pivotType = input.columns[pivotIndex].type;
  const aggNode = rest[0] && isAggregateCall(c, rest[0]) ? rest.shift() : undefined;
  const aggType: KustoScalarType = aggNode ? c.scalarTypeOf(aggNode, `'${clip(textOf(aggNode))}'`) : 'long';
  const aggregate: Aggregate = aggNode
    ? compileAggregate(
        c,
        aggNode,
        { input: input.columns, keyColumns: new Set(), output: [{ name: 'agg', type: aggType }] },
        scope,
      )
    : countRows;
  if (aggregate.width !== 1) throw notSupported(`pivot's aggregation '${clip(textOf(aggNode as KNode))}'`);
  const aggColumns = aggNode ? columnsRead(c, aggNode) : new Set<string>();
  const keyIndexes =
    rest.length > 0
      ? rest.map((n) => columnIndex(n, 'column'))
      : input.columns.flatMap((col, i) => (i === pivotIndex || aggColumns.has(col.name) ? [] : [i]));
  const keyTypes = keyIndexes.map((i) => input.columns[i].type);
  const keyColumns = keyIndexes.map((i) => input.columns[i]);
  const rt = c.runtime;

  /** Groups and pivot values in order of first appearance, with a state per (group, value). */
  function* rotate(): Generator<
    void,
    { groups: { keys: Value[]; states: Map<unknown, AggregateState> }[]; values: Map<unknown, Value> },
    void
  > {
    const groups = new Map<unknown, { keys: Value[]; states: Map<unknown, AggregateState> }>();
    const values = new Map<unknown, Value>();
    const rows = yield* input.run();
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const keys = keyIndexes.map((i) => row[i]);
      const k = compositeKey(keyTypes, keys);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { keys, states: new Map() }));
      const v = row[pivotIndex];
      const vk = hashKey(pivotType, v);
      if (!values.has(vk)) values.set(vk, v);
      let st = g.states.get(vk);
      if (!st) g.states.set(vk, (st = aggregate.create()));
      st.add(row);
      if ((r & 4095) === 4095) rt.tick(4096);
      if (rt.yieldDue) yield;
    }
    return { groups: [...groups.values()], values };
  }
  const cell = (g: { states: Map<unknown, AggregateState> }, vk: unknown): Value =>
    (g.states.get(vk) ?? aggregate.create()).result()[0];

  if (op.Schema) {
    const columns = c.columns(op);
    const sources = columns.map((col) => {
      const k = keyColumns.findIndex((kc) => kc.name === col.name);
      return k >= 0 ? { key: k } : { value: col.name, type: col.type };
    });
    return {
      columns,
      run: function* () {
        const { groups, values } = yield* rotate();
        const byName = new Map<string, unknown>();
        for (const [vk, v] of values) byName.set(pivotName(v, pivotType), vk);
        return groups.map((g) =>
          sources.map((s) => {
            if (s.key !== undefined) return g.keys[s.key];
            const vk = byName.get(s.value as string);
            const v = vk === undefined ? aggregate.create().result()[0] : cell(g, vk);
            return aggType === s.type ? v : convertValue(v, aggType, s.type as KustoScalarType);
          }),
        );
      },
    };
  }
  return dataDependent(op, 'pivot', keyColumns, function* (setColumns) {
    const { groups, values } = yield* rotate();
    const names = [...values.values()].map((v) => pivotName(v, pivotType));
    for (const n of names) {
      if (keyColumns.some((kc) => kc.name === n)) {
        throw notSupported(`pivot's value '${n}', which is also the name of a column`);
      }
    }
    setColumns([...keyColumns, ...names.map((n) => ({ name: n, type: aggType }))]);
    const keys = [...values.keys()];
    return groups.map((g) => [...g.keys, ...keys.map((vk) => cell(g, vk))]);
  });
}

/** count(), pivot's default aggregation. */
const countRows: Aggregate = {
  width: 1,
  create: () => {
    let n = 0n;
    return {
      add: () => {
        n++;
      },
      result: () => [n],
    };
  },
};

/** The column a pivot value names: its text. Values whose column name the reference leaves open are refused. */
function pivotName(v: Value, type: KustoScalarType): string {
  if (v === null || v === '') throw notSupported('pivot of an empty or null value (its column name)');
  if (type === 'string') return v as string;
  if (type === 'int' || type === 'long') return String(v);
  throw notSupported(`pivot of a ${type} column (the names of its columns)`);
}

/**
 * Compiles `evaluate narrow()`: per input row and column, `Row` (the row's number from 0), `Column` (its name) and
 * `Value` (as a string). Columns whose text the reference shows in another form than tostring()'s (bool as `True`,
 * datetimes with a space) are refused.
 */
function compileNarrow(c: Compiler, op: KNode, input: TabularPlan): TabularPlan {
  const columns = c.columns(op);
  const plain: KustoScalarType[] = ['string', 'int', 'long', 'guid'];
  for (const col of input.columns) {
    if (!plain.includes(col.type)) throw notSupported(`narrow() of the ${col.type} column '${col.name}' (its text)`);
  }
  return {
    columns,
    run: function* () {
      const rows = yield* input.run();
      const out: Row[] = [];
      rows.forEach((row, r) => {
        input.columns.forEach((col, j) => {
          const v = row[j];
          out.push([
            BigInt(r),
            col.name,
            v === null ? '' : col.type === 'string' ? v : convertValue(v, col.type, 'string'),
          ]);
        });
      });
      c.runtime.chargeRows(out.length, 3);
      return out;
    },
  };
}
