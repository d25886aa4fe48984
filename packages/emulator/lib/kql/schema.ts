/**
 * Kusto.Language's view of the emulator's catalog: a cluster symbol with every database's tables and stored functions,
 * and the way back from those symbols to the emulator's entities.
 */
import type { Catalog } from '../catalog';
import type { Database } from '../model';
import { languageTypeOf } from '../typeNames';
import { kusto, type KGlobalState, type KSymbol } from './language';

/** Where a table symbol's rows live. */
export interface TableRef {
  /** Database name as the catalog spells it. */
  database: string;
  /** Table name. */
  table: string;
}

/** Kusto.Language's global state for one (catalog schema, current database), with the symbol back-references. */
export interface SchemaSymbols {
  /** Global state to analyse queries with. */
  globals: KGlobalState;
  /** Table symbol → table. */
  tables: Map<KSymbol, TableRef>;
  /** Stored function symbols (user functions whose bodies are compiled at their call sites). */
  functions: Set<KSymbol>;
  /** Cache key: the schema versions of every database plus the current one's name. */
  key: string;
}

/** Name of the cluster symbol the databases hang from (what `cluster()` would name; not user-visible). */
const CLUSTER_NAME = 'emulator';

/** The databases a query may see: the catalog's, plus the request's own when the catalog does not hold it. */
function databasesOf(catalog: Catalog, current: Database): Database[] {
  const all = [...catalog.databases.values()];
  if (!all.includes(current)) all.push(current);
  return all;
}

/** A number per Database object: a database dropped and created again under its name is another database. */
const identities = new WeakMap<Database, number>();
let nextIdentity = 1;

function identity(db: Database): number {
  let id = identities.get(db);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(db, id);
  }
  return id;
}

/** The key that changes whenever any database's schema changes or the current database differs. */
export function schemaKey(catalog: Catalog, current: Database): string {
  let key = `${identity(current)}`;
  for (const db of databasesOf(catalog, current)) key += `\u0000${identity(db)}:${db.schemaVersion}:${db.name}`;
  return key;
}

const cache = new Map<string, SchemaSymbols>();
const CACHE_LIMIT = 16;

/** The symbols for `current` within `catalog`, built once per schema key. */
export function schemaSymbols(catalog: Catalog, current: Database): SchemaSymbols {
  const key = schemaKey(catalog, current);
  const hit = cache.get(key);
  if (hit) return hit;
  const built = buildSymbols(catalog, current, key);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, built);
  return built;
}

function buildSymbols(catalog: Catalog, current: Database, key: string): SchemaSymbols {
  const K = kusto();
  const S = K.Symbols;
  const tables = new Map<KSymbol, TableRef>();
  const functions = new Set<KSymbol>();
  let currentSymbol: KSymbol | undefined;
  const dbSymbols: KSymbol[] = [];
  for (const db of databasesOf(catalog, current)) {
    const members: KSymbol[] = [];
    for (const table of db.tables.values()) {
      const cols = table.columns.map(
        (c) => new S.ColumnSymbol(c.name, S.ScalarTypes[languageTypeOf(c.type)], null, null, null, null),
      );
      const symbol = new S.TableSymbol.$ctor4(table.name, cols);
      tables.set(symbol, { database: db.name, table: table.name });
      members.push(symbol);
    }
    for (const fn of db.functions.values()) {
      const symbol = new S.FunctionSymbol.$ctor16(fn.name, fn.parameters, fn.body, fn.docString ?? null);
      functions.add(symbol);
      members.push(symbol);
    }
    const dbSymbol = new S.DatabaseSymbol.$ctor1(db.name, members, false);
    dbSymbols.push(dbSymbol);
    if (db === current) currentSymbol = dbSymbol;
  }
  const cluster = new S.ClusterSymbol.ctor(CLUSTER_NAME, dbSymbols);
  const globals = K.GlobalState.Default.WithCluster(cluster).WithDatabase(currentSymbol as KSymbol);
  return { globals, tables, functions, key };
}
