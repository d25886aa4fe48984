/**
 * The on-disk form of a database: checksummed records in a log (or a snapshot, which is the same records for a
 * whole database). Each record is framed as `[u32 length][u32 crc32 of the payload][payload: UTF-8 JSON]`,
 * little-endian, after an 8-byte file magic.
 *
 * Two kinds of record, replayed in order:
 * - `X` an extent (immutable once written): its id, rows, ingestion time, tags and column types; with `table`
 *   it is appended to that table, without it only `M` records reference it;
 * - `M` the database's metadata (name, id, policies, functions, tables with columns, policies, mappings) and,
 *   per table, the ids of its extents in order: a replace, clear, drop or reshape is one `M`.
 *
 * Values are stored losslessly: longs, datetimes and timespans (bigints) as decimal strings, non-finite reals
 * as "NaN" / "Infinity" / "-Infinity", decimals as the strings of their exact digits (files written before decimals
 * were exact hold them as JSON numbers, read back as the double's shortest digits); everything else as JSON.
 * @internal
 */
import { crc32 } from 'node:zlib';
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
import type { PrincipalGrant } from '../identity/principals';
import { KUSTO_SCALAR_TYPES } from '../typeNames';
import { decimalFromNumber, parseDecimal } from '../values/decimalValue';

/** First bytes of every log and snapshot file. */
export const FILE_MAGIC = Buffer.from('KEMDB01\n', 'latin1');
const HEADER = 8;
/** A record longer than this is taken for a corrupt length field rather than read. */
const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

/** A table's metadata in an `M` record. */
export interface StoredTable {
  name: string;
  docString?: string;
  folder?: string;
  columns: Column[];
  policies: Record<string, string>;
  mappings: IngestionMapping[];
  /** Extent ids in order (absent in the schema text used to detect changes). */
  extents?: number[];
}

/** An `M` record. */
export interface MetadataRecord {
  k: 'M';
  name: string;
  id: string;
  policies: Record<string, string>;
  functions: StoredFunction[];
  tables: StoredTable[];
  /** The database's principals and roles; absent when none was ever granted (files from before grants have none). */
  principals?: PrincipalGrant[];
}

/** An `X` record. */
export interface ExtentRecord {
  k: 'X';
  id: number;
  table?: string;
  t: string;
  tags: string[];
  types: KustoScalarType[];
  /** Rows count. */
  n: number;
  /**
   * The values, column by column, as JSON text after the record's first line (in memory: its bytes, parsed when the
   * rows are first read, so that a restart reads the data without building it).
   */
  body?: Buffer;
}

/** The metadata of a database without extent lists: compared as text to detect a schema change. */
export function metadataOf(
  database: Database,
  id: string,
  policies: Map<string, string>,
  principals?: readonly PrincipalGrant[],
): MetadataRecord {
  return {
    k: 'M',
    name: database.name,
    id,
    policies: Object.fromEntries(policies),
    functions: [...database.functions.values()],
    tables: [...database.tables.values()].map((t) => ({
      name: t.name,
      docString: t.docString,
      folder: t.folder,
      columns: t.columns,
      policies: Object.fromEntries(t.policies),
      mappings: [...t.mappings.values()],
    })),
    // Only once granted: the metadata of databases without grants stays as it was written before grants existed.
    ...(principals ? { principals: principals.map((p) => ({ ...p })) } : {}),
  };
}

const BIGINT_TYPES: ReadonlySet<KustoScalarType> = new Set(['long', 'datetime', 'timespan']);
const NUMBER_TYPES: ReadonlySet<KustoScalarType> = new Set(['real']);

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

function encodeBigint(value: Value): unknown {
  if (typeof value !== 'bigint') return value;
  // Numbers where exact (cheaper to parse back), decimal strings beyond.
  return value <= MAX_EXACT && value >= -MAX_EXACT ? Number(value) : value.toString();
}

function encodeNumber(value: Value): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** The JSON text of an `X` record (throws when a value cannot be serialised, e.g. nested too deep). */
export function extentRecordText(id: number, table: string | undefined, extent: Extent, columns: Column[]): string {
  const types = columns.map((c) => c.type);
  const { rows } = extent;
  const cols = types.map((type, c) => {
    const encode = BIGINT_TYPES.has(type) ? encodeBigint : NUMBER_TYPES.has(type) ? encodeNumber : undefined;
    const col = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) col[r] = encode ? encode(rows[r][c]) : rows[r][c];
    return col;
  });
  return (
    `{"k":"X","id":${id}` +
    (table === undefined ? '' : `,"table":${JSON.stringify(table)}`) +
    `,"t":"${extent.ingestionTime.toString()}","tags":${JSON.stringify(extent.tags)}` +
    `,"types":${JSON.stringify(types)},"n":${rows.length}}\n${JSON.stringify(cols)}`
  );
}

