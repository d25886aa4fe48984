/**
 * Spec fixture for queued ingestion: an emulator with a query client and a QueuedIngestClient pointed at it,
 * and a way to read an ingestion's status through the client's own polling API.
 */
import { TableClient } from '@azure/data-tables';
import { Client } from 'azure-kusto-data';
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import type { TableReportIngestionResult } from 'azure-kusto-ingest/types/src/ingestionResult';
import { type EmulatorOptions, type KustoEmulator, type RequestInfo, startEmulator } from '../../lib';
import { kustoIngest } from './emulatorFixture';

/** What a queued ingestion spec uses. */
export interface QueuedFixture {
  emulator: KustoEmulator;
  /** azure-kusto-data client for queries and commands. */
  client: Client;
  /** azure-kusto-ingest's queued client (QueuedIngestClient, exported as IngestClient). */
  queued: KustoIngest.IngestClient;
  /** Every request the emulator answered. */
  requests: RequestInfo[];
}

/** Registers hooks starting an emulator with database `db` before the suite and closing it after. */
export function useQueuedEmulator(options: EmulatorOptions = {}): QueuedFixture {
  const fixture = { requests: [] as RequestInfo[] } as QueuedFixture;
  before(async () => {
    fixture.emulator = await startEmulator({
      databases: ['db'],
      ...options,
      onRequest: (info) => fixture.requests.push(info),
    });
    fixture.client = new Client(fixture.emulator.connectionString('db'));
    fixture.queued = new kustoIngest.IngestClient(fixture.emulator.connectionString('db'));
  });
  after(async () => {
    fixture.client?.close();
    fixture.queued?.close();
    await fixture.emulator?.close();
  });
  return fixture;
}

/** An ingestion status entity as @azure/data-tables returns it. */
export type StatusEntity = Record<string, unknown> & { Status: string };

/**
 * Polls an ingestion's status with the client's API (`getIngestionStatusCollection`) until it leaves Pending,
 * a bounded number of times.
 *
 * azure-kusto-ingest builds its status TableClient without `allowInsecureConnection`, and @azure/data-tables
 * (through core-rest-pipeline) refuses any http:// URL without it, so against an http endpoint the result's
 * own client cannot connect. The result is given a TableClient on the same URL and table that allows http.
 */
export async function statusOf(result: KustoIngest.IngestionResult): Promise<StatusEntity> {
  const tableResult = result as unknown as TableReportIngestionResult;
  if (!tableResult.tableClient) throw new Error('The ingestion does not report to a status table.');
  const own = tableResult.tableClient;
  tableResult.tableClient = new TableClient(own.url, own.tableName, { allowInsecureConnection: true });
  let status: StatusEntity | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    status = (await result.getIngestionStatusCollection()) as unknown as StatusEntity;
    if (status.Status !== 'Pending') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The ingestion status stayed Pending: ${JSON.stringify(status)}`);
}

/** Waits (bounded) until `condition` holds. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting until ${what}.`);
}

/** A status queue of azure-kusto-ingest's IngestStatusQueues. */
export type StatusQueue = KustoIngest.IngestStatusQueues['failure'];

/** Pops what a status queue holds (its pop takes one message per call for a single queue), a bounded number. */
export async function emptied(queue: StatusQueue): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await queue.isEmpty()) return;
    await queue.pop(1);
  }
  throw new Error('The status queue did not empty.');
}
