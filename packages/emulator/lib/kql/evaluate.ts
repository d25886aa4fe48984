/**
 * `evaluate` plugins. Evaluated: `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict='error'|'replace_source'])`
 * with or without an output schema (`: (*, a:long)`). Every other plugin is refused by name.
 *
 * Without an output schema, bag_unpack's columns depend on the data (Kusto runs the input to find them; the analysis
 * does not know them): the input columns but the bag, then one column per distinct slot, sorted by name, typed by its
 * values (one type, or dynamic). Such a schema exists only once the rows are there, so the plugin must then end its
 * statement: an operator after it (which the analysis cannot type) is refused rather than guessed at.
 */
import type { Column, DynamicValue, KustoScalarType, Value } from '../model';
import { KustoEmulatorError, notSupported } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip, functionName } from './nodeText';
import { convertValue } from './scalarApi';
import { literalValue } from './literals';

/** The Kusto type of one slot value, as bag_unpack types a column whose values all have it. */
function typeOfSlot(v: DynamicValue): KustoScalarType {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  return 'dynamic';
}

/** Compiles `input | evaluate plugin(…) [: schema]`. */
export function compileEvaluate(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const call = op.FunctionCall as KNode;
  const name = functionName(call).toLowerCase();
  if (name !== 'bag_unpack') throw notSupported(`The evaluate plugin '${functionName(call)}'`);
  void scope;
  const positional: KNode[] = [];
  const named = new Map<string, KNode>();
  for (const a of elements((call.ArgumentList as KNode).Expressions)) {
    if (kindOf(a) === 'SimpleNamedExpression')
      named.set(((a.Name as KNode).SimpleName as string).toLowerCase(), a.Expression as KNode);
    else positional.push(a);
  }
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
    const sources = columns.map((col) => {
      const k = kept.find((x) => x.col.name === col.name);
      if (k && (op.Schema?.Schema as KNode | undefined)?.AsteriskToken) return { input: k.i };
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

  const parent = (op as unknown as { Parent?: KNode }).Parent;
  const statement = parent ? (parent as unknown as { Parent?: KNode }).Parent : undefined;
  if (!parent || kindOf(parent) !== 'PipeExpression' || !statement || kindOf(statement) !== 'ExpressionStatement') {
    throw notSupported(
      `'evaluate bag_unpack' without an output schema followed by other operators (its columns depend on the data; give them as ': (*, Name:type, …)')`,
    );
  }
  let columns: Column[] = kept.map(({ col }) => col);
  return {
    get columns() {
      return columns;
    },
    run: function* () {
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
      columns = [...base.map(({ col }) => col), ...slots.map((s, k) => ({ name: prefix + s, type: slotTypes[k] }))];
      return rows.map((row) => [
        ...base.map(({ i }) => row[i]),
        ...slots.map((s, k) => convertSlot(slotOf(row, s), slotTypes[k])),
      ]);
    },
  };
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
