/**
 * One database's files: a directory holding `snapshot-<g>` (the whole database at some moment, written
 * atomically) and `log-<g>` (records appended since), for the current generation g.
 *
 * Every change is a record appended to the log and fsynced before the request that made it is answered.
 * Requests that arrive while an fsync runs share the next one (group commit). When the log outgrows its
 * bound, the next change writes a new snapshot instead (temp file, fsync, rename, fsync of the directory)
 * and starts generation g+1, so a restart reads about the data's size, not its history.
 * @internal
 */
import { promises as fs, type Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatabaseInfo } from '../catalog';
import { KustoEmulatorError } from '../errors';
import type { Database, Extent, Table } from '../model';
import { extentRecordText, FILE_MAGIC, frame, metadataOf } from './records';

/** Where a table's extents stood at the last record written. */
interface TrackedTable {
  extents: Extent[];
  length: number;
  last?: Extent;
}

interface Op {
  kind: 'append' | 'snapshot' | 'drop';
  buffers: Buffer[];
  bytes: number;
  generation: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function newOp(kind: Op['kind'], generation = 0): Op {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Every op is awaited by the commit that made it; this only keeps an unawaited failure from crashing.
  done.catch(() => undefined);
  return { kind, buffers: [], bytes: 0, generation, done, resolve, reject };
}

/** fsync of a directory, so that a rename or a new file in it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory as a file (NTFS journals its metadata itself).
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // A file system that cannot fsync a directory (EINVAL) offers nothing stronger: the rename stands as it is.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}

/** What a store is created from: a database found on disk, or a new one. */
export interface StoreState {
  /** The database's directory. */
  dir: string;
  /** Current generation; 0 for a database never written. */
  generation: number;
  /** Extent ids of the loaded extents. */
  ids?: Map<Extent, number>;
  nextId?: number;
  /** Bytes of the current log and snapshot. */
  logBytes?: number;
  snapshotBytes?: number;
  /** The current log, open for appending. */
  log?: FileHandle;
}

/** Options every store shares. */
export interface StoreOptions {
  /** The data directory (fsynced when a database directory appears or goes). */
  dataDir: string;
  /** A log larger than this (and than the snapshot) is compacted into a new snapshot. */
  compactionBytes: number;
  /** Tells the user about something repaired or skipped. */
  warn: (message: string) => void;
}

/** The writer of one database's directory. */
export class DatabaseStore {
  private generation: number;
  private log?: FileHandle;
  private logBytes: number;
  private snapshotBytes: number;
  private schemaText?: string;
  private readonly tracked = new Map<string, TrackedTable>();
  private readonly ids = new WeakMap<Extent, number>();
  private nextId: number;
  /** Set when the files no longer match memory (a write failed): the next change writes a whole snapshot. */
  private needsSnapshot: boolean;
  private readonly queue: Op[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle?: () => void;

  constructor(
    readonly database: Database,
    readonly dir: string,
    private readonly options: StoreOptions,
    state: StoreState,
    info: DatabaseInfo,
    /** Settles when the directory is free (a dropped database of the same name has been moved away). */
    private readonly after: Promise<unknown> = Promise.resolve(),
  ) {
    this.generation = state.generation;
    this.log = state.log;
    this.logBytes = state.logBytes ?? 0;
    this.snapshotBytes = state.snapshotBytes ?? 0;
    this.nextId = state.nextId ?? 1;
    this.needsSnapshot = state.generation === 0;
    if (state.ids) {
      for (const [extent, id] of state.ids) this.ids.set(extent, id);
      // Loaded from disk: memory matches the files.
      this.track(JSON.stringify(metadataOf(database, info.id, info.policies, info.principals)));
    }
  }

  /** Whether the database was ever written. */
  get written(): boolean {
    return this.generation > 0;
  }

  private track(schemaText: string): void {
    this.schemaText = schemaText;
    this.tracked.clear();
    for (const table of this.database.tables.values()) {
      const { extents } = table;
      this.tracked.set(table.name, { extents, length: extents.length, last: extents[extents.length - 1] });
    }
  }

  /** Whether `table` only gained extents at its end since the last record. */
  private appendedOnly(table: Table): TrackedTable | undefined {
    const t = this.tracked.get(table.name);
    if (!t || t.extents !== table.extents || table.extents.length < t.length) return undefined;
    if (t.length > 0 && table.extents[t.length - 1] !== t.last) return undefined;
    return t;
  }

  /**
   * Records what changed in memory since the last call, and returns when it is on disk (undefined when
   * nothing changed). Must be called in the same tick as the change. An extent that cannot be serialised is
   * taken out of its table again (nothing of it is acknowledged) and the call fails, naming why.
   */
  commit(info: DatabaseInfo): Promise<void> | undefined {
    let refused: Error | undefined;
    for (;;) {
      try {
        const done = this.record(info);
        if (refused) {
          const error = refused;
          return (done ?? Promise.resolve()).then(() => {
            throw error;
          });
        }
        return done;
      } catch (error) {
        if (!(error instanceof UnstorableExtent) || refused) throw error;
        refused = new KustoEmulatorError(
          `The data cannot be stored (${error.cause instanceof Error ? error.cause.message : String(error.cause)}): nothing of it was ingested.`,
          { status: 400, code: 'BadRequest_InvalidData' },
        );
        this.removeUnwritten();
      }
    }
  }

  /** Takes extents that were never written out of their tables (they belong to the failing request). */
  private removeUnwritten(): void {
    for (const table of this.database.tables.values()) {
      let kept = 0;
      for (const extent of table.extents) if (this.ids.has(extent)) table.extents[kept++] = extent;
      table.extents.length = kept;
      const t = this.tracked.get(table.name);
      if (t && t.extents === table.extents && t.length > kept) {
        // Never happens for a pure append; kept consistent for the next diff anyway.
        t.length = kept;
        t.last = table.extents[kept - 1];
      }
    }
  }

  private record(info: DatabaseInfo): Promise<void> | undefined {
    const metadata = metadataOf(this.database, info.id, info.policies, info.principals);
    const schemaText = JSON.stringify(metadata);
    let needMetadata = schemaText !== this.schemaText;
    const starts = new Map<Table, number>();
    for (const table of this.database.tables.values()) {
      const t = this.appendedOnly(table);
      if (!t) needMetadata = true;
      starts.set(table, t ? t.length : 0);
    }
    if (this.needsSnapshot) {
      // Resynchronised only by a change of this database, so that only the request making it waits for (and
      // fails with) this database: requests to the others go on unaffected.
      const changed = needMetadata || [...starts].some(([table, start]) => table.extents.length > start);
      return changed ? this.enqueueSnapshot(metadata, schemaText) : undefined;
    }
    const texts: string[] = [];
    const assigned: [Extent, number][] = [];
    for (const [table, start] of starts) {
      for (let i = start; i < table.extents.length; i++) {
        const extent = table.extents[i];
        if (this.ids.has(extent)) continue;
        const id = this.nextId + assigned.length;
        try {
          texts.push(extentRecordText(id, needMetadata ? undefined : table.name, extent, table.columns));
        } catch (error) {
          throw new UnstorableExtent(error);
        }
        assigned.push([extent, id]);
      }
    }
    if (needMetadata) texts.push(this.metadataText(metadata, assigned));
    if (texts.length === 0) return undefined;
    for (const [extent, id] of assigned) this.ids.set(extent, id);
    this.nextId += assigned.length;
    this.track(schemaText);
    const buffers = texts.map(frame);
    const bytes = buffers.reduce((n, b) => n + b.length, 0);
    if (this.logBytes + bytes > Math.max(this.options.compactionBytes, this.snapshotBytes)) {
      // The log has outgrown its bound: this change goes into a new snapshot instead.
      return this.enqueueSnapshot(metadata, schemaText);
    }
    this.logBytes += bytes;
    const last = this.queue[this.queue.length - 1];
    // Group commit: changes made while a write is under way share the next write and fsync.
    const op = last?.kind === 'append' ? last : this.enqueue(newOp('append'));
    op.buffers.push(...buffers);
    op.bytes += bytes;
    return op.done;
  }

  /** The `M` record: metadata with each table's extent ids. */
  private metadataText(metadata: ReturnType<typeof metadataOf>, assigned: [Extent, number][]): string {
    const pending = new Map(assigned);
    const idOf = (extent: Extent): number => this.ids.get(extent) ?? (pending.get(extent) as number);
    return JSON.stringify({
      ...metadata,
      tables: metadata.tables.map((t) => ({
        ...t,
        extents: (this.database.tables.get(t.name) as Table).extents.map(idOf),
      })),
    });
  }

  /** A whole snapshot of the database as it is now, as a new generation. */
  private enqueueSnapshot(metadata: ReturnType<typeof metadataOf>, schemaText: string): Promise<void> {
    const texts: string[] = [];
    const assigned: [Extent, number][] = [];
    let nextId = 1;
    for (const table of this.database.tables.values()) {
      for (const extent of table.extents) {
        const id = nextId++;
        try {
          texts.push(extentRecordText(id, undefined, extent, table.columns));
        } catch (error) {
          if (!this.ids.has(extent)) throw new UnstorableExtent(error);
          throw error;
        }
        assigned.push([extent, id]);
      }
    }
    // A snapshot renumbers the extents from 1: ids are per generation.
    for (const [extent, id] of assigned) this.ids.set(extent, id);
    this.nextId = nextId;
    texts.push(this.metadataText(metadata, []));
    this.track(schemaText);
    this.needsSnapshot = false;
    const op = newOp('snapshot', this.generation + this.queue.filter((o) => o.kind === 'snapshot').length + 1);
    op.buffers = [FILE_MAGIC, ...texts.map(frame)];
    op.bytes = op.buffers.reduce((n, b) => n + b.length, 0);
    this.logBytes = FILE_MAGIC.length;
    this.snapshotBytes = op.bytes;
    return this.enqueue(op).done;
  }

  /** Moves the directory away (then deletes it); returns when the move is durable. */
  drop(): Promise<void> {
    return this.enqueue(newOp('drop')).done;
  }

  /** Settles once every queued write has finished. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  /** Closes the log (after queued writes). */
  async close(): Promise<void> {
    await this.idle;
    await this.log?.close().catch(() => undefined);
    this.log = undefined;
  }

  private enqueue(op: Op): Op {
    this.queue.push(op);
    if (!this.running) {
      this.running = true;
      this.idle = new Promise((resolve) => (this.markIdle = resolve));
      void this.run();
    }
    return op;
  }

  private async run(): Promise<void> {
    await this.after.catch(() => undefined);
    while (this.queue.length > 0) {
      // Taken off the queue before its write starts: changes from now on go into the next op.
      const op = this.queue.shift() as Op;
      try {
        await this.execute(op);
        op.resolve();
      } catch (cause) {
        const error = new KustoEmulatorError(
          `The emulator could not store the change to database '${this.database.name}' under ${this.dir}: ${(cause as Error).message}. Nothing of it is acknowledged; other databases are not affected.`,
          {
            status: 500,
            code: 'Internal_StorageFailure',
            kustoType: 'Kusto.Data.Exceptions.KustoServiceException',
            permanent: false,
          },
        );
        op.reject(error);
        // What was queued behind it would follow a gap in the log: fail it too, and resynchronise with a snapshot.
        for (const rest of this.queue.splice(0)) rest.reject(error);
        if (op.kind !== 'drop') this.needsSnapshot = true;
      }
    }
    this.running = false;
    this.markIdle?.();
  }

  private async execute(op: Op): Promise<void> {
    const body = Buffer.concat(op.buffers, op.bytes);
    if (op.kind === 'append') {
      if (!this.log) throw new Error('the log is not open');
      await writeAll(this.log, body);
      await this.log.datasync();
      return;
    }
    if (op.kind === 'drop') {
      await this.log?.close().catch(() => undefined);
      this.log = undefined;
      if (!this.written) return;
      const trash = `${this.dir}.dropped-${Date.now()}`;
      await fs.rename(this.dir, trash);
      await syncDirectory(this.options.dataDir);
      await fs.rm(trash, { recursive: true, force: true }).catch(() => undefined);
      return;
    }
    const generation = Math.max(op.generation, this.generation + 1);
    const first = !this.written;
    // A new database is made in a directory of its own name only once complete (snapshot and log in place), so that
    // its directory existing means it exists; a start killed before that leaves a `.creating-` one, removed at load.
    const dir = first ? `${this.dir}.creating-${process.pid}` : this.dir;
    if (first) await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    const snapshot = path.join(dir, `snapshot-${generation}`);
    const temp = `${snapshot}.tmp`;
    const handle = await fs.open(temp, 'w');
    try {
      await writeAll(handle, body);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, snapshot);
    const logName = `log-${generation}`;
    let log = await fs.open(path.join(dir, logName), 'w');
    try {
      await writeAll(log, FILE_MAGIC);
      await log.datasync();
      await syncDirectory(dir);
      if (first) {
        // Closed while the directory is renamed (Windows cannot rename one with a file open in it).
        await log.close();
        await fs.rename(dir, this.dir);
        await syncDirectory(this.options.dataDir);
        log = await fs.open(path.join(this.dir, logName), 'a');
      }
    } catch (error) {
      await log.close().catch(() => undefined);
      throw error;
    }
    const previous = this.generation;
    await this.log?.close().catch(() => undefined);
    this.log = log;
    this.generation = generation;
    this.logBytes = FILE_MAGIC.length;
    if (previous > 0) await removeOtherGenerations(this.dir, generation);
  }
}

/** Deletes the files of generations other than `generation` (best effort: they are ignored at load). */
export async function removeOtherGenerations(dir: string, generation: number): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = /^(snapshot|log)-(\d+)(\.tmp)?$/.exec(entry.name);
    if (match && (Number(match[2]) !== generation || match[3])) {
      await fs.rm(path.join(dir, entry.name), { force: true }).catch(() => undefined);
    }
  }
}

/** An extent whose rows cannot be serialised (thrown while recording, before anything is queued). */
class UnstorableExtent extends Error {
  constructor(cause: unknown) {
    super('an extent cannot be serialised', { cause });
  }
}
