/**
 * Kusto REST response bodies: the v1 table set (management commands, v1 queries), the v2 frame list
 * (v2 queries) and the error object, written as the official clients parse them.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { nowTicks } from './clock';
import type { KustoEmulatorError } from './errors';
import { writeExactJson } from './exactJson';
import type { ResultTable } from './kql';
import type { Column, KustoScalarType, Value } from './model';
import { dataTypeOf } from './typeNames';
import { toJson } from './values/valueWriters';
import { noVisualization } from './kql/render';

/** What identifies one request in its response: echoed in headers, error context and completion tables. */
export interface RequestIdentity {
  /** `x-ms-client-request-id` as the client sent it, or one the emulator made up. */
  clientRequestId: string;
  /** The emulator's id for this request (`x-ms-activity-id`). */
  activityId: string;
  /** Activity type as Kusto names it (`DN.FE.ExecuteQuery`, `DN.AdminCommand`, …). */
  activityType: string;
}

/** Result size limits of a query (Kusto's query result truncation). */
export interface ResultLimits {
  /** Most records over all result tables, or undefined for none (`notruncation`). */
  maxRecords?: number;
  /** Most bytes of row data over all result tables, or undefined for none. */
  maxBytes?: number;
}

/** Kusto's default limits: 500,000 records or 64 MB. */
export const DEFAULT_RESULT_LIMITS: Required<ResultLimits> = { maxRecords: 500_000, maxBytes: 64 * 1024 * 1024 };

// E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003) as the signed 32-bit status code Kusto reports.
const RESULT_SET_TOO_LARGE_CODE = 0x80da0003 - 0x1_0000_0000;

/** The JSON value a REST response carries for one value: v1 writes `dynamic` as JSON text, v2 as JSON. */
function cellJson(type: KustoScalarType, value: Value, version: 1 | 2): unknown {
  const json = toJson(type, value);
  if (version === 1 && type === 'dynamic' && json !== null && json !== undefined) {
    const out: string[] = [];
    writeExactJson(json, out);
    return out.join('');
  }
  return json;
}

interface WrittenRows {
  /** JSON text of each written row. */
  rows: string[];
  /** Set when a limit cut the table short: the message to report. */
  truncatedBy?: string;
}

/** Serializes rows one by one within the remaining limits; `budget` is updated in place. */
function writeRows(
  table: ResultTable,
  version: 1 | 2,
  budget: { records: number; bytes: number },
  limits: ResultLimits,
): WrittenRows {
  const rows: string[] = [];
  const types = table.columns.map((c) => c.type);
  for (const row of table.rows) {
    if (limits.maxRecords !== undefined && budget.records >= limits.maxRecords) {
      return { rows, truncatedBy: recordLimitMessage(limits.maxRecords) };
    }
    const out: string[] = ['['];
    for (let i = 0; i < types.length; i++) {
      if (i > 0) out.push(',');
      writeExactJson(cellJson(types[i], row[i] ?? null, version), out);
    }
    out.push(']');
    const text = out.join('');
    if (limits.maxBytes !== undefined && budget.bytes + text.length > limits.maxBytes) {
      return { rows, truncatedBy: sizeLimitMessage(limits.maxBytes) };
    }
    budget.records++;
    budget.bytes += text.length;
    rows.push(text);
  }
  return { rows };
}

function recordLimitMessage(limit: number): string {
  return `Query result set has exceeded the internal record count limit ${limit} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`;
}

function sizeLimitMessage(limit: number): string {
  return `Query result set has exceeded the internal data size limit ${limit} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`;
}

function columnsJson(columns: Column[], version: 1 | 2): string {
  const out: string[] = [];
  writeExactJson(
    columns.map((c) =>
      version === 1
        ? { ColumnName: c.name, DataType: dataTypeOf(c.type), ColumnType: c.type }
        : { ColumnName: c.name, ColumnType: c.type },
    ),
    out,
  );
  return out.join('');
}

function json(value: unknown): string {
  const out: string[] = [];
  writeExactJson(value, out);
  return out.join('');
}

