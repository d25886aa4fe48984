/**
 * The spellings of Kusto scalar types, in one table: in schemas (`a:long`) and KQL text (`int(5)`), in REST v1
 * `DataType`, in `schema as json` and `getschema`, and in Kusto.Language's `ScalarTypes`.
 */
import { syntaxError } from './errors';
import type { KustoScalarType } from './model';

/** How one type is spelled in each place that names it. */
interface TypeSpellings {
  /** The other names Kusto accepts for it in a column declaration (`double` for real). */
  aliases: string[];
  /** REST API v1 `DataType`: the .NET type Kusto.Data maps the column to. */
  dataType: string;
  /** `.show table T schema as json`'s CLR type (bool is SByte there, as Kusto stores it). */
  schemaType: string;
  /** The member of Kusto.Language's `ScalarTypes`. */
  languageType: string;
}

// In the order Kusto documents the types.
const SPELLINGS: Record<KustoScalarType, TypeSpellings> = {
  bool: { aliases: ['boolean'], dataType: 'Boolean', schemaType: 'System.SByte', languageType: 'Bool' },
  int: { aliases: ['int32'], dataType: 'Int32', schemaType: 'System.Int32', languageType: 'Int' },
  long: { aliases: ['int64'], dataType: 'Int64', schemaType: 'System.Int64', languageType: 'Long' },
  real: { aliases: ['double'], dataType: 'Double', schemaType: 'System.Double', languageType: 'Real' },
  decimal: {
    aliases: [],
    dataType: 'Decimal',
    schemaType: 'System.Data.SqlTypes.SqlDecimal',
    languageType: 'Decimal',
  },
  string: { aliases: [], dataType: 'String', schemaType: 'System.String', languageType: 'String' },
  datetime: { aliases: ['date'], dataType: 'DateTime', schemaType: 'System.DateTime', languageType: 'DateTime' },
  timespan: { aliases: ['time'], dataType: 'TimeSpan', schemaType: 'System.TimeSpan', languageType: 'TimeSpan' },
  guid: { aliases: ['uuid', 'uniqueid'], dataType: 'Guid', schemaType: 'System.Guid', languageType: 'Guid' },
  dynamic: { aliases: [], dataType: 'Object', schemaType: 'System.Object', languageType: 'Dynamic' },
};

/** Every scalar type, in the order Kusto documents them. */
export const KUSTO_SCALAR_TYPES = Object.keys(SPELLINGS) as readonly KustoScalarType[];

// Every name Kusto accepts in a column declaration, each type's own name first, then its aliases.
const TYPE_BY_NAME = new Map<string, KustoScalarType>(
  KUSTO_SCALAR_TYPES.flatMap((type) => [type, ...SPELLINGS[type].aliases].map((name) => [name, type] as const)),
);

/** The canonical type for a type name as written in a schema (`double` → `real`), or undefined. */
export function scalarTypeOf(name: string): KustoScalarType | undefined {
  return TYPE_BY_NAME.get(name.toLowerCase());
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
    throw syntaxError(`Unknown type '${name}' ${where}: expected one of ${[...TYPE_BY_NAME.keys()].join(', ')}.`);
  return type;
}

/** The v1 response `DataType` of a column of `type`. */
export function dataTypeOf(type: KustoScalarType): string {
  return SPELLINGS[type].dataType;
}

/** The `Type` of a column in `.show table T schema as json`. */
export function schemaTypeOf(type: KustoScalarType): string {
  return SPELLINGS[type].schemaType;
}

/** The `DataType` of a column in `getschema`'s output (the CLR type, with bool as System.Boolean). */
export function getschemaTypeOf(type: KustoScalarType): string {
  return type === 'bool' ? 'System.Boolean' : SPELLINGS[type].schemaType;
}

/** The name of `type` among Kusto.Language's `ScalarTypes` (`Bool`, `DateTime`, …). */
export function languageTypeOf(type: KustoScalarType): string {
  return SPELLINGS[type].languageType;
}