/**
 * The extent an `X` record holds. Its rows are built when first read (a query, a snapshot): a restart then costs
 * reading and checking the files, and each table's data is built once, when it is used.
 */
export function decodeExtent(record: ExtentRecord): Extent {
  const { types, n, body } = record;
  if (!Array.isArray(types) || !Number.isSafeInteger(n) || !body) throw new Error('a malformed extent record');
  for (const type of types) if (!KUSTO_SCALAR_TYPES.includes(type)) throw new Error(`unknown column type '${type}'`);
  const extent = { ingestionTime: BigInt(record.t), tags: record.tags ?? [] } as Extent;
  const settle = (rows: Value[][]): Value[][] => {
    Object.defineProperty(extent, 'rows', { value: rows, writable: true, enumerable: true, configurable: true });
    return rows;
  };
  Object.defineProperty(extent, 'rows', {
    enumerable: true,
    configurable: true,
    get: () => settle(decodeRows(types, n, body)),
    set: settle,
  });
  return extent;
}

/** The rows of an extent from its columns' JSON text. */
function decodeRows(types: KustoScalarType[], n: number, body: Buffer): Value[][] {
  const cols = JSON.parse(body.toString('utf8')) as unknown[][];
  if (!Array.isArray(cols) || cols.length !== types.length) throw new Error('a malformed extent record');
  const columns = types.map((type, c) => {
    const col = cols[c];
    if (!Array.isArray(col) || col.length !== n) throw new Error('a malformed extent record');
    if (BIGINT_TYPES.has(type)) {
      for (let r = 0; r < n; r++) if (col[r] !== null) col[r] = BigInt(col[r] as string | number);
    } else if (NUMBER_TYPES.has(type)) {
      for (let r = 0; r < n; r++) if (typeof col[r] === 'string') col[r] = Number(col[r]);
    } else if (type === 'decimal') {
      for (let r = 0; r < n; r++) if (col[r] !== null) col[r] = storedDecimal(col[r]);
    }
    return col as Value[];
  });
  return rowBuilder(columns.length)(columns, n);
}

/**
 * A stored decimal: its digits (this format), or a JSON number (files from before decimals were exact, which held
 * them as doubles; a non-finite one, "NaN" or "Infinity", has no decimal and reads as null).
 */
export function storedDecimal(value: unknown): Value {
  if (typeof value === 'number') return decimalFromNumber(value);
  if (typeof value === 'string') return parseDecimal(value);
  throw new Error('a malformed decimal value');
}

type RowBuilder = (columns: Value[][], n: number) => Value[][];
const rowBuilders = new Map<number, RowBuilder>();

/**
 * Turns columns into rows. Generated per width so that each row is an array literal: V8 then allocates a restart's
 * millions of rows straight in the old generation instead of copying each through the young one (a third faster).
 */
function rowBuilder(width: number): RowBuilder {
  let build = rowBuilders.get(width);
  if (!build) {
    const names = Array.from({ length: width }, (_, c) => `c${c}`);
    build = new Function(
      'columns',
      'n',
      `const [${names.join(', ')}] = columns; const rows = new Array(n);` +
        `for (let r = 0; r < n; r++) rows[r] = [${names.map((c) => `${c}[r]`).join(', ')}]; return rows;`,
    ) as RowBuilder;
    rowBuilders.set(width, build);
  }
  return build;
}

/** One record framed for the file. */
export function frame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** What reading a file found: its records, and where a torn or corrupt tail starts (if it has one). */
export interface ReadResult {
  records: (MetadataRecord | ExtentRecord)[];
  /** Byte offset of each record's frame. */
  offsets: number[];
  /** Bytes of valid content (magic included). */
  validBytes: number;
  /** Why the rest was ignored, when there is a rest. */
  damage?: string;
}

