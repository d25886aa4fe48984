/**
 * The ingestion message a queued ingestion client posts to the SecuredReadyForAggregation queue: base64 JSON
 * naming the blob, the target table, how to report the outcome, and the ingestion properties
 * (azure-kusto-ingest's IngestionBlobInfo).
 */

/** Which outcomes are reported. */
export type ReportLevel = 'FailuresOnly' | 'DoNotReport' | 'FailuresAndSuccesses';

/** Where outcomes are reported. */
export type ReportMethod = 'Queue' | 'Table' | 'QueueAndTable';

/** Where the status entity of an ingestion lives (IngestionStatusInTable). */
export interface StatusInTable {
  /** The status table's URL as the client gave it (azure-kusto-ingest sends the account URL with its SAS). */
  tableConnectionString: string;
  /** Partition key of the status entity. */
  partitionKey: string;
  /** Row key of the status entity. */
  rowKey: string;
}

/** An ingestion message, read and checked. */
export interface IngestionMessage {
  /** The ingestion's id (also the status entity's keys, for azure-kusto-ingest). */
  id: string;
  /** URL of the blob to ingest, with its SAS. */
  blobPath: string;
  /** Target database. */
  databaseName: string;
  /** Target table. */
  tableName: string;
  /** Keep the blob after a successful ingestion. */
  retainBlobOnSuccess: boolean;
  /** Skip batching: ingest as soon as possible. */
  flushImmediately: boolean;
  /** Which outcomes are reported. */
  reportLevel: ReportLevel;
  /** Where outcomes are reported. */
  reportMethod: ReportMethod;
  /** Ingestion properties (`format`, `ingestionMappingReference`, `tags`, `ingestIfNotExists`, …). */
  additionalProperties: Record<string, unknown>;
  /** The status entity to update, when reporting to a table. */
  statusInTable?: StatusInTable;
}

/** A message that cannot be read: what is wrong with it, and its id when one could be read. */
export class CorruptedMessageError extends Error {
  constructor(
    message: string,
    /** The fields that could be read (for reporting the failure). */
    readonly partial: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CorruptedMessageError';
  }
}

const REPORT_LEVELS: readonly ReportLevel[] = ['FailuresOnly', 'DoNotReport', 'FailuresAndSuccesses'];
const REPORT_METHODS: readonly ReportMethod[] = ['Queue', 'Table', 'QueueAndTable'];

/** A field of a JSON object by name, case-insensitively (clients differ in casing). */
function field(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

function enumField<T extends string>(
  object: Record<string, unknown>,
  name: string,
  values: readonly T[],
  fallback: T,
  partial: Record<string, unknown>,
): T {
  const value = field(object, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < values.length) return values[value];
  const found = typeof value === 'string' ? values.find((v) => v.toLowerCase() === value.toLowerCase()) : undefined;
  if (found) return found;
  throw new CorruptedMessageError(
    `${name} is ${JSON.stringify(value)}; expected one of ${values.map((v, i) => `${i} (${v})`).join(', ')}.`,
    partial,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a queue message's text (base64 JSON, or plain JSON); throws {@link CorruptedMessageError}. */
export function readIngestionMessage(text: string): IngestionMessage {
  const trimmed = text.trim();
  const json = trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new CorruptedMessageError('The message is neither JSON nor base64-encoded JSON.');
  }
  if (!isObject(parsed)) throw new CorruptedMessageError('The message is not a JSON object.');
  const message = parsed;
  const string = (name: string, required: boolean): string | undefined => {
    const value = field(message, name);
    if (value === undefined || value === null || value === '') {
      if (required) throw new CorruptedMessageError(`The message has no ${name}.`, message);
      return undefined;
    }
    if (typeof value !== 'string') {
      throw new CorruptedMessageError(`${name} is ${JSON.stringify(value)}; expected a string.`, message);
    }
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = field(message, name);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new CorruptedMessageError(`${name} is ${JSON.stringify(value)}; expected true or false.`, message);
  };
  const additional = field(message, 'AdditionalProperties') ?? {};
  if (!isObject(additional)) throw new CorruptedMessageError('AdditionalProperties is not a JSON object.', message);
  let statusInTable: StatusInTable | undefined;
  const status = field(message, 'IngestionStatusInTable');
  if (isObject(status)) {
    const part = (name: string): string => {
      const value = field(status, name);
      if (typeof value !== 'string' || value === '') {
        throw new CorruptedMessageError(`IngestionStatusInTable has no ${name}.`, message);
      }
      return value;
    };
    statusInTable = {
      tableConnectionString: part('TableConnectionString'),
      partitionKey: part('PartitionKey'),
      rowKey: part('RowKey'),
    };
  } else if (status !== undefined && status !== null) {
    throw new CorruptedMessageError('IngestionStatusInTable is not a JSON object.', message);
  }
  return {
    id: string('Id', true) as string,
    blobPath: string('BlobPath', true) as string,
    databaseName: string('DatabaseName', true) as string,
    tableName: string('TableName', true) as string,
    retainBlobOnSuccess: flag('RetainBlobOnSuccess', true),
    flushImmediately: flag('FlushImmediately', false),
    reportLevel: enumField(message, 'ReportLevel', REPORT_LEVELS, 'FailuresOnly', message),
    reportMethod: enumField(message, 'ReportMethod', REPORT_METHODS, 'Queue', message),
    additionalProperties: additional,
    statusInTable,
  };
}

/** A field of the message's AdditionalProperties by name, case-insensitively. */
export function additionalProperty(message: IngestionMessage, name: string): unknown {
  return field(message.additionalProperties, name);
}
