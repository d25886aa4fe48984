/**
 * Persistence of `persist` databases: one JSON file per database under the emulator's dataDir, written on
 * flush and read at start. Volatile databases never touch disk.
 *
 * Values are stored losslessly: longs, datetimes and timespans (bigints) as decimal strings, non-finite reals
 * as "NaN" / "Infinity" / "-Infinity"; everything else as JSON.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from './catalog';
import type {
  Column,
  Database,
  Extent,
  IngestionMapping,
  KustoScalarType,
  StoredFunction,
  Table,
  Value,
} from './model';
import { KUSTO_SCALAR_TYPES } from './typeNames';

const FORMAT = 'kusto-emulator-database';
const VERSION = 1;
const SUFFIX = '.kustodb.json';

/** The file a persistent database is stored in. */
export function databaseFilePath(dataDir: string, name: string): string {
  return path.join(dataDir, `${encodeURIComponent(name.toLowerCase())}${SUFFIX}`);
}

function encodeValue(type: KustoScalarType, value: Value): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  void type;
  return value;
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
      if (typeof value === 'string') return Number(value);
      return value as number;
    default:
      return value as Value;
  }
}

interface StoredTable {
  name: string;
  docString?: string;
  folder?: string;
  columns: Column[];
  policies: Record<string, string>;
  mappings: IngestionMapping[];
  extents: { ingestionTime: string; tags: string[]; rows: unknown[][] }[];
}

interface StoredDatabase {
  format: string;
  version: number;
  name: string;
  id: string;
  policies: Record<string, string>;
  functions: StoredFunction[];
  tables: StoredTable[];
}

/** The JSON text of a database (synchronous, so the snapshot is consistent). */
export function serializeDatabase(catalog: Catalog, database: Database): string {
  const info = catalog.info(database);
  const stored: StoredDatabase = {
    format: FORMAT,
    version: VERSION,
    name: database.name,
    id: info.id,
    policies: Object.fromEntries(info.policies),
    functions: [...database.functions.values()],
    tables: [...database.tables.values()].map((t) => ({
      name: t.name,
      docString: t.docString,
      folder: t.folder,
      columns: t.columns,
      policies: Object.fromEntries(t.policies),
      mappings: [...t.mappings.values()],
      extents: t.extents.map((e) => ({
        ingestionTime: e.ingestionTime.toString(),
        tags: e.tags,
        rows: e.rows.map((row) => row.map((v, i) => encodeValue(t.columns[i].type, v))),
      })),
    })),
  };
  return JSON.stringify(stored);
}

/** Adds the database stored in `text` to the catalog as a persistent database; `file` names it in errors. */
export function deserializeDatabase(catalog: Catalog, text: string, file: string): Database {
  let stored: StoredDatabase;
  try {
    stored = JSON.parse(text) as StoredDatabase;
  } catch (error) {
    throw new Error(`Kusto emulator: ${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (stored?.format !== FORMAT || stored.version !== VERSION) {
    throw new Error(`Kusto emulator: ${file} is not a version ${VERSION} emulator database file.`);
  }
  const database = catalog.createDatabase(stored.name, true, stored.id);
  for (const [key, value] of Object.entries(stored.policies ?? {})) catalog.info(database).policies.set(key, value);
  for (const fn of stored.functions) database.functions.set(fn.name, fn);
  for (const t of stored.tables) {
    for (const c of t.columns) {
      if (!KUSTO_SCALAR_TYPES.includes(c.type))
        throw new Error(`Kusto emulator: ${file}: column '${c.name}' has unknown type '${c.type}'.`);
    }
    const table: Table = {
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
    database.tables.set(table.name, table);
  }
  return database;
}

/** Writes a file atomically: a temporary file renamed over the target. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, text, 'utf8');
  await fs.rename(temp, file);
}

/** Writes every persistent database changed since the last flush, and deletes the files of dropped ones. */
export async function flushCatalog(catalog: Catalog, dataDir: string): Promise<void> {
  const { changed, dropped } = catalog.takeChanges();
  if (changed.length === 0 && dropped.length === 0) return;
  const snapshots = changed
    .map((key) => catalog.get(key))
    .filter((d): d is Database => d !== undefined && d.persistent)
    .map((d) => ({ database: d, text: serializeDatabase(catalog, d) }));
  try {
    await fs.mkdir(dataDir, { recursive: true });
    for (const key of dropped) {
      if (!catalog.get(key)?.persistent) await fs.rm(databaseFilePath(dataDir, key), { force: true });
    }
    for (const { database, text } of snapshots) await writeAtomically(databaseFilePath(dataDir, database.name), text);
  } catch (error) {
    // Keep the changes pending so the next flush tries again.
    for (const { database } of snapshots) catalog.markChanged(database);
    throw new Error(`Kusto emulator: cannot write databases under ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Loads every database file under `dataDir` into the catalog (none when the directory does not exist). */
export async function loadCatalog(catalog: Catalog, dataDir: string): Promise<Database[]> {
  let names: string[];
  try {
    names = await fs.readdir(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const loaded: Database[] = [];
  for (const name of names.filter((n) => n.endsWith(SUFFIX)).sort()) {
    const file = path.join(dataDir, name);
    loaded.push(deserializeDatabase(catalog, await fs.readFile(file, 'utf8'), file));
  }
  // Loading is not a change: nothing to write back until something changes.
  catalog.takeChanges();
  return loaded;
}
