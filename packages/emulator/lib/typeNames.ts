/**
 * The spellings of Kusto scalar types: in schemas (`a:long`), in REST v1 `DataType`, in `schema as json`.
 */
import { syntaxError } from './errors';
import type { KustoScalarType } from './model';

// Every alias Kusto accepts in a column declaration, by canonical type.
const TYPE_ALIASES: Record<string, KustoScalarType> = {
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

/** The canonical type for a type name as written in a schema (`double` → `real`), or undefined. */
export function scalarTypeOf(name: string): KustoScalarType | undefined {
  return TYPE_ALIASES[name.toLowerCase()];
}

/**
 * The scalar type a type name in KQL text denotes (`int(5)`, `dynamic([])`), aliases included
 * (`boolean`, `double`, `date`, `time`, `uuid`, `int64`, …); `undefined` for names that are not scalar types.
 */
export function scalarTypeFromName(name: string): KustoScalarType | undefined {
  // KQL spells type names in lower case; schemas (scalarTypeOf) also accept other cases.
  return name === name.toLowerCase() ? scalarTypeOf(name) : undefined;
}

/** Like {@link scalarTypeOf}, but an unknown name is a syntax error naming it. */
export function requireScalarType(name: string, where: string): KustoScalarType {
  const type = scalarTypeOf(name);
  if (!type)
    throw syntaxError(`Unknown type '${name}' ${where}: expected one of ${Object.keys(TYPE_ALIASES).join(', ')}.`);
  return type;
}

// REST API v1 `DataType`: the .NET type Kusto.Data maps the column to.
const DATA_TYPES: Record<KustoScalarType, string> = {
  bool: 'Boolean',
  int: 'Int32',
  long: 'Int64',
  real: 'Double',
  decimal: 'Decimal',
  string: 'String',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  guid: 'Guid',
  dynamic: 'Object',
};

/** The v1 response `DataType` of a column of `type`. */
export function dataTypeOf(type: KustoScalarType): string {
  return DATA_TYPES[type];
}

// `.show table T schema as json` names the CLR type (bool is SByte there, as Kusto stores it).
const SCHEMA_TYPES: Record<KustoScalarType, string> = {
  bool: 'System.SByte',
  int: 'System.Int32',
  long: 'System.Int64',
  real: 'System.Double',
  decimal: 'System.Data.SqlTypes.SqlDecimal',
  string: 'System.String',
  datetime: 'System.DateTime',
  timespan: 'System.TimeSpan',
  guid: 'System.Guid',
  dynamic: 'System.Object',
};

/** The `Type` of a column in `.show table T schema as json`. */
export function schemaTypeOf(type: KustoScalarType): string {
  return SCHEMA_TYPES[type];
}

/** The `DataType` of a column in `getschema`'s output (the CLR type, with bool as System.Boolean). */
export function getschemaTypeOf(type: KustoScalarType): string {
  return type === 'bool' ? 'System.Boolean' : SCHEMA_TYPES[type];
}
