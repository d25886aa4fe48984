/**
 * The parts of host.json the local host honours: `functionTimeout`, the HTTP route prefix, log levels, and this
 * package's own `kustoFunctions` section (ignored by the Functions host in Azure).
 *
 * ```json
 * {
 *   "version": "2.0",
 *   "functionTimeout": "00:05:00",
 *   "logging": { "logLevel": { "default": "Information", "Function.getProducts": "Warning" } },
 *   "extensions": { "http": { "routePrefix": "api" } },
 *   "kustoFunctions": {
 *     "emulator": { "setupScript": "setup.kql", "database": "productsdb" },
 *     "timeouts": { "query": "00:04:30", "command": "00:10:30", "ingestion": "00:10:30" }
 *   }
 * }
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TimeoutOptions } from 'kusto-functions-engine';
import { HostStartError } from './errors';
import { parseTimespanMs } from './timespan';

/**
 * The function timeout when host.json sets none: 30 minutes, what the Functions host applies on every plan but
 * Consumption (5 minutes there), and so under Core Tools.
 */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;

// The longest delay setTimeout keeps (24.20:31:23.647).
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Log levels, as host.json names them, least severe first. */
export const LOG_LEVELS = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical', 'None'] as const;
/** A host.json log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the embedded emulator is prepared (host.json `kustoFunctions.emulator`). */
export interface EmulatorConfig {
  /**
   * A .kql script (relative to the app directory) run when the emulator creates the database, for the tables,
   * functions, mappings and policies the app needs. Default: `setup.kql` when the app directory has one.
   */
  setupScript?: string;
  /** The database the setup script runs in. Default: the one database the app's Kusto bindings use. */
  database?: string;
  /** Where the emulator keeps its data, relative to the app directory. Default: `.kusto-emulator`. */
  dataDir?: string;
  /**
   * Heap limit of the emulator's process, in MB (16 or more). A query that exhausts it stops the emulator, which starts
   * again with its data; the host keeps serving. Default: 2048.
   */
  memoryLimitMb?: number;
}

/** host.json, as far as the local host reads it. */
export interface HostConfig {
  /** The file read, when there is one. */
  file?: string;
  /**
   * `functionTimeout` in ms: how long an invocation may run before it fails (undefined for `-1`, no limit).
   * Default {@link DEFAULT_FUNCTION_TIMEOUT_MS}.
   */
  functionTimeoutMs: number | undefined;
  /** `kustoFunctions.timeouts`, as the binding engine takes them (unset ones keep the engine's defaults). */
  kustoTimeouts: TimeoutOptions;
  /** `extensions.http.routePrefix`: `api` unless set (an empty prefix is allowed). */
  routePrefix: string;
  /** `logging.logLevel`: category (`default`, `Function`, `Function.<name>`, `Host`) → level. */
  logLevels: Record<string, LogLevel>;
  /** `kustoFunctions.emulator`. */
  emulator: EmulatorConfig;
}

function objectAt(value: unknown, where: string, file: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HostStartError(`"${where}" in ${file} must be an object.`);
  }
  return value as Record<string, unknown>;
}

function stringAt(value: unknown, where: string, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HostStartError(`"${where}" in ${file} must be a string.`);
  return value;
}

/**
 * Milliseconds of a host.json timespan, `[d.]hh:mm:ss[.fffffff]` as .NET writes it; a HostStartError naming the
 * setting for anything else, or for a span of zero or longer than `setTimeout` keeps.
 */
function timespanAt(value: unknown, where: string, file: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseTimespanMs(value) : undefined;
  if (ms === undefined || ms <= 0 || ms > MAX_TIMEOUT_MS) {
    throw new HostStartError(
      `"${where}" in ${file} must be a timespan such as "00:05:00" (hh:mm:ss, above zero and under 24 days); got ${JSON.stringify(value)}.`,
    );
  }
  return ms;
}

