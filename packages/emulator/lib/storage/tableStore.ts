/**
 * The data management service's Azure Tables (the ingestion status table), in memory: insert, get, merge,
 * update and delete of one entity, in the OData JSON @azure/data-tables sends and parses, with ETags and
 * the conflict and precondition failures the SDK (and azure-kusto-ingest's retry loop) rely on.
 */
import { notImplemented, StorageError, type StorageRequest, type StorageResponse, headerOf } from './storageProtocol';

/** An entity's properties as OData JSON: values and their `Name@odata.type` annotations. */
export type EntityProperties = Record<string, unknown>;

/** A stored entity. */
export interface StoredEntity {
  /** Partition key. */
  partitionKey: string;
  /** Row key. */
  rowKey: string;
  /** Properties other than the keys and Timestamp, with their type annotations. */
  properties: EntityProperties;
  /** Last modification. */
  timestamp: Date;
  /** ETag (weak, datetime-based as Azure Tables writes it). */
  etag: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8' };

// Properties the service owns: never taken from a request body.
const SYSTEM_PROPERTIES = new Set(['PartitionKey', 'RowKey', 'Timestamp']);

function isoOf(entity: StoredEntity): string {
  return /datetime'([^']+)'/.exec(entity.etag)?.[1]?.replace(/%3A/g, ':') ?? entity.timestamp.toISOString();
}

/** The property (non-annotation, non-system) names and values of an OData JSON body. */
function bodyProperties(body: Buffer): EntityProperties {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new StorageError(400, 'InvalidInput', 'The request body is not valid JSON.');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new StorageError(400, 'InvalidInput', 'The request body must be a JSON object of entity properties.');
  }
  return json as EntityProperties;
}

/** Merges `source`'s properties into `target`, a property and its type annotation together. */
function mergeProperties(target: EntityProperties, source: EntityProperties): void {
  for (const [name, value] of Object.entries(source)) {
    if (name.startsWith('odata.') || name.includes('@')) continue;
    if (SYSTEM_PROPERTIES.has(name)) continue;
    target[name] = value;
    const annotation = source[`${name}@odata.type`];
    if (annotation === undefined) delete target[`${name}@odata.type`];
    else target[`${name}@odata.type`] = annotation;
  }
}

