/**
 * The spellings of Kusto scalar types, as a query's `declare query_parameters (…)` may write them.
 *
 * kusto-emulator keeps its own copy of this table (its lib/typeNames.ts): it is a standalone package that depends on
 * neither this engine nor kusto-functions-bindings, so the two cannot share one across the package boundary.
 */

/** A Kusto scalar type, by its canonical name. */
export type KustoScalarType =
  'bool' | 'int' | 'long' | 'real' | 'decimal' | 'string' | 'datetime' | 'timespan' | 'guid' | 'dynamic';

// Every alias Kusto accepts for a scalar type, by canonical type.
const TYPE_ALIASES: Readonly<Record<string, KustoScalarType>> = {
  bool: 'bool',
  boolean: 'bool',
  int: 'int',
  int32: 'int',
  long: 'long',
  int64: 'long',
  real: 'real',
  double: 'real',
  decimal: 'decimal',
  string: 'string',
  datetime: 'datetime',
  date: 'datetime',
  timespan: 'timespan',
  time: 'timespan',
  guid: 'guid',
  uuid: 'guid',
  uniqueid: 'guid',
  dynamic: 'dynamic',
};

/** The canonical type for a type name as written, in any case (`Double` → `real`), or undefined when unknown. */
export function scalarTypeOf(name: string): KustoScalarType | undefined {
  return Object.hasOwn(TYPE_ALIASES, name.toLowerCase()) ? TYPE_ALIASES[name.toLowerCase()] : undefined;
}
