/**
 * Durable storage of the emulator's persistent databases under its dataDir: one directory per database
 * (a write-ahead log and a snapshot, see {@link DatabaseStore}), each written and loaded on its own so that
 * a failure in one never loses another.
 *
 * Directory names are derived from a hash of the database name (with a readable prefix), so no name can
 * escape the data directory or exceed the file system's name length; the real name is stored inside.
 * Data directories of the earlier format (one `<name>.kustodb.json` file per database) are migrated on load.
 * @internal
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../catalog';
import { KustoEmulatorError } from '../errors';
import type { Database, Extent } from '../model';
import { DatabaseStore, removeOtherGenerations, syncDirectory, type StoreOptions } from './databaseStore';
import { FILE_MAGIC, readRecords, Replayer, type ReadResult } from './records';
import { deserializeLegacyDatabase, LEGACY_SUFFIX } from './legacy';

/** The file claiming a data directory for one process. */
const LOCK_FILE = 'emulator.lock';
// How long a start waits for the process holding the data directory to exit before it says the directory is in use.
const LOCK_WAIT_MS = 3000;

/** Whether process `pid` exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Default bound of a log before it is compacted into a snapshot. */
export const DEFAULT_COMPACTION_BYTES = 64 * 1024 * 1024;

/** The directory of database `name` under `dataDir`: a readable prefix and a hash of the lower-case name. */
export function databaseDirectory(dataDir: string, name: string): string {
  const key = name.toLowerCase();
  const prefix = key.replace(/[^a-z0-9_-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
  return path.join(dataDir, `${prefix}-${hash}.db`);
}

/** Options of {@link Durability}. */
export interface DurabilityOptions {
  /** Log size past which a database is compacted. */
  compactionBytes?: number;
  /** Receives warnings (damaged tails truncated, entries skipped); console.warn unless told. */
  warn?: (message: string) => void;
}

/** The persistent databases of one catalog, on disk. */
export class Durability {
  private readonly stores = new Map<string, DatabaseStore>();
  /** Drops under way, by database key: a new database of that name waits for them. */
  private readonly drops = new Map<string, Promise<void>>();
  private readonly options: StoreOptions;
  private lockFile?: string;
  private closed = false;

  constructor(
    private readonly catalog: Catalog,
    readonly dataDir: string,
    options: DurabilityOptions = {},
  ) {
    this.options = {
      dataDir,
      compactionBytes: options.compactionBytes ?? DEFAULT_COMPACTION_BYTES,
      warn: options.warn ?? ((message) => console.warn(message)),
    };
  }

  /** Loads every database found under the data directory into the catalog (creating the directory if needed). */
  async load(): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true });
    await this.lock();
    const entries = await fs.readdir(this.dataDir, { withFileTypes: true });
    const legacy: string[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(this.dataDir, entry.name);
      if (entry.isDirectory() && /\.(dropped|creating)-\d+$/.test(entry.name)) {
        // A drop that was acknowledged, then interrupted before the delete finished; or a creation never completed.
        await fs.rm(full, { recursive: true, force: true });
      } else if (entry.isDirectory() && entry.name.endsWith('.db')) {
        await this.loadDirectory(full);
      } else if (entry.isFile() && entry.name.endsWith(LEGACY_SUFFIX)) {
        legacy.push(full);
      }
    }
    for (const file of legacy) await this.migrate(file);
    this.buildInBackground();
  }

  /**
   * Builds the rows of the loaded extents one extent per turn of the event loop, after the start: the emulator
   * answers meanwhile, and a query reading an extent not built yet builds it then.
   */
  private buildInBackground(): void {
    const pending: Extent[] = [];
    for (const store of this.stores.values()) {
      for (const table of store.database.tables.values()) pending.push(...table.extents);
    }
    const next = (): void => {
      if (this.closed) return;
      const extent = pending.shift();
      if (!extent) return;
      try {
        void extent.rows;
      } catch (error) {
        this.options.warn(
          `Kusto emulator: an extent of the data directory cannot be read: ${(error as Error).message}`,
        );
      }
      setImmediate(next);
    };
    setImmediate(next);
  }

  /**
   * Claims the data directory for this process: two emulators appending to the same logs would corrupt them. A lock
   * left by a process that is gone (killed) is taken over. A holder that is still alive gets a moment to exit
   * (LOCK_WAIT_MS): an emulator stopping (Ctrl+C, or a local host's emulator whose host was killed) releases the
   * directory within it, and a restart right after should not fail for that.
   */
  private async lock(): Promise<void> {
    const file = path.join(this.dataDir, LOCK_FILE);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
        this.lockFile = file;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      const holder = Number.isInteger(pid) && pid > 0 && pid !== process.pid;
      while (holder && isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      if (holder && isAlive(pid)) {
        throw new Error(
          `Kusto emulator: the data directory ${this.dataDir} is in use by process ${pid} (another emulator or host). ` +
            `Stop it, or use another data directory; if no such process is an emulator, delete ${file}.`,
        );
      }
      // Left by a process that is gone (or by an emulator of this process that was never closed): take it over.
      await fs.rm(file, { force: true });
    }
    throw new Error(`Kusto emulator: cannot lock the data directory ${this.dataDir} (${file}).`);
  }

  /** Loads one database directory; a damaged one is set aside with a warning, never failing the start. */
  private async loadDirectory(dir: string): Promise<void> {
    const files = await fs.readdir(dir);
    const generations = (prefix: string): number[] =>
      files.flatMap((f) => {
        const m = new RegExp(`^${prefix}-(\\d+)$`).exec(f);
        return m ? [Number(m[1])] : [];
      });
    const snapshots = generations('snapshot');
    const logs = generations('log');
    const generation = snapshots.length > 0 ? Math.max(...snapshots) : logs.length > 0 ? Math.max(...logs) : 0;
    if (generation === 0) {
      // Created and never completed (a crash before its first snapshot was renamed in): nothing acknowledged.
      await fs.rm(dir, { recursive: true, force: true });
      return;
    }
    const replayer = new Replayer();
    const where = (file: string): string => path.join(dir, file);
    let snapshotBytes = 0;
    if (snapshots.includes(generation)) {
      const content = await fs.readFile(where(`snapshot-${generation}`));
      snapshotBytes = content.length;
      const read = this.applyAll(replayer, readRecords(content));
      if (read.damage) {
        this.options.warn(
          `Kusto emulator: ${where(`snapshot-${generation}`)} is damaged (${read.damage}): loaded what precedes it.`,
        );
      }
    }
    const logFile = where(`log-${generation}`);
    let logBytes = FILE_MAGIC.length;
    let logContent: Buffer | undefined;
    try {
      logContent = await fs.readFile(logFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let truncateTo: number | undefined;
    if (logContent) {
      const read = this.applyAll(replayer, readRecords(logContent));
      logBytes = Math.max(read.validBytes, FILE_MAGIC.length);
      if (read.validBytes < logContent.length) {
        truncateTo = read.validBytes;
        if (read.damage) {
          this.options.warn(
            `Kusto emulator: ${logFile} ends with ${read.damage} (${logContent.length - read.validBytes} bytes): truncated. ` +
              'A change cut off by a crash was never acknowledged.',
          );
        }
      }
    }
    const replayed = replayer.result();
    if (!replayed) {
      const aside = `${dir}.unloadable-${Date.now()}`;
      this.options.warn(`Kusto emulator: ${dir} holds no readable database: moved to ${aside}.`);
      await fs.rename(dir, aside);
      return;
    }
    const { metadata } = replayed;
    if (this.catalog.get(metadata.name)) {
      this.options.warn(
        `Kusto emulator: ${dir} holds database '${metadata.name}', which another directory already holds: skipped.`,
      );
      return;
    }
    let database: Database;
    try {
      database = this.catalog.createDatabase(metadata.name, true, metadata.id);
    } catch (error) {
      this.options.warn(`Kusto emulator: ${dir} holds a database that cannot be loaded: ${(error as Error).message}`);
      return;
    }
    const info = this.catalog.info(database);
    for (const [key, value] of Object.entries(metadata.policies ?? {})) info.policies.set(key, value);
    if (Array.isArray(metadata.principals)) info.principals = metadata.principals.map((p) => ({ ...p }));
    for (const fn of metadata.functions ?? []) database.functions.set(fn.name, fn);
    for (const [name, table] of replayed.tables) database.tables.set(name, table);

    // Open the log for appending, cutting a damaged tail off first (or writing the header of a missing log).
    const log = await fs.open(logFile, logContent ? 'r+' : 'w');
    if (!logContent || truncateTo !== undefined) {
      if (!logContent || (truncateTo ?? 0) < FILE_MAGIC.length) {
        await log.truncate(0);
        await log.write(FILE_MAGIC, 0, FILE_MAGIC.length, 0);
      } else {
        await log.truncate(truncateTo);
      }
      await log.datasync();
    }
    await log.close();
    const appender = await fs.open(logFile, 'a');
    await removeOtherGenerations(dir, generation);
    this.stores.set(
      database.name.toLowerCase(),
      new DatabaseStore(
        database,
        dir,
        this.options,
        { dir, generation, ids: replayed.ids, nextId: replayed.nextId, logBytes, snapshotBytes, log: appender },
        info,
      ),
    );
  }

  /** Applies records until one does not fit; what follows it counts as damage. */
  private applyAll(replayer: Replayer, read: ReadResult): ReadResult {
    for (let i = 0; i < read.records.length; i++) {
      try {
        replayer.apply(read.records[i]);
      } catch (error) {
        return {
          records: read.records.slice(0, i),
          offsets: read.offsets.slice(0, i),
          validBytes: read.offsets[i],
          damage: `a record that does not fit at byte ${read.offsets[i]} (${(error as Error).message})`,
        };
      }
    }
    return read;
  }

  /** Moves a database of the earlier one-file format into the current layout, then deletes the file. */
  private async migrate(file: string): Promise<void> {
    let database: Database | undefined;
    try {
      const text = await fs.readFile(file, 'utf8');
      database = deserializeLegacyDatabase(this.catalog, text, file);
    } catch (error) {
      // Its name was already loaded from the current layout: a migration that completed but for the delete.
      if (error instanceof KustoEmulatorError && error.code === 'BadRequest_EntityAlreadyExists') {
        await fs.rm(file, { force: true });
        return;
      }
      this.options.warn(`Kusto emulator: ${file} cannot be migrated and is left as it is: ${(error as Error).message}`);
      return;
    }
    await this.commit();
    await fs.rm(file, { force: true });
    await syncDirectory(this.dataDir);
    this.options.warn(
      `Kusto emulator: database '${database.name}' migrated from ${path.basename(file)} to ${path.basename(databaseDirectory(this.dataDir, database.name))}.`,
    );
  }

  /**
   * Records every change made to persistent databases since the last call and returns when it is on disk.
   * Call it in the same tick as the change. Fails (with Kusto's error shape) when a database that changed
   * could not be written; the other databases are written all the same.
   */
  commit(): Promise<void> {
    const pending: Promise<void>[] = [];
    const failures: unknown[] = [];
    for (const [key, store] of this.stores) {
      if (this.catalog.databases.get(key) === store.database) continue;
      this.stores.delete(key);
      const dropped = store.drop();
      this.drops.set(key, dropped);
      void dropped.then(
        () => this.drops.get(key) === dropped && this.drops.delete(key),
        () => undefined,
      );
      pending.push(dropped);
    }
    for (const [key, database] of this.catalog.databases) {
      if (!database.persistent) continue;
      let store = this.stores.get(key);
      if (!store) {
        store = new DatabaseStore(
          database,
          databaseDirectory(this.dataDir, database.name),
          this.options,
          { dir: '', generation: 0 },
          this.catalog.info(database),
          this.drops.get(key),
        );
        this.stores.set(key, store);
      }
      try {
        const done = store.commit(this.catalog.info(database));
        if (done) pending.push(this.watchCreation(key, store, done));
      } catch (error) {
        failures.push(error);
      }
    }
    if (pending.length === 0 && failures.length === 0) return Promise.resolve();
    return Promise.allSettled(pending).then((results) => {
      for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
      if (failures.length > 0) throw failures[0];
    });
  }

  /** A database whose creation could not be written is taken out of the catalog again (never acknowledged). */
  private watchCreation(key: string, store: DatabaseStore, done: Promise<void>): Promise<void> {
    if (store.written) return done;
    return done.catch((error: unknown) => {
      const database = store.database;
      if (
        !store.written &&
        this.catalog.databases.get(key) === database &&
        database.tables.size === 0 &&
        database.functions.size === 0
      ) {
        this.catalog.databases.delete(key);
        if (this.stores.get(key) === store) this.stores.delete(key);
      }
      throw error;
    });
  }

  /** Writes what changed and waits for every write under way. */
  async flush(): Promise<void> {
    const committed = this.commit();
    await Promise.allSettled([...[...this.stores.values()].map((s) => s.whenIdle()), ...this.drops.values()]);
    await committed;
  }

  /** Flushes, then closes every log. */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await Promise.all([...this.stores.values()].map((s) => s.close()));
      if (this.lockFile) await fs.rm(this.lockFile, { force: true });
      this.lockFile = undefined;
    }
  }
}