/** Reads `(PartitionKey='…',RowKey='…')` with OData's doubled quotes. */
function readKeys(text: string): { partitionKey: string; rowKey: string } | undefined {
  const match = /^\(PartitionKey='((?:[^']|'')*)',RowKey='((?:[^']|'')*)'\)$/.exec(text);
  if (!match) return undefined;
  return { partitionKey: match[1].replace(/''/g, "'"), rowKey: match[2].replace(/''/g, "'") };
}

/** Azure Tables by name (case-insensitive), each with its entities. */
export class TableStore {
  private readonly tables = new Map<string, Map<string, StoredEntity>>();
  // Per store, like the rest of its state: two emulators in one process share nothing.
  private lastTicks = 0n;

  constructor(tableNames: readonly string[]) {
    for (const name of tableNames) this.tables.set(name.toLowerCase(), new Map());
  }

  /** Whether `table` is one of its tables. */
  has(table: string): boolean {
    return this.tables.has(table.toLowerCase());
  }

  /** The entity, or undefined. */
  get(table: string, partitionKey: string, rowKey: string): StoredEntity | undefined {
    return this.require(table).get(key(partitionKey, rowKey));
  }

  /** Inserts or merges an entity (as Insert Or Merge does) and returns it. */
  upsertMerge(table: string, partitionKey: string, rowKey: string, properties: EntityProperties): StoredEntity {
    const entities = this.require(table);
    const current = entities.get(key(partitionKey, rowKey));
    const merged: EntityProperties = { ...current?.properties };
    mergeProperties(merged, properties);
    return this.store(entities, partitionKey, rowKey, merged);
  }

  /** Serves one request on `table`; `rest` is what follows the table name (`(PartitionKey=…,RowKey=…)` or ``). */
  serve(table: string, rest: string, request: StorageRequest, metadataBase: string): StorageResponse {
    const entities = this.require(table);
    const { method } = request;
    if (rest === '' && method === 'POST') return this.insert(table, entities, request, metadataBase);
    const keys = readKeys(rest);
    if (!keys) throw notImplemented('table', `${method} /${table}${rest} (queries and table operations)`);
    const id = key(keys.partitionKey, keys.rowKey);
    const current = entities.get(id);
    if (method === 'GET') {
      if (!current) throw resourceNotFound();
      return {
        status: 200,
        headers: { ...JSON_HEADERS, ETag: current.etag },
        body: this.json(table, current, metadataBase),
      };
    }
    const ifMatch = headerOf(request.req, 'if-match');
    if (ifMatch !== undefined) {
      if (!current) throw resourceNotFound();
      if (ifMatch !== '*' && ifMatch !== current.etag) {
        throw new StorageError(
          412,
          'UpdateConditionNotSatisfied',
          'The update condition specified in the request was not satisfied.',
        );
      }
    }
    if (method === 'DELETE') {
      if (ifMatch === undefined)
        throw new StorageError(400, 'MissingRequiredHeader', 'Delete Entity needs an If-Match header.');
      entities.delete(id);
      return { status: 204 };
    }
    if (method === 'PATCH' || method === 'MERGE' || method === 'PUT') {
      const properties: EntityProperties = method === 'PUT' ? {} : { ...current?.properties };
      mergeProperties(properties, bodyProperties(request.body));
      const stored = this.store(entities, keys.partitionKey, keys.rowKey, properties);
      return { status: 204, headers: { ETag: stored.etag } };
    }
    throw notImplemented('table', `${method} on an entity`);
  }

  /** A modification time with 100 ns resolution, strictly increasing so every ETag differs. */
  private nextTimestamp(): { date: Date; iso: string } {
    let ticks = BigInt(Date.now()) * 10_000n;
    if (ticks <= this.lastTicks) ticks = this.lastTicks + 1n;
    this.lastTicks = ticks;
    const date = new Date(Number(ticks / 10_000n));
    const iso = `${date.toISOString().slice(0, 19)}.${(ticks % 10_000_000n).toString().padStart(7, '0')}Z`;
    return { date, iso };
  }

  private insert(
    table: string,
    entities: Map<string, StoredEntity>,
    request: StorageRequest,
    metadataBase: string,
  ): StorageResponse {
    const body = bodyProperties(request.body);
    const { PartitionKey: partitionKey, RowKey: rowKey } = body;
    if (typeof partitionKey !== 'string' || typeof rowKey !== 'string') {
      throw new StorageError(400, 'PropertiesNeedValue', 'The entity needs string PartitionKey and RowKey properties.');
    }
    if (entities.has(key(partitionKey, rowKey))) {
      throw new StorageError(409, 'EntityAlreadyExists', 'The specified entity already exists.');
    }
    const properties: EntityProperties = {};
    mergeProperties(properties, body);
    const stored = this.store(entities, partitionKey, rowKey, properties);
    if (headerOf(request.req, 'prefer')?.toLowerCase() === 'return-no-content') {
      return { status: 204, headers: { ETag: stored.etag, 'Preference-Applied': 'return-no-content' } };
    }
    return {
      status: 201,
      headers: { ...JSON_HEADERS, ETag: stored.etag },
      body: this.json(table, stored, metadataBase),
    };
  }

  private store(
    entities: Map<string, StoredEntity>,
    partitionKey: string,
    rowKey: string,
    properties: EntityProperties,
  ): StoredEntity {
    const { date, iso } = this.nextTimestamp();
    const entity: StoredEntity = {
      partitionKey,
      rowKey,
      properties,
      timestamp: date,
      etag: `W/"datetime'${iso.replace(/:/g, '%3A')}'"`,
    };
    entities.set(key(partitionKey, rowKey), entity);
    return entity;
  }

  private json(table: string, entity: StoredEntity, metadataBase: string): string {
    return JSON.stringify({
      'odata.metadata': `${metadataBase}/$metadata#${table}/@Element`,
      'odata.etag': entity.etag,
      PartitionKey: entity.partitionKey,
      RowKey: entity.rowKey,
      'Timestamp@odata.type': 'Edm.DateTime',
      Timestamp: isoOf(entity),
      ...entity.properties,
    });
  }

  private require(table: string): Map<string, StoredEntity> {
    const entities = this.tables.get(table.toLowerCase());
    if (!entities) throw new StorageError(404, 'TableNotFound', `The table '${table}' does not exist.`);
    return entities;
  }
}

function key(partitionKey: string, rowKey: string): string {
  return `${partitionKey}\u0000${rowKey}`;
}

function resourceNotFound(): StorageError {
  return new StorageError(404, 'ResourceNotFound', 'The specified resource does not exist.');
}
