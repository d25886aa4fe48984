/**
 * The embedded Kusto emulator, served to a binding only when that is the app's evident or explicit choice:
 * - evident: no Kusto connection setting the app's bindings name is set at all, so nothing else could serve them;
 * - explicit: a setting is `UseKustoEmulator=true` (as `UseDevelopmentStorage=true` asks for the storage emulator),
 *   so one app can use a real cluster and the emulator on purpose.
 * Some settings set and others missing is a start error (a typo in one `connection` must not send that binding to
 * the emulator while the others use the real cluster). The host then starts the emulator, creates the databases the
 * bindings use, runs the app's setup script in a database it has just created, and points the settings at it.
 *
 * Data lives in `<appDir>/.kusto-emulator/` (host.json `kustoFunctions.emulator.dataDir`), so it survives restarts;
 * `volatile` keeps everything in memory. The setup script (`setup.kql` next to host.json, or host.json
 * `kustoFunctions.emulator.setupScript`) runs only when its database is created — on the first start, or after
 * the data directory was deleted — as database images run their init scripts only on an empty data directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preloadKustoClient } from 'kusto-functions-engine';
import { isKustoEmulatorSetting, KUSTO_EMULATOR_SETTING, readSetting } from 'kusto-functions-bindings';
import { describeMissingSetting, type KustoConnectionUse } from './appFunctions';
import { HostStartError } from './errors';
import type { EmulatorConfig } from './hostJson';
import { startIsolatedEmulator, type EmbeddedEmulator } from './isolatedEmulator';

/** Default data directory of the embedded emulator, relative to the app directory. */
export const DEFAULT_EMULATOR_DATA_DIR = '.kusto-emulator';
/** The setup script looked for next to host.json when host.json names none. */
export const DEFAULT_SETUP_SCRIPT = 'setup.kql';

// In the data directory while the setup script runs (it names the database): see startEmbeddedCluster.
const SETUP_MARKER = 'kusto-functions-setup.pending';

/** Writes a small file and syncs it and its name to disk. */
function writeDurably(file: string, text: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    const dir = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // Windows cannot open a directory: its file system journals the name.
  }
}

/** Options of {@link startEmbeddedCluster}. */
export interface EmbeddedClusterOptions {
  /** The app directory (data and setup script paths are relative to it). */
  appDir: string;
  /** host.json `kustoFunctions.emulator`. */
  config: EmulatorConfig;
  /** The settings the Kusto bindings connect through, each with its use (from `kustoConnections`). */
  connections: ReadonlyMap<string, KustoConnectionUse>;
  /** App settings: read to find the missing and `UseKustoEmulator=true` ones, written to point them at the emulator. */
  env: NodeJS.ProcessEnv;
  /** Keep the emulator's data in memory only. */
  volatile?: boolean;
  /**
   * The local identity issuer whose bearer tokens the emulator checks (the host's identity endpoint), when the app
   * declares managed identities.
   */
  identity?: { issuer: string; publicKey: string };
  /** Told when the emulator's process ended (out of memory) and when it serves again. */
  onRestart?: (event: { phase: 'ended' | 'restarted' | 'gave up'; message: string }) => void;
}

