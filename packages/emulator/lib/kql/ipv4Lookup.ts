/**
 * `T | evaluate ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, return_unmatched])` (ipv4-lookup-plugin):
 * each row of T joined with the lookup row whose IP-prefix (`a.b.c.d/n`) holds its address, as ipv4_is_in_range
 * decides; with return_unmatched=true a row without one is kept, the lookup's columns empty (strings) or null. Refused
 * rather than guessed: extra keys, an address that two lookup rows hold (the reference does not say which wins), and
 * an address with an IP-prefix of its own (as ipv4_is_in_range refuses it).
 */
import type { Value } from '../model';
import { notSupported } from '../errors';
import { kindOf, textOf, type KNode } from './language';
import type { Row, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { literalValue } from './literals';
import { scalarFunctions } from './scalarApi';

function columnIndex(columns: { name: string }[], node: KNode | undefined, what: string, call: KNode): number {
  const name = node && kindOf(node) === 'NameReference' ? (node.SimpleName as string) : undefined;
  const i = name === undefined ? -1 : columns.findIndex((col) => col.name === name);
  if (i < 0) throw notSupported(`'evaluate ${clip(textOf(call))}' (its ${what} must name a column)`);
  return i;
}

/** Compiles the ipv4_lookup plugin; `positional` and `named` are the call's arguments. */
export function compileIpv4Lookup(
  c: Compiler,
  op: KNode,
  input: TabularPlan,
  scope: Scope,
  positional: KNode[],
  named: Map<string, KNode>,
): TabularPlan {
  const call = op.FunctionCall as KNode;
  // return_unmatched comes by name or as a fourth, boolean, argument; other arguments are extra keys.
  const trailing = positional.length === 4 && typeof literalValue(positional[3]) === 'boolean';
  const flagNode = named.get('return_unmatched') ?? (trailing ? positional[3] : undefined);
  const keys = positional.length - (trailing ? 1 : 0);
  if (keys !== 3 || named.size > (named.has('return_unmatched') ? 1 : 0) || (trailing && named.size > 0)) {
    throw notSupported(`'evaluate ${clip(textOf(call))}' (extra lookup keys)`);
  }
  const flag = flagNode ? literalValue(flagNode) : false;
  if (typeof flag !== 'boolean')
    throw notSupported(`ipv4_lookup's return_unmatched '${clip(textOf(flagNode as KNode))}'`);
  const lookup = c.tabular(positional[0], scope);
  const source = columnIndex(input.columns, positional[1], 'source key', call);
  const key = columnIndex(lookup.columns, positional[2], 'lookup key', call);
  for (const [col, what] of [
    [input.columns[source], 'source key'],
    [lookup.columns[key], 'lookup key'],
  ] as const) {
    if (col.type !== 'string') throw notSupported(`ipv4_lookup's ${what} '${col.name}' of type ${col.type}`);
  }
  const columns = c.columns(op);
  if (columns.length !== input.columns.length + lookup.columns.length) {
    throw notSupported(`'evaluate ${clip(textOf(call))}' with these columns`);
  }
  const inRange = scalarFunctions.get('ipv4_is_in_range');
  if (!inRange) throw notSupported("The function 'ipv4_is_in_range'");
  const missing: Value[] = lookup.columns.map((col) => (col.type === 'string' ? '' : null));
  const rt = c.runtime;
  return {
    columns,
    run: function* () {
      const table = yield* lookup.run();
      const out: Row[] = [];
      for (const row of yield* input.run()) {
        const address = row[source];
        let match: Row | undefined;
        for (const candidate of table) {
          const held = inRange([address, candidate[key]], ['string', 'string'], 'bool', rt);
          if (held !== true) continue;
          if (match) throw notSupported(`ipv4_lookup of the address '${String(address)}', which two lookup rows hold`);
          match = candidate;
        }
        rt.tick(table.length);
        if (match) out.push(row.concat(match));
        else if (flag) out.push(row.concat(missing));
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
