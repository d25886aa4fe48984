/**
 * Spec fixture: an emulator on a free port with the official clients pointed at it.
 */
import { Client, ClientRequestProperties } from 'azure-kusto-data';
// The package declares its types only under `exports`, which this project's node10 module resolution does not read.
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import { Readable } from 'node:stream';
import { type EmulatorOptions, type KustoEmulator, type RequestInfo, startEmulator } from '../../lib';

/** azure-kusto-ingest, loaded at run time and typed from its declarations. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const kustoIngest = require('azure-kusto-ingest') as typeof KustoIngest;

/** What a spec uses: the emulator, a query/command client, a streaming ingestion client, the requests seen. */
export interface EmulatorFixture {
  emulator: KustoEmulator;
  client: Client;
  ingest: KustoIngest.StreamingIngestClient;
  requests: RequestInfo[];
}

/**
 * Registers mocha hooks starting an emulator (with database `db` unless told otherwise) before the suite's
 * specs and closing it after; returns the fixture, filled in once `before` has run.
 */
export function useEmulator(options: EmulatorOptions = { databases: ['db'] }): EmulatorFixture {
  const fixture = { requests: [] as RequestInfo[] } as EmulatorFixture;
  before(async () => {
    fixture.emulator = await startEmulator({ ...options, onRequest: (info) => fixture.requests.push(info) });
    fixture.client = new Client(fixture.emulator.connectionString('db'));
    fixture.ingest = new kustoIngest.StreamingIngestClient(fixture.emulator.connectionString('db'));
  });
  after(async () => {
    fixture.client?.close();
    fixture.ingest?.close();
    await fixture.emulator?.close();
  });
  return fixture;
}

/**
 * Starts an emulator expected to fail to start and returns the error (undefined when it started after all). One that
 * starts is closed at once: left listening, it would keep mocha from exiting after the failed spec.
 */
export async function startFailure(options: EmulatorOptions): Promise<Error | undefined> {
  let emulator: KustoEmulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    return error as Error;
  }
  await emulator.close();
  return undefined;
}

/** A failed request as the client sees it: HTTP status, Kusto error body and response headers. */
export interface KustoFailure {
  status: number;
  error: {
    code: string;
    message: string;
    '@type': string;
    '@message': string;
    '@context': Record<string, unknown>;
    '@permanent': boolean;
  };
  headers: Record<string, string>;
  message: string;
}

/** Awaits a client call expected to fail with an HTTP error and returns what the server answered. */
export async function failure(call: Promise<unknown>): Promise<KustoFailure> {
  try {
    await call;
  } catch (caught) {
    const error = caught as {
      message: string;
      response?: { status: number; data: { error: KustoFailure['error'] }; headers: Record<string, string> };
    };
    if (!error.response) throw new Error(`Expected an HTTP failure, got: ${error.message}`, { cause: caught });
    return {
      status: error.response.status,
      error: error.response.data.error,
      headers: error.response.headers,
      message: error.message,
    };
  }
  throw new Error('Expected the call to fail, but it succeeded.');
}

/** The rows of a command's or query's first primary result, as plain objects. */
export function rowsOf(response: {
  primaryResults: { toJSON(): { data: Record<string, unknown>[] } }[];
}): Record<string, unknown>[] {
  return response.primaryResults[0].toJSON().data;
}

/** A readable stream over a string (what ingestFromStream takes). */
export function streamOf(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

/** Client request properties with parameters and options. */
export function requestProperties(
  options: Record<string, unknown> = {},
  parameters: Record<string, unknown> = {},
): ClientRequestProperties {
  const crp = new ClientRequestProperties();
  for (const [k, v] of Object.entries(options)) crp.setOption(k, v);
  for (const [k, v] of Object.entries(parameters)) crp.setParameter(k, v);
  return crp;
}