/** Reads the records of a file's content, stopping at the first torn or corrupt one. */
export function readRecords(content: Buffer): ReadResult {
  const records: (MetadataRecord | ExtentRecord)[] = [];
  const offsets: number[] = [];
  if (content.length < FILE_MAGIC.length || !content.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) {
    return {
      records,
      offsets,
      validBytes: 0,
      damage: content.length === 0 ? undefined : 'the file does not start with the emulator log header',
    };
  }
  let offset = FILE_MAGIC.length;
  while (offset < content.length) {
    if (content.length - offset < HEADER) {
      return { records, offsets, validBytes: offset, damage: `a torn record header at byte ${offset}` };
    }
    const length = content.readUInt32LE(offset);
    const sum = content.readUInt32LE(offset + 4);
    if (length > MAX_RECORD_BYTES || offset + HEADER + length > content.length) {
      return { records, offsets, validBytes: offset, damage: `a torn record at byte ${offset}` };
    }
    const payload = content.subarray(offset + HEADER, offset + HEADER + length);
    if (crc32(payload) !== sum) {
      return { records, offsets, validBytes: offset, damage: `a record with a wrong checksum at byte ${offset}` };
    }
    let record: MetadataRecord | ExtentRecord;
    try {
      // An extent's header is its first line; the columns after it are parsed when the rows are first read.
      const newline = payload.indexOf(0x0a);
      record = JSON.parse(payload.toString('utf8', 0, newline < 0 ? payload.length : newline)) as
        MetadataRecord | ExtentRecord;
      if (record?.k === 'X') {
        const inline = (record as { cols?: unknown }).cols;
        // Columns inline (the first days of this format) or after the header line.
        record.body = newline >= 0 ? payload.subarray(newline + 1) : Buffer.from(JSON.stringify(inline ?? null));
      }
    } catch {
      return { records, offsets, validBytes: offset, damage: `an unreadable record at byte ${offset}` };
    }
    if (record?.k !== 'M' && record?.k !== 'X') {
      return { records, offsets, validBytes: offset, damage: `a record of unknown kind at byte ${offset}` };
    }
    records.push(record);
    offsets.push(offset);
    offset += HEADER + length;
  }
  return { records, offsets, validBytes: offset };
}

/** A database rebuilt from records: its content and what the store needs to go on appending. */
export interface Replayed {
  metadata: MetadataRecord;
  tables: Map<string, Table>;
  /** Extent ids of the extents in `tables`. */
  ids: Map<Extent, number>;
  nextId: number;
}

/** Applies records one at a time, so that the first one that does not fit can be cut off with the rest. */
export class Replayer {
  private readonly byId = new Map<number, Extent>();
  private readonly idOf = new Map<Extent, number>();
  private nextId = 1;
  private metadata?: MetadataRecord;
  private tables = new Map<string, Table>();

  /** Applies one record; throws (changing nothing) when it does not fit what came before. */
  apply(record: MetadataRecord | ExtentRecord): void {
    if (record.k === 'X') {
      if (!Number.isSafeInteger(record.id)) throw new Error('a malformed extent record');
      let table: Table | undefined;
      if (record.table !== undefined) {
        table = this.tables.get(record.table);
        if (!table) throw new Error(`extent ${record.id} is for table '${record.table}', which does not exist`);
      }
      const extent = decodeExtent(record);
      this.byId.set(record.id, extent);
      this.idOf.set(extent, record.id);
      this.nextId = Math.max(this.nextId, record.id + 1);
      table?.extents.push(extent);
      return;
    }
    if (typeof record.name !== 'string' || !Array.isArray(record.tables))
      throw new Error('a malformed metadata record');
    const tables = new Map<string, Table>();
    for (const t of record.tables) {
      for (const c of t.columns) {
        if (!KUSTO_SCALAR_TYPES.includes(c.type)) throw new Error(`column '${c.name}' has unknown type '${c.type}'`);
      }
      const table: Table = {
        name: t.name,
        columns: t.columns,
        docString: t.docString,
        folder: t.folder,
        policies: new Map(Object.entries(t.policies ?? {})),
        mappings: new Map((t.mappings ?? []).map((m) => [`${m.kind.toLowerCase()}:${m.name}`, m])),
        extents: (t.extents ?? []).map((id) => {
          const extent = this.byId.get(id);
          if (!extent) throw new Error(`table '${t.name}' lists extent ${id}, which was never written`);
          return extent;
        }),
      };
      tables.set(table.name, table);
    }
    this.metadata = record;
    this.tables = tables;
    // Extents no table lists any more are garbage: forget them.
    const kept = new Set<Extent>();
    for (const table of tables.values()) for (const extent of table.extents) kept.add(extent);
    for (const [id, extent] of this.byId) {
      if (!kept.has(extent)) {
        this.byId.delete(id);
        this.idOf.delete(extent);
      }
    }
  }

  /** The database replayed so far; undefined before any metadata record. */
  result(): Replayed | undefined {
    if (!this.metadata) return undefined;
    const ids = new Map<Extent, number>();
    for (const table of this.tables.values()) {
      for (const extent of table.extents) ids.set(extent, this.idOf.get(extent) as number);
    }
    return { metadata: this.metadata, tables: this.tables, ids, nextId: this.nextId };
  }
}
