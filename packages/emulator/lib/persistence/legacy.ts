/**
 * Reading the emulator's earlier storage format (one `<name>.kustodb.json` file per database, rewritten on
 * flush), so that such a data directory is migrated on load rather than refused.
 * @internal
 */
import type { Catalog } from '../catalog';
import type {
  Column,
  Database,
  Extent,
  IngestionMapping,
  KustoScalarType,
  StoredFunction,
  Table,
  Value,
} from '../model';
import { KUSTO_SCALAR_TYPES } from '../typeNames';
import { storedDecimal } from './records';

/** File name ending of the earlier format. */
export const LEGACY_SUFFIX = '.kustodb.json';
const FORMAT = 'kusto-emulator-database';
const VERSION = 1;

interface LegacyTable {
  name: string;
  docString?: string;
  folder?: string;
  columns: Column[];
  policies: Record<string, string>;
  mappings: IngestionMapping[];
  extents: { ingestionTime: string; tags: string[]; rows: unknown[][] }[];
}

interface LegacyDatabase {
  format: string;
  version: number;
  name: string;
  id: string;
  policies: Record<string, string>;
  functions: StoredFunction[];
  tables: LegacyTable[];
}

function decodeValue(type: KustoScalarType, value: unknown, where: string): Value {
  if (value === null) return null;
  switch (type) {
    case 'long':
    case 'datetime':
    case 'timespan':
      if (typeof value !== 'string' || !/^-?\d+$/.test(value))
        throw new Error(`${where}: expected an integer string for a ${type}.`);
      return BigInt(value);
    case 'real':
      return typeof value === 'string' ? Number(value) : (value as number);
    case 'decimal':
      return storedDecimal(value);
    default:
      return value as Value;
  }
}

/** Adds the database stored in `text` (earlier format) to the catalog as a persistent database. */
export function deserializeLegacyDatabase(catalog: Catalog, text: string, file: string): Database {
  let stored: LegacyDatabase;
  try {
    stored = JSON.parse(text) as LegacyDatabase;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (stored?.format !== FORMAT || stored.version !== VERSION) {
    throw new Error(`${file} is not a version ${VERSION} emulator database file.`);
  }
  const tables: Table[] = stored.tables.map((t) => {
    for (const c of t.columns) {
      if (!KUSTO_SCALAR_TYPES.includes(c.type))
        throw new Error(`${file}: column '${c.name}' has unknown type '${c.type}'.`);
    }
    return {
      name: t.name,
      columns: t.columns,
      docString: t.docString,
      folder: t.folder,
      policies: new Map(Object.entries(t.policies ?? {})),
      mappings: new Map(t.mappings.map((m) => [`${m.kind.toLowerCase()}:${m.name}`, m])),
      extents: t.extents.map((e, x): Extent => ({
        ingestionTime: BigInt(e.ingestionTime),
        tags: e.tags,
        rows: e.rows.map((row) =>
          row.map((v, i) => decodeValue(t.columns[i].type, v, `${file}: table '${t.name}', extent ${x + 1}`)),
        ),
      })),
    };
  });
  // Everything is decoded before the catalog changes: a bad file adds nothing.
  const database = catalog.createDatabase(stored.name, true, stored.id);
  for (const [key, value] of Object.entries(stored.policies ?? {})) catalog.info(database).policies.set(key, value);
  for (const fn of stored.functions) database.functions.set(fn.name, fn);
  for (const table of tables) database.tables.set(table.name, table);
  return database;
}
