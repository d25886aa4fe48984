/**
 * Spec support for the engine: an emulator per suite, engines whose log lines and failures are all kept (the secrets
 * spec scans them), and the bindings the specs run.
 */
import { expect } from 'chai';
import type { KustoInputBinding, KustoOutputBinding } from 'kusto-functions-bindings';
import { type KustoEmulator, startEmulator } from 'kusto-emulator';
import { createKustoEngine, type KustoEngine, type KustoEngineOptions, type TriggerData } from '../../lib';

/** Every log line and error message the engine specs provoked, for the secrets spec to scan. */
export const provoked: string[] = [];

function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 6) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return `${error.name}: ${error.message}\n${error.stack ?? ''}${cause === undefined ? '' : `\ncaused by ${errorText(cause, depth + 1)}`}`;
}

/** Keeps an error (message, stack and causes) for the secrets scan. */
export function keepError(error: unknown): void {
  provoked.push(errorText(error));
}

/** Small retry delays, so that fault specs run in milliseconds. */
export const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

/** An engine whose log lines are kept (also returned per engine). */
export function makeEngine(options: KustoEngineOptions = {}): { engine: KustoEngine; logs: string[] } {
  const logs: string[] = [];
  const engine = createKustoEngine({
    retry: FAST_RETRY,
    ...options,
    log: (level, message) => {
      logs.push(`${level}: ${message}`);
      provoked.push(message);
    },
  });
  return { engine, logs };
}

/** Awaits a call expected to fail; returns its error after checking its class, and keeps it for the scan. */
export async function failureOf<E extends Error>(
  call: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await call;
  } catch (error) {
    keepError(error);
    expect(error, errorText(error)).to.be.instanceOf(type);
    return error as E;
  }
  expect.fail(`expected a ${type.name}, but the call succeeded`);
}

/** The database every engine spec uses. */
export const DB = 'db';

/** Registers hooks starting an emulator with database `db` and running `script` in it. */
export function useEmulator(script?: string): { emulator: KustoEmulator; env: NodeJS.ProcessEnv } {
  const fixture = { env: {} } as { emulator: KustoEmulator; env: NodeJS.ProcessEnv };
  before(async () => {
    fixture.emulator = await startEmulator({ databases: [DB] });
    if (script) await fixture.emulator.runScript(DB, script);
    fixture.env = { KustoConnectionString: fixture.emulator.connectionString(DB) };
  });
  after(async () => {
    await fixture.emulator?.close();
  });
  return fixture;
}

/** An input binding on `db` through `KustoConnectionString`. */
export function input(kqlCommand: string, more: Partial<KustoInputBinding> = {}): KustoInputBinding {
  return { type: 'kusto', name: 'kustoInput0', database: DB, connection: 'KustoConnectionString', kqlCommand, ...more };
}

/** An output binding on `db` through `KustoConnectionString`. */
export function output(tableName: string, more: Partial<KustoOutputBinding> = {}): KustoOutputBinding {
  return { type: 'kusto', name: 'kustoOutput1', database: DB, connection: 'KustoConnectionString', tableName, ...more };
}

/** Trigger data of an invocation of `fn`. */
export function trigger(more: Partial<TriggerData> = {}): TriggerData {
  return { functionName: 'fn', ...more };
}

/** Rows of a table as the emulator holds them (longs as text, so that nothing is lost in the comparison). */
export async function tableRows(
  emulator: KustoEmulator,
  table: string,
  order = '',
): Promise<Record<string, unknown>[]> {
  const [result] = await emulator.executeQuery(DB, `${table}${order ? ` | order by ${order}` : ''}`);
  return result.rows.map((row) =>
    Object.fromEntries(
      result.columns.map((c, i) => [c.name, typeof row[i] === 'bigint' ? String(row[i]) : (row[i] as unknown)]),
    ),
  );
}
