/**
 * Ingests the blob one ingestion message names into its table, as the data management service would: reads
 * the blob from the emulator's TempStorage (gunzipping `.gz` blobs), applies the message's ingestion
 * properties (format, mapping, tags, ingestIfNotExists, ignoreFirstRecord) and appends one extent, all or
 * nothing. The outcome carries what the status entity and status queues report.
 */
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { Catalog } from '../catalog';
import { nowTicks } from '../clock';
import { KustoEmulatorError } from '../errors';
import { parseFormat, mappingKindOf, type IngestFormat } from '../ingest/formats';
import { ingestData, resolveMapping } from '../ingest/ingestData';
import { parseMappingEntries, parseMappingKind } from '../ingest/mapping';
import type { IngestionMappingEntry, Table } from '../model';
import { additionalProperty, type IngestionMessage } from './ingestionMessage';
import { PRINCIPAL_MARK } from '../commands/dataManagementCommands';
import { authorize } from '../identity/principals';
import { principalCaller } from '../identity/tokens';
import type { StoredBlob } from '../storage/blobStore';

const gunzip = promisify(zlib.gunzip);

/** Largest decompressed blob ingested (the data is held in memory). */
const MAX_DATA_BYTES = 512 * 1024 * 1024;

/** How one ingestion ended, in the status table's vocabulary. */
export interface IngestionOutcome {
  /** `Succeeded`, `Failed`, or `Skipped` (ingestIfNotExists found the tag). The emulator is all-or-nothing per blob: never `PartiallySucceeded`. */
  status: 'Succeeded' | 'Failed' | 'Skipped';
  /** Kusto's ingestion error code (`Unknown` on success), as in the docs' ingestion error codes. */
  errorCode: string;
  /** `Permanent` or `Transient` for failures, `Unknown` otherwise (IngestionFailureStatus). */
  failureStatus: 'Unknown' | 'Permanent' | 'Transient';
  /** What happened, for people. */
  details: string;
  /** Rows appended. */
  rowCount: number;
}

/** Where a blob URL points in the emulator's storage: a stored blob, a missing one, or somewhere else. */
export type BlobLookup = { kind: 'found'; blob: StoredBlob } | { kind: 'missing' } | { kind: 'foreign' };

/** A failure with its ingestion error code. */
class IngestionFailure extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly permanent = true,
  ) {
    super(message);
  }
}

/** The blob URL without its SAS, as the status reports it. */
export function withoutSas(url: string): string {
  return url.split(/[?;]/)[0];
}

/** A property holding a list of strings: a JSON array, or its JSON text (azure-kusto-ingest sends text). */
function stringList(message: IngestionMessage, name: string): string[] {
  const value = additionalProperty(message, name);
  if (value === undefined || value === null || value === '') return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      list = undefined;
    }
  }
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) {
    throw new IngestionFailure(
      'BadRequest_MalformedIngestionProperty',
      `Ingestion property '${name}' must be a JSON array of strings, such as '["a","b"]', not ${JSON.stringify(value)}.`,
    );
  }
  return list as string[];
}

function booleanProperty(message: IngestionMessage, name: string): boolean {
  const value = additionalProperty(message, name);
  if (value === undefined || value === null) return false;
  if (value === true || value === false) return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new IngestionFailure(
    'BadRequest_MalformedIngestionProperty',
    `Ingestion property '${name}' must be true or false, not ${JSON.stringify(value)}.`,
  );
}