/** `hh:mm:ss`, with days (`d.hh:mm:ss`) and milliseconds (`.fff`) when there are any: a timespan for messages. */
export function formatTimespan(ms: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const clock = `${two(Math.floor(seconds / 3600) % 24)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
  const fraction = ms % 1000 === 0 ? '' : `.${String(ms % 1000).padStart(3, '0')}`;
  return `${days > 0 ? `${days}.` : ''}${clock}${fraction}`;
}

const KUSTO_TIMEOUTS = { query: 'queryMs', command: 'commandMs', ingestion: 'ingestMs' } as const;

function kustoTimeouts(section: Record<string, unknown> | undefined, file: string): TimeoutOptions {
  const timeouts: TimeoutOptions = {};
  for (const [key, value] of Object.entries(section ?? {})) {
    if (!Object.hasOwn(KUSTO_TIMEOUTS, key)) {
      throw new HostStartError(
        `"kustoFunctions.timeouts.${key}" in ${file} is not a known option (${Object.keys(KUSTO_TIMEOUTS).join(', ')}).`,
      );
    }
    timeouts[KUSTO_TIMEOUTS[key as keyof typeof KUSTO_TIMEOUTS]] = timespanAt(
      value,
      `kustoFunctions.timeouts.${key}`,
      file,
    );
  }
  return timeouts;
}

// host.json `functionTimeout`: -1 for none, as the Functions host allows outside the Consumption plan.
function functionTimeout(value: unknown, file: string): number | undefined {
  if (value === '-1' || value === -1) return undefined;
  return timespanAt(value, 'functionTimeout', file) ?? DEFAULT_FUNCTION_TIMEOUT_MS;
}

/** Reads `<appDir>/host.json`; an app without one gets the defaults. */
export function readHostJson(appDir: string): HostConfig {
  const file = path.join(appDir, 'host.json');
  if (!fs.existsSync(file)) {
    return {
      functionTimeoutMs: DEFAULT_FUNCTION_TIMEOUT_MS,
      kustoTimeouts: {},
      routePrefix: 'api',
      logLevels: {},
      emulator: {},
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new HostStartError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const root = objectAt(json, 'host.json', file) ?? {};
  const http = objectAt(objectAt(root.extensions, 'extensions', file)?.http, 'extensions.http', file);
  const prefix = stringAt(http?.routePrefix, 'extensions.http.routePrefix', file) ?? 'api';

  const logLevels: Record<string, LogLevel> = {};
  const levels = objectAt(objectAt(root.logging, 'logging', file)?.logLevel, 'logging.logLevel', file) ?? {};
  for (const [category, level] of Object.entries(levels)) {
    const known = LOG_LEVELS.find((l) => typeof level === 'string' && l.toLowerCase() === level.toLowerCase());
    if (!known) {
      throw new HostStartError(
        `"logging.logLevel.${category}" in ${file} must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}.`,
      );
    }
    logLevels[category] = known;
  }

  const ours = objectAt(root.kustoFunctions, 'kustoFunctions', file);
  const section = objectAt(ours?.emulator, 'kustoFunctions.emulator', file);
  const emulator: EmulatorConfig = {};
  for (const key of Object.keys(section ?? {})) {
    if (!['setupScript', 'database', 'dataDir', 'memoryLimitMb'].includes(key)) {
      throw new HostStartError(
        `"kustoFunctions.emulator.${key}" in ${file} is not a known option (setupScript, database, dataDir, memoryLimitMb).`,
      );
    }
  }
  const memory = section?.memoryLimitMb;
  if (memory !== undefined) {
    if (typeof memory !== 'number' || !Number.isInteger(memory) || memory < 16) {
      throw new HostStartError(
        `"kustoFunctions.emulator.memoryLimitMb" in ${file} must be a whole number of MB, 16 or more; got ${JSON.stringify(memory)}.`,
      );
    }
    emulator.memoryLimitMb = memory;
  }
  emulator.setupScript = stringAt(section?.setupScript, 'kustoFunctions.emulator.setupScript', file);
  emulator.database = stringAt(section?.database, 'kustoFunctions.emulator.database', file);
  emulator.dataDir = stringAt(section?.dataDir, 'kustoFunctions.emulator.dataDir', file);
  return {
    file,
    functionTimeoutMs: functionTimeout(root.functionTimeout, file),
    kustoTimeouts: kustoTimeouts(objectAt(ours?.timeouts, 'kustoFunctions.timeouts', file), file),
    routePrefix: prefix.replace(/^\/+|\/+$/g, ''),
    logLevels,
    emulator,
  };
}