/** A small table of the emulator's own (not a query's), as v1 or v2 JSON row text. */
function fixedTable(columns: Column[], rows: Value[][], version: 1 | 2): { columns: string; rows: string } {
  const written = writeRows({ name: '', columns, rows }, version, { records: 0, bytes: 0 }, {});
  return { columns: columnsJson(columns, version), rows: `[${written.rows.join(',')}]` };
}

/** The v1 body of a management command's result: one table, `Table_0`. */
export function managementResponse(table: ResultTable): string {
  const written = writeRows(table, 1, { records: 0, bytes: 0 }, {});
  return `{"Tables":[{"TableName":"Table_0","Columns":${columnsJson(table.columns, 1)},"Rows":[${written.rows.join(',')}]}]}`;
}

/** What an error object says: a {@link KustoEmulatorError} or a partial failure's details. */
export type ErrorDetails = Pick<KustoEmulatorError, 'message' | 'code' | 'kustoType' | 'permanent'> &
  Partial<Pick<KustoEmulatorError, 'inner'>>;

/**
 * A Kusto OneApi error object (`{"error":{…}}`) for `error`. An error with specific details (a KQL syntax or
 * semantic error) carries them as Kusto does, in `innererror`: `code` and `@errorCode` the specific code, `@type`
 * the specific exception type, `@errorMessage` the message without its prefix.
 */
export function errorObject(error: ErrorDetails, identity: RequestIdentity): Record<string, unknown> {
  const context = contextOf(identity);
  const body: Record<string, unknown> = {
    code: error.code,
    message: error.message,
    '@type': error.kustoType,
    '@message': error.message,
    '@context': context,
    '@permanent': error.permanent,
  };
  if (error.inner) {
    body.innererror = {
      code: error.inner.code,
      message: error.inner.message,
      '@type': error.kustoType,
      '@message': error.message,
      '@context': context,
      '@permanent': error.permanent,
      '@errorCode': error.inner.code,
      '@errorMessage': error.inner.message,
    };
  }
  return { error: body };
}

function contextOf(identity: RequestIdentity): Record<string, unknown> {
  return {
    timestamp: new Date().toISOString(),
    serviceAlias: 'KUSTO-EMULATOR',
    machineName: hostname(),
    processName: 'kusto-emulator',
    processId: process.pid,
    threadId: 0,
    clientRequestId: identity.clientRequestId,
    activityId: identity.activityId,
    subActivityId: identity.activityId,
    activityType: identity.activityType,
    parentActivityId: identity.activityId,
    activityStack: `(Activity stack: CRID=${identity.clientRequestId} ARID=${identity.activityId})`,
  };
}

/** The body of a failed request: Kusto's error object. */
export function errorResponse(error: ErrorDetails, identity: RequestIdentity): string {
  return json(errorObject(error, identity));
}

// The partial-failure error Kusto reports inside a 200 response when a limit cut the result.
function limitsExceededError(message: string, identity: RequestIdentity): Record<string, unknown> {
  return errorObject(
    {
      message: `Query execution has exceeded the allowed limits (80DA0003): ${message}.`,
      code: 'LimitsExceeded',
      kustoType: 'Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException',
      permanent: true,
    },
    identity,
  );
}

// Without `render`, Kusto still reports the first result's Visualization, every property at its default.
const VISUALIZATION = JSON.stringify(noVisualization());

const COMPLETION_COLUMNS: Column[] = [
  { name: 'Timestamp', type: 'datetime' },
  { name: 'ClientRequestId', type: 'string' },
  { name: 'ActivityId', type: 'guid' },
  { name: 'SubActivityId', type: 'guid' },
  { name: 'ParentActivityId', type: 'guid' },
  { name: 'Level', type: 'int' },
  { name: 'LevelName', type: 'string' },
  { name: 'StatusCode', type: 'int' },
  { name: 'StatusCodeName', type: 'string' },
  { name: 'EventType', type: 'int' },
  { name: 'EventTypeName', type: 'string' },
  { name: 'Payload', type: 'string' },
];

