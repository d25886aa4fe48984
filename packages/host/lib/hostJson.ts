/**
 * The parts of host.json the local host honours: the HTTP route prefix, log levels, and this package's own
 * `kustoFunctions.emulator` section (ignored by the Functions host in Azure).
 *
 * ```json
 * {
 *   "version": "2.0",
 *   "logging": { "logLevel": { "default": "Information", "Function.getProducts": "Warning" } },
 *   "extensions": { "http": { "routePrefix": "api" } },
 *   "kustoFunctions": { "emulator": { "setupScript": "setup.kql", "database": "productsdb" } }
 * }
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HostStartError } from './errors';

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
}

/** host.json, as far as the local host reads it. */
export interface HostConfig {
  /** The file read, when there is one. */
  file?: string;
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

/** Reads `<appDir>/host.json`; an app without one gets the defaults. */
export function readHostJson(appDir: string): HostConfig {
  const file = path.join(appDir, 'host.json');
  if (!fs.existsSync(file)) return { routePrefix: 'api', logLevels: {}, emulator: {} };
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

  const section = objectAt(
    objectAt(root.kustoFunctions, 'kustoFunctions', file)?.emulator,
    'kustoFunctions.emulator',
    file,
  );
  const emulator: EmulatorConfig = {};
  for (const key of Object.keys(section ?? {})) {
    if (!['setupScript', 'database', 'dataDir'].includes(key)) {
      throw new HostStartError(
        `"kustoFunctions.emulator.${key}" in ${file} is not a known option (setupScript, database, dataDir).`,
      );
    }
  }
  emulator.setupScript = stringAt(section?.setupScript, 'kustoFunctions.emulator.setupScript', file);
  emulator.database = stringAt(section?.database, 'kustoFunctions.emulator.database', file);
  emulator.dataDir = stringAt(section?.dataDir, 'kustoFunctions.emulator.dataDir', file);
  return { file, routePrefix: prefix.replace(/^\/+|\/+$/g, ''), logLevels, emulator };
}