function optionalString(message: IngestionMessage, name: string): string | undefined {
  const value = additionalProperty(message, name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new IngestionFailure(
      'BadRequest_MalformedIngestionProperty',
      `Ingestion property '${name}' must be a string, not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** Runs a step whose emulator errors become failures with their own code (or `fallbackCode`). */
function step<T>(fallbackCode: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof KustoEmulatorError) {
      throw new IngestionFailure(error.code === 'General_BadRequest' ? fallbackCode : error.code, error.message);
    }
    throw error;
  }
}

function mappingOf(
  message: IngestionMessage,
  table: Table,
  format: IngestFormat,
): { name: string; entries: IngestionMappingEntry[] } | undefined {
  const reference = optionalString(message, 'ingestionMappingReference');
  const inline = optionalString(message, 'ingestionMapping');
  if (reference && inline) {
    throw new IngestionFailure(
      'BadRequest_DuplicateMapping',
      'The ingestion properties give both ingestionMapping and ingestionMappingReference; give one.',
    );
  }
  const kind = mappingKindOf(format);
  const declared = optionalString(message, 'ingestionMappingType');
  if (declared !== undefined) {
    const declaredKind = step('BadRequest_InvalidMapping', () => parseMappingKind(declared));
    if (declaredKind !== kind) {
      throw new IngestionFailure(
        'BadRequest_InconsistentMapping',
        `ingestionMappingType '${declared}' does not fit format '${format}', which takes ${kind} mappings.`,
      );
    }
  }
  if (reference) return step('BadRequest_MappingReferenceWasNotFound', () => resolveMapping(table, format, reference));
  if (inline) {
    return {
      name: '(inline)',
      entries: step('BadRequest_InvalidMapping', () => parseMappingEntries(kind, '(inline)', inline)),
    };
  }
  return undefined;
}

/** Whether an extent of the table carries one of the `ingest-by:` tags ingestIfNotExists names. */
function alreadyIngested(table: Table, ingestIfNotExists: string[]): string | undefined {
  const wanted = new Set(ingestIfNotExists.map((v) => `ingest-by:${v}`));
  for (const extent of table.extents) {
    const tag = extent.tags.find((t) => wanted.has(t));
    if (tag) return tag;
  }
  return undefined;
}

async function blobData(message: IngestionMessage, lookup: BlobLookup): Promise<string> {
  const where = withoutSas(message.blobPath);
  if (lookup.kind === 'foreign') {
    throw new IngestionFailure(
      'BadRequest_NotSupported',
      `The emulator ingests only blobs in its own TempStorage container (from .get ingestion resources); ${where} is elsewhere.`,
    );
  }
  if (lookup.kind === 'missing') throw new IngestionFailure('Download_SourceNotFound', `Blob ${where} does not exist.`);
  let data = lookup.blob.data;
  if (data.length === 0) throw new IngestionFailure('BadRequest_EmptyBlob', `Blob ${where} is empty.`);
  const name = where.toLowerCase();
  if (name.endsWith('.zip')) {
    throw new IngestionFailure(
      'BadRequest_NotSupported',
      `Blob ${where} is a zip archive, which the emulator does not read; send it uncompressed or gzip-compressed (.gz).`,
    );
  }
  if (name.endsWith('.gz')) {
    try {
      data = await gunzip(data, { maxOutputLength: MAX_DATA_BYTES });
    } catch (error) {
      throw new IngestionFailure(
        'BadRequest_InvalidArchive',
        `Blob ${where} is named .gz but is not valid gzip data: ${(error as Error).message}.`,
      );
    }
  }
  return data.toString('utf8');
}

/** Ingests the message's blob; never throws for anything the message or data got wrong. */
export async function ingestBlob(
  catalog: Catalog,
  message: IngestionMessage,
  lookup: BlobLookup,
  authorizationContext: string,
): Promise<IngestionOutcome> {
  try {
    const token = additionalProperty(message, 'authorizationContext');
    const principalPrefix = `${authorizationContext}${PRINCIPAL_MARK}`;
    const principal =
      typeof token === 'string' && token.startsWith(principalPrefix) ? token.slice(principalPrefix.length) : undefined;
    if (token !== undefined && token !== null && token !== authorizationContext && principal === undefined) {
      throw new IngestionFailure(
        'BadRequest_InvalidKustoIdentityToken',
        "The message's authorizationContext is not the token `.get kusto identity token` hands out.",
      );
    }
    if (principal !== undefined) {
      // Handed to a principal (the emulator checks identities): it needs ingestors or admins on the database.
      try {
        authorize(catalog, principalCaller(principal), message.databaseName, 'ingest', 'ingest (queued)');
      } catch (error) {
        throw new IngestionFailure('Forbidden', (error as Error).message);
      }
    }
    const database = catalog.get(message.databaseName);
    if (!database)
      throw new IngestionFailure('BadRequest_DatabaseNotExist', `Database '${message.databaseName}' does not exist.`);
    const table = database.tables.get(message.tableName);
    if (!table) {
      throw new IngestionFailure(
        'BadRequest_TableNotExist',
        `Table '${message.tableName}' does not exist in database '${database.name}'.`,
      );
    }
    const format = step('BadRequest_FormatNotSupported', () => parseFormat(optionalString(message, 'format') ?? 'csv'));
    const mapping = mappingOf(message, table, format);
    const tags = stringList(message, 'tags');
    const ignoreFirstRecord = booleanProperty(message, 'ignoreFirstRecord');
    const existing = alreadyIngested(table, stringList(message, 'ingestIfNotExists'));
    if (existing) {
      return {
        status: 'Skipped',
        errorCode: 'Skipped_IngestByTagAlreadyExists',
        failureStatus: 'Unknown',
        details: `Table '${table.name}' already has an extent tagged '${existing}' (ingestIfNotExists): nothing was ingested.`,
        rowCount: 0,
      };
    }
    const data = await blobData(message, lookup);
    // The table may have been dropped or altered while the blob was read: look it up again.
    if (database.tables.get(message.tableName) !== table) {
      throw new IngestionFailure(
        'General_TransientSchemaMismatch',
        `Table '${message.tableName}' changed while its data was read.`,
        false,
      );
    }
    const extent = step('BadRequest_InvalidBlob', () =>
      ingestData({
        table,
        data,
        format,
        mapping,
        ignoreFirstRecord,
        sourceLocation: withoutSas(message.blobPath),
        now: nowTicks(),
        tags,
      }),
    );
    if (!extent) {
      throw new IngestionFailure(
        'BadRequest_NoRecordsOrWrongFormat',
        `Blob ${withoutSas(message.blobPath)} has no records to ingest in format '${format}'.`,
      );
    }
    catalog.markChanged(database);
    // Reported as ingested only once durable (a failed write lands in the catch below as a transient failure).
    await catalog.commit();
    return {
      status: 'Succeeded',
      errorCode: 'Unknown',
      failureStatus: 'Unknown',
      details: '',
      rowCount: extent.rows.length,
    };
  } catch (error) {
    if (error instanceof IngestionFailure) {
      return {
        status: 'Failed',
        errorCode: error.errorCode,
        failureStatus: error.permanent ? 'Permanent' : 'Transient',
        details: error.message,
        rowCount: 0,
      };
    }
    return {
      status: 'Failed',
      errorCode: 'General_InternalServerError',
      failureStatus: 'Transient',
      details: `The emulator failed while ingesting: ${error instanceof Error ? error.message : String(error)}`,
      rowCount: 0,
    };
  }
}