/** Facts about a query run that its completion information reports. */
export interface QueryRun {
  /** Result tables as the engine produced them. */
  results: ResultTable[];
  /** Limits to apply. */
  limits: ResultLimits;
  /** Execution time in milliseconds. */
  elapsedMs: number;
}

/** The v2 body of a query: DataSetHeader, @ExtendedProperties, results, QueryCompletionInformation, DataSetCompletion. */
export function queryResponseV2(run: QueryRun, identity: RequestIdentity): string {
  const frames: string[] = [];
  frames.push('{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}');
  const props = fixedTable(
    [
      { name: 'TableId', type: 'int' },
      { name: 'Key', type: 'string' },
      { name: 'Value', type: 'dynamic' },
    ],
    [],
    2,
  );
  // Kusto writes the visualization properties as JSON text even in v2, one row per result table that has a chart.
  const charts = run.results.flatMap((table, index) =>
    table.visualization
      ? [`[${index + 1},"Visualization",${JSON.stringify(JSON.stringify(table.visualization))}]`]
      : [],
  );
  if (charts.length === 0) charts.push(`[1,"Visualization",${JSON.stringify(VISUALIZATION)}]`);
  frames.push(
    `{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":${props.columns},"Rows":[${charts.join(',')}]}`,
  );
  const budget = { records: 0, bytes: 0 };
  const statistics: { table_row_count: number; table_size: number }[] = [];
  let truncatedBy: string | undefined;
  let tableId = 1;
  for (const table of run.results) {
    const bytesBefore = budget.bytes;
    const written = truncatedBy ? { rows: [] as string[], truncatedBy } : writeRows(table, 2, budget, run.limits);
    statistics.push({ table_row_count: written.rows.length, table_size: budget.bytes - bytesBefore });
    const rows = [...written.rows];
    if (written.truncatedBy && !truncatedBy) {
      truncatedBy = written.truncatedBy;
      // Kusto's in-data error: an object in place of a row tells the client the table was cut short.
      rows.push(json({ OneApiErrors: [limitsExceededError(truncatedBy, identity)] }));
    }
    frames.push(
      `{"FrameType":"DataTable","TableId":${tableId++},"TableKind":"PrimaryResult","TableName":${JSON.stringify(table.name)},"Columns":${columnsJson(table.columns, 2)},"Rows":[${rows.join(',')}]}`,
    );
  }
  const now = nowTicks();
  const completionRows: Value[][] = [
    completionRow(now, identity, 4, 'Info', 0, 'S_OK (0)', 4, 'QueryInfo', {
      Count: 1,
      Text: 'Query completed successfully',
    }),
    completionRow(now, identity, 4, 'Info', 0, 'S_OK (0)', 5, 'WorkloadGroup', { Count: 1, Text: 'default' }),
    completionRow(now, identity, 4, 'Info', 0, 'S_OK (0)', 6, 'EffectiveRequestOptions', {
      Count: 1,
      Text: JSON.stringify({
        DataScope: 'All',
        QueryConsistency: 'strongconsistency',
        MaxMemoryConsumptionPerIterator: 5368709120,
        MaxMemoryConsumptionPerQueryPerNode: 8589672448,
        QueryFanoutNodesPercent: 100,
        QueryFanoutThreadsPercent: 100,
      }),
    }),
    completionRow(now, identity, 4, 'Info', 0, 'S_OK (0)', 0, 'QueryResourceConsumption', {
      ExecutionTime: run.elapsedMs / 1000,
      dataset_statistics: statistics,
    }),
  ];
  if (truncatedBy) {
    completionRows.push(
      completionRow(
        now,
        identity,
        2,
        'Error',
        RESULT_SET_TOO_LARGE_CODE,
        'E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003)',
        4,
        'QueryInfo',
        {
          Count: 1,
          Text: truncatedBy,
        },
      ),
    );
  }
  const completion = fixedTable(COMPLETION_COLUMNS, completionRows, 2);
  frames.push(
    `{"FrameType":"DataTable","TableId":${tableId},"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":${completion.columns},"Rows":${completion.rows}}`,
  );
  frames.push(
    truncatedBy
      ? `{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,"OneApiErrors":[${json(limitsExceededError(truncatedBy, identity))}]}`
      : '{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}',
  );
  return `[${frames.join(',')}]`;
}

