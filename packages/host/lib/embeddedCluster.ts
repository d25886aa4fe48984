/**
 * The embedded default: when an app setting a Kusto binding names is not set, the host starts the embedded
 * emulator, creates the databases the bindings use, runs the app's setup script in a database it has just
 * created, and points the setting at the emulator. When the setting is set, that cluster is used and nothing
 * starts.
 *
 * Data lives in `<appDir>/.kusto-emulator/` (host.json `kustoFunctions.emulator.dataDir`), so it survives restarts;
 * `volatile` keeps everything in memory. The setup script (`setup.kql` next to host.json, or host.json
 * `kustoFunctions.emulator.setupScript`) runs only when its database is created — on the first start, or after
 * the data directory was deleted — as database images run their init scripts only on an empty data directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { readSetting } from 'kusto-functions-bindings';
import { HostStartError } from './errors';
import type { EmulatorConfig } from './hostJson';

/** Default data directory of the embedded emulator, relative to the app directory. */
export const DEFAULT_EMULATOR_DATA_DIR = '.kusto-emulator';
/** The setup script looked for next to host.json when host.json names none. */
export const DEFAULT_SETUP_SCRIPT = 'setup.kql';

/** Options of {@link startEmbeddedCluster}. */
export interface EmbeddedClusterOptions {
  /** The app directory (data and setup script paths are relative to it). */
  appDir: string;
  /** host.json `kustoFunctions.emulator`. */
  config: EmulatorConfig;
  /** The settings the Kusto bindings name, each with the databases bound through it. */
  connections: ReadonlyMap<string, readonly string[]>;
  /** App settings: read to find the missing ones, written to point them at the emulator. */
  env: NodeJS.ProcessEnv;
  /** Keep the emulator's data in memory only. */
  volatile?: boolean;
}

/** The running embedded emulator and what was done to prepare it. */
export interface EmbeddedCluster {
  /** The emulator. */
  emulator: KustoEmulator;
  /** Settings now pointing at it. */
  settings: string[];
  /** Databases it serves to the app. */
  databases: string[];
  /** Databases created by this start (the others were loaded from the data directory). */
  created: string[];
  /** Where its data is kept; undefined when volatile. */
  dataDir?: string;
  /** The setup script run by this start and its database, if any. */
  setup?: { script: string; database: string; blocks: number };
  /** The setup script not run because its database already existed. */
  setupSkipped?: { script: string; database: string };
}

/**
 * Whether an app setting is set the way the Functions host looks a connection up (`ConnectionStrings:<name>`,
 * `ConnectionStrings__<name>`, `CUSTOMCONNSTR_<name>`, `<name>`, `:` as `__`); blank counts as not set.
 */
export function isSettingPresent(name: string, env: NodeJS.ProcessEnv): boolean {
  return (readSetting(name, env)?.value ?? '').trim() !== '';
}

function setupScriptOf(appDir: string, config: EmulatorConfig): string | undefined {
  if (config.setupScript !== undefined) {
    const file = path.resolve(appDir, config.setupScript);
    if (!fs.existsSync(file)) {
      throw new HostStartError(
        `host.json kustoFunctions.emulator.setupScript '${config.setupScript}' does not exist (${file}).`,
      );
    }
    return file;
  }
  const conventional = path.join(appDir, DEFAULT_SETUP_SCRIPT);
  return fs.existsSync(conventional) ? conventional : undefined;
}

/** Starts the emulator for the settings that are not set; undefined when every setting is set. */
export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster | undefined> {
  const { appDir, config, env } = options;
  const missing = [...options.connections].filter(([setting]) => !isSettingPresent(setting, env));
  if (missing.length === 0) return undefined;

  const databases = [...new Set(missing.flatMap(([, dbs]) => dbs))];
  if (config.database !== undefined && !databases.includes(config.database)) databases.push(config.database);
  const script = setupScriptOf(appDir, config);
  let scriptDatabase: string | undefined;
  if (script) {
    scriptDatabase = config.database ?? (databases.length === 1 ? databases[0] : undefined);
    if (!scriptDatabase) {
      throw new HostStartError(
        `The Kusto bindings use ${databases.length === 0 ? 'no fixed database' : `several databases (${databases.join(', ')})`}: name the one ${path.basename(script)} runs in with host.json "kustoFunctions": { "emulator": { "database": "<name>" } }.`,
      );
    }
  }

  const dataDir = options.volatile ? undefined : path.resolve(appDir, config.dataDir ?? DEFAULT_EMULATOR_DATA_DIR);
  const emulator = await startEmulator({ dataDir });
  const created: string[] = [];
  try {
    for (const database of databases) {
      if (emulator.catalog.get(database)) continue;
      emulator.catalog.createDatabase(database, dataDir !== undefined);
      created.push(database);
    }
    const result: EmbeddedCluster = {
      emulator,
      settings: missing.map(([setting]) => setting),
      databases,
      created,
      dataDir,
    };
    if (script && scriptDatabase) {
      if (created.some((d) => d.toLowerCase() === scriptDatabase.toLowerCase())) {
        const steps = await emulator.runScript(scriptDatabase, fs.readFileSync(script, 'utf8'));
        result.setup = { script, database: scriptDatabase, blocks: steps.length };
      } else {
        result.setupSkipped = { script, database: scriptDatabase };
      }
    }
    await emulator.flush();
    for (const [setting, dbs] of missing) env[setting] = emulator.connectionString(dbs[0] ?? databases[0]);
    return result;
  } catch (cause) {
    // Nothing half-made is kept: a database whose setup failed would be skipped by the next start's setup.
    for (const database of created) emulator.catalog.dropDatabase(database);
    await emulator.close().catch(() => undefined);
    const name = script ? path.relative(appDir, script) : 'the emulator setup';
    throw new HostStartError(`${name} failed in the embedded Kusto emulator: ${(cause as Error).message}`, { cause });
  }
}