/** The running embedded emulator and what was done to prepare it. */
export interface EmbeddedCluster {
  /** The emulator, in a process of its own. */
  emulator: EmbeddedEmulator;
  /** Settings now pointing at it. */
  settings: string[];
  /** Those of {@link settings} that were `UseKustoEmulator=true` (the others were not set). */
  explicit: string[];
  /** Databases it serves to the app. */
  databases: string[];
  /** Databases created by this start (the others were loaded from the data directory). */
  created: string[];
  /** Where its data is kept; undefined when volatile. */
  dataDir?: string;
  /**
   * The setup script run by this start and its database, if any; `again` when a previous start was stopped before
   * the script finished, and its half-made database was made again.
   */
  setup?: { script: string; database: string; blocks: number; again: boolean };
  /** The setup script not run because its database already existed. */
  setupSkipped?: { script: string; database: string };
  /** Milliseconds the emulator took to start, warming its KQL parser and the Kusto client included. */
  startMs: number;
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

/** Which connection settings the embedded emulator serves, and why. */
export interface EmulatorSettings {
  /** Not set, as none of the app's Kusto connection settings is. */
  missing: string[];
  /** Set to `UseKustoEmulator=true`. */
  explicit: string[];
}

/**
 * The connection settings the embedded emulator serves: every one when none is set, else those set to
 * `UseKustoEmulator=true`.
 *
 * @throws HostStartError when some settings are set and others are not, in one line naming each missing setting
 * and the bindings that use it.
 */
export function emulatorSettings(
  connections: ReadonlyMap<string, KustoConnectionUse>,
  env: NodeJS.ProcessEnv,
): EmulatorSettings {
  const missing: string[] = [];
  const explicit: string[] = [];
  const set: string[] = [];
  for (const setting of connections.keys()) {
    if (!isSettingPresent(setting, env)) missing.push(setting);
    else if (isKustoEmulatorSetting(readSetting(setting, env)!.value)) explicit.push(setting);
    else set.push(setting);
  }
  if (missing.length > 0 && missing.length < connections.size) {
    const one = missing.length === 1;
    const named = missing.map((setting) => {
      const bindings = connections.get(setting)!.bindings;
      return `'${setting}' (used by Kusto binding${bindings.length === 1 ? '' : 's'} ${bindings.join(', ')})`;
    });
    const others = [...set, ...explicit].map((s) => `'${s}'`);
    throw new HostStartError(
      `The Kusto connection setting${one ? '' : 's'} ${list(named)} ${one ? 'is' : 'are'} not set, while ` +
        `${list(others)} ${others.length === 1 ? 'is' : 'are'}: set ${one ? 'it' : 'each'} to a Kusto connection ` +
        `string, or to ${KUSTO_EMULATOR_SETTING} to use the embedded Kusto emulator (which stands in by itself only ` +
        'when no Kusto connection setting is set).',
    );
  }
  return { missing, explicit };
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Starts the emulator for the settings {@link emulatorSettings} gives it and points them at it; undefined when it
 * serves none.
 *
 * @throws HostStartError when some settings are set and others are not, when the setup script's database cannot be
 * told, and when the setup script fails.
 */
export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster | undefined> {
  const { appDir, config, env } = options;
  const { missing, explicit } = emulatorSettings(options.connections, env);
  const served = [...missing, ...explicit].map((setting) => [setting, options.connections.get(setting)!] as const);
  if (served.length === 0) return undefined;

  const databases = [...new Set(served.flatMap(([, use]) => use.databases))];
  if (config.database !== undefined && !databases.includes(config.database)) databases.push(config.database);
  const script = setupScriptOf(appDir, config);
  let scriptDatabase: string | undefined;
  if (script) {
    scriptDatabase = config.database ?? (databases.length === 1 ? databases[0] : undefined);
    if (!scriptDatabase) {
      const unknown = served.flatMap(([, use]) => use.unknownDatabases);
      const which =
        unknown.length > 0
          ? `${unknown.map(describeMissingSetting).join('; ')}, so ${path.basename(script)} has no database to run in`
          : `The Kusto bindings use ${databases.length === 0 ? 'no fixed database' : `several databases (${databases.join(', ')})`}`;
      throw new HostStartError(
        `${which}: ${unknown.length === 0 ? '' : unknown.length === 1 ? 'set it, or ' : 'set them, or '}name the one ${path.basename(script)} runs in with host.json "kustoFunctions": { "emulator": { "database": "<name>" } }.`,
      );
    }
  }

  const dataDir = options.volatile ? undefined : path.resolve(appDir, config.dataDir ?? DEFAULT_EMULATOR_DATA_DIR);
  // Warmed before the host says it started, not in the background: loading the parser and the client is
  // synchronous CPU on this thread (~2 s), so a background warm-up would only move that wait onto the first request.
  const started = performance.now();
  const emulator = await startIsolatedEmulator({
    emulator: { dataDir, warmUp: true, ...(options.identity ? { identity: options.identity } : {}) },
    memoryLimitMb: config.memoryLimitMb,
    onRestart: options.onRestart,
  });
  preloadKustoClient();
  const startMs = performance.now() - started;
  const created: string[] = [];
  const persistent = dataDir !== undefined;
  const marker = dataDir !== undefined && script && scriptDatabase ? path.join(dataDir, SETUP_MARKER) : undefined;
  try {
    // A start killed while its setup script ran left a half-made database, which would skip the script for good.
    const interrupted = marker !== undefined && fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
    if (interrupted) {
      await emulator.dropDatabases([interrupted]);
      await emulator.flush();
    }
    const isScriptDatabase = (d: string) => d.toLowerCase() === scriptDatabase?.toLowerCase();
    created.push(
      ...(await emulator.ensureDatabases(
        databases.filter((d) => !isScriptDatabase(d)),
        persistent,
      )),
    );
    const result: EmbeddedCluster = {
      emulator,
      settings: served.map(([setting]) => setting),
      explicit,
      databases,
      created,
      dataDir,
      startMs,
    };
    if (script && scriptDatabase) {
      if (!(await emulator.hasDatabase(scriptDatabase))) {
        // Written (and synced) before the database exists, removed once its script is on disk.
        if (marker) writeDurably(marker, `${scriptDatabase}\n`);
        created.push(...(await emulator.ensureDatabases([scriptDatabase], persistent)));
        const steps = await emulator.runScript(scriptDatabase, fs.readFileSync(script, 'utf8'));
        result.setup = {
          script,
          database: scriptDatabase,
          blocks: steps.length,
          again: interrupted.toLowerCase() === scriptDatabase.toLowerCase(),
        };
      } else {
        result.setupSkipped = { script, database: scriptDatabase };
      }
    }
    await emulator.flush();
    if (marker) fs.rmSync(marker, { force: true });
    for (const [setting, use] of served) {
      // Written where the host reads it first (a UseKustoEmulator=true under ConnectionStrings:<name> stays there).
      const key = readSetting(setting, env)?.key ?? setting;
      env[key] = emulator.connectionString(use.databases[0] ?? databases[0]);
    }
    return result;
  } catch (cause) {
    // Nothing half-made is kept: a database whose setup failed would be skipped by the next start's setup.
    const dropped = await emulator
      .dropDatabases(created)
      .then(() => emulator.flush())
      .then(
        () => true,
        () => false,
      );
    // The marker goes only once what it marks is gone; otherwise the next start drops it.
    if (marker && dropped) fs.rmSync(marker, { force: true });
    await emulator.close().catch(() => undefined);
    const name = script ? path.relative(appDir, script) : 'the emulator setup';
    throw new HostStartError(`${name} failed in the embedded Kusto emulator: ${(cause as Error).message}`, { cause });
  }
}