function completionRow(
  now: bigint,
  identity: RequestIdentity,
  level: number,
  levelName: string,
  statusCode: number,
  statusCodeName: string,
  eventType: number,
  eventTypeName: string,
  payload: unknown,
): Value[] {
  return [
    now,
    identity.clientRequestId,
    identity.activityId,
    identity.activityId,
    identity.activityId,
    level,
    levelName,
    statusCode,
    statusCodeName,
    eventType,
    eventTypeName,
    JSON.stringify(payload),
  ];
}

/** The v1 body of a query: results as Table_0…, then @ExtendedProperties, QueryStatus and the TableOfContents. */
export function queryResponseV1(run: QueryRun, identity: RequestIdentity): string {
  const tables: string[] = [];
  const toc: Value[][] = [];
  const budget = { records: 0, bytes: 0 };
  let truncatedBy: string | undefined;
  for (const table of run.results) {
    const written = truncatedBy ? { rows: [] as string[], truncatedBy } : writeRows(table, 1, budget, run.limits);
    truncatedBy ??= written.truncatedBy;
    toc.push([BigInt(tables.length), 'QueryResult', table.name, randomUUID(), '']);
    tables.push(
      `{"TableName":"Table_${tables.length}","Columns":${columnsJson(table.columns, 1)},"Rows":[${written.rows.join(',')}]}`,
    );
  }
  // v1 carries one Visualization: the first charted result's.
  const chart = run.results.find((table) => table.visualization)?.visualization;
  const props = fixedTable([{ name: 'Value', type: 'string' }], [[chart ? JSON.stringify(chart) : VISUALIZATION]], 1);
  toc.push([BigInt(tables.length), 'QueryProperties', '@ExtendedProperties', randomUUID(), '']);
  tables.push(`{"TableName":"Table_${tables.length}","Columns":${props.columns},"Rows":${props.rows}}`);
  const statusColumns: Column[] = [
    { name: 'Timestamp', type: 'datetime' },
    { name: 'Severity', type: 'int' },
    { name: 'SeverityName', type: 'string' },
    { name: 'StatusCode', type: 'int' },
    { name: 'StatusDescription', type: 'string' },
    { name: 'Count', type: 'int' },
    { name: 'RequestId', type: 'guid' },
    { name: 'ActivityId', type: 'guid' },
    { name: 'SubActivityId', type: 'guid' },
    { name: 'ClientActivityId', type: 'string' },
  ];
  const now = nowTicks();
  const statusRows: Value[][] = [
    [
      now,
      4,
      'Info',
      0,
      'Query completed successfully',
      1,
      identity.activityId,
      identity.activityId,
      identity.activityId,
      identity.clientRequestId,
    ],
  ];
  if (truncatedBy) {
    statusRows.push([
      now,
      2,
      'Error',
      RESULT_SET_TOO_LARGE_CODE,
      truncatedBy,
      1,
      identity.activityId,
      identity.activityId,
      identity.activityId,
      identity.clientRequestId,
    ]);
  }
  const status = fixedTable(statusColumns, statusRows, 1);
  toc.push([BigInt(tables.length), 'QueryStatus', 'QueryStatus', randomUUID(), '']);
  tables.push(`{"TableName":"Table_${tables.length}","Columns":${status.columns},"Rows":${status.rows}}`);
  const tocTable = fixedTable(
    [
      { name: 'Ordinal', type: 'long' },
      { name: 'Kind', type: 'string' },
      { name: 'Name', type: 'string' },
      { name: 'Id', type: 'string' },
      { name: 'PrettyName', type: 'string' },
    ],
    toc,
    1,
  );
  tables.push(`{"TableName":"Table_${tables.length}","Columns":${tocTable.columns},"Rows":${tocTable.rows}}`);
  return `{"Tables":[${tables.join(',')}]}`;
}

/** A new activity id for a request. */
export function newActivityId(): string {
  return randomUUID();
}
