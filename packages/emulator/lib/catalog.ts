/**
 * The emulator's catalog: databases by name, with their tables and functions.
 *
 * CONTRACT (owned by the emulator server/commands part): the KQL engine only reads `get`.
 */
import { randomUUID } from 'node:crypto';
import { entityNotFound, KustoEmulatorError } from './errors';
import type { Database, Table } from './model';
import type { PrincipalGrant } from './identity/principals';

/** What the catalog keeps about a database beyond the data model: its id and database-level policies. */
export interface DatabaseInfo {
  /** Stable id, shown by `.show databases`. */
  id: string;
  /** Database-level policies keyed by policy name in lower case (JSON text). */
  policies: Map<string, string>;
  /** Its principals' roles (`.add database X viewers (…)`); absent until one is granted. */
  principals?: PrincipalGrant[];
}

/** Persistent databases changed and dropped since the last flush (names in lower case). */
export interface CatalogChanges {
  /** Databases to write. */
  changed: string[];
  /** Databases whose files to delete. */
  dropped: string[];
}

// Kusto entity names: letters, digits, underscores, spaces, dots and dashes, 1 to 1024 characters.
const ENTITY_NAME = /^[\p{L}\p{N}_ .-]{1,1024}$/u;
// …with at least one letter, digit or underscore: names of dots, dashes and spaces alone (`..`) are refused.
const NAME_CHARACTER = /[\p{L}\p{N}_]/u;

/** Fails unless `name` is a valid Kusto entity name; `kind` names the entity in the message. */
export function checkEntityName(kind: string, name: string): void {
  if (!ENTITY_NAME.test(name) || name.trim() !== name || !NAME_CHARACTER.test(name)) {
    // Control characters and over-long names are not echoed as they are.
    const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
    throw new KustoEmulatorError(
      `${kind} name ${shown} (${name.length} characters) is not valid: use letters, digits, underscores, spaces, dots or dashes, with at least one letter, digit or underscore (1 to 1024 characters, no leading or trailing space).`,
      {
        status: 400,
        code: 'BadRequest_EntityNameIsNotValid',
        kustoType: 'Kusto.Data.Exceptions.EntityNameIsNotValidException',
      },
    );
  }
}

/**
 * What makes changes durable: the emulator's storage when it has a dataDir. `commit` records every change made
 * to the catalog since its last call (call it in the same tick as the change) and settles when it is on disk.
 */
export interface CatalogDurability {
  /** Records the changes made since the last call; settles once they are on disk. */
  commit(): Promise<void>;
}

/** All databases of one emulator instance. */
export class Catalog {
  /** Databases by name (Kusto database names compare case-insensitively; keys are lower case). */
  readonly databases = new Map<string, Database>();

  private readonly infos = new WeakMap<Database, DatabaseInfo>();
  private readonly changed = new Set<string>();
  private readonly dropped = new Set<string>();

  /** The storage that makes persistent databases durable; undefined when the emulator keeps everything in memory. */
  durability?: CatalogDurability;

  /**
   * Makes the changes made so far durable: settles once they are written and fsynced (at once without
   * storage). Call it right after a change, before acknowledging it; it fails, in Kusto's error shape, when
   * the change could not be written.
   */
  commit(): Promise<void> {
    return this.durability ? this.durability.commit() : Promise.resolve();
  }

  /** The database named `name`, or undefined. */
  get(name: string): Database | undefined {
    return this.databases.get(name.toLowerCase());
  }

  /** The database named `name`; an entity-not-found error when there is none. */
  require(name: string): Database {
    const database = this.get(name);
    if (!database) throw entityNotFound('Database', name);
    return database;
  }

  /** The table `name` of `database` (table names are case-sensitive); an entity-not-found error when missing. */
  requireTable(database: Database, name: string): Table {
    const table = database.tables.get(name);
    if (!table) throw entityNotFound('Table', name);
    return table;
  }

  /** Creates an empty database; fails when one of that name exists. */
  createDatabase(name: string, persistent: boolean, id: string = randomUUID()): Database {
    checkEntityName('Database', name);
    if (this.get(name)) {
      throw new KustoEmulatorError(`Database '${name}' already exists.`, {
        code: 'BadRequest_EntityAlreadyExists',
        kustoType: 'Kusto.Data.Exceptions.EntityAlreadyExistsException',
      });
    }
    const database: Database = { name, persistent, tables: new Map(), functions: new Map(), schemaVersion: 1 };
    this.databases.set(name.toLowerCase(), database);
    this.infos.set(database, { id, policies: new Map() });
    this.dropped.delete(name.toLowerCase());
    this.markChanged(database);
    return database;
  }

  /** Removes a database; fails when it does not exist. */
  dropDatabase(name: string): Database {
    const database = this.require(name);
    const key = name.toLowerCase();
    this.databases.delete(key);
    this.changed.delete(key);
    if (database.persistent) this.dropped.add(key);
    return database;
  }

  /** The id and database-level policies of a database of this catalog. */
  info(database: Database): DatabaseInfo {
    let info = this.infos.get(database);
    if (!info) {
      // A database put into `databases` directly (by a spec or the engine's tests) gets its info on first use.
      info = { id: randomUUID(), policies: new Map() };
      this.infos.set(database, info);
    }
    return info;
  }

  /** Bumps the schema version (the KQL engine's cache key) and marks the database for the next flush. */
  schemaChanged(database: Database): void {
    database.schemaVersion++;
    this.markChanged(database);
  }

  /** Marks a database as changed since the last flush (data or metadata). */
  markChanged(database: Database): void {
    if (database.persistent) this.changed.add(database.name.toLowerCase());
  }

  /**
   * Takes the set of persistent databases changed and dropped since the last call (for persistence):
   * names in lower case.
   */
  takeChanges(): CatalogChanges {
    const result = { changed: [...this.changed], dropped: [...this.dropped] };
    this.changed.clear();
    this.dropped.clear();
    return result;
  }
}
