/**
 * The local host: loads a Functions app the way the Node.js worker does and plays the Functions host's part —
 * HTTP triggers, timers, the admin API, and the Kusto bindings run by the engine — with the embedded Kusto
 * emulator standing in for any cluster whose setting is not set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KustoEmulator } from 'kusto-emulator';
import * as engineModule from 'kusto-functions-engine';
import type { KustoEngine, TimeoutOptions } from 'kusto-functions-engine';
import { resolveConnection } from 'kusto-functions-engine';
import { KUSTO_EMULATOR_SETTING } from 'kusto-functions-bindings';
import { FunctionsWorker } from './worker';
import {
  describeFunction,
  describeMissingSetting,
  kustoConnections,
  missingBindingSettings,
  selectFunctions,
} from './appFunctions';
import { loadEntryPoints, resolveEntryPoints } from './appLoader';
import { applyLocalSettings } from './appSettings';
import { corsPolicy } from './cors';
import { startEmbeddedCluster, type EmbeddedCluster } from './embeddedCluster';
import { HostStartError } from './errors';
import { formatFunctionTable, functionInfos, type HostFunctionInfo } from './functionTable';
import { readHostJson } from './hostJson';
import { consoleLogSink, fromRpcLevel, HostLogger, type HostLogSink } from './hostLog';
import { HttpRouter } from './httpRouter';
import { HostServer } from './httpServer';
import { Invoker } from './invoker';
import { SHUTDOWN_GRACE_MS } from './shutdown';
import { TimerScheduler } from './timers';

/** The port the host listens on unless told otherwise, as Core Tools. */
export const DEFAULT_PORT = 7071;

/** Options of {@link startHost}. */
export interface HostOptions {
  /** The app directory (host.json, local.settings.json, package.json); relative to `cwd`. */
  appDir: string;
  /** Port; 0 picks a free one. Default: local.settings.json `Host.LocalHttpPort`, else 7071. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (use `0.0.0.0` to be reachable from other machines). */
  host?: string;
  /** Entry point(s) overriding package.json `main` (a file or a glob, relative to `cwd`). */
  script?: string;
  /** Directory `appDir` and `script` are relative to. Default: process.cwd(). */
  cwd?: string;
  /**
   * App settings: local.settings.json Values are added to it (never overriding), and missing Kusto settings are
   * pointed at the emulator. Default: process.env (what the app's own code reads).
   */
  env?: NodeJS.ProcessEnv;
  /** Receives log entries. Default: the console. */
  log?: HostLogSink;
  /** Keep the embedded emulator's data in memory only (nothing under the app directory). */
  volatile?: boolean;
  /** Load and serve only these functions (case-insensitive); an unknown name stops the start. Default: all. */
  functions?: string[];
  /** Log at debug level whatever host.json says (each request, each Kusto call). */
  verbose?: boolean;
  /** Origins (or `*`) allowed to call the HTTP functions from a browser. Default: local.settings.json `Host.CORS`. */
  cors?: string[];
  /** Allow credentials on cross-origin requests. Default: local.settings.json `Host.CORSCredentials`, else false. */
  corsCredentials?: boolean;
}

/** A running host. */
export interface RunningHost {
  /** Base URL, e.g. `http://127.0.0.1:7071`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The HTTP route prefix (`api` unless host.json says otherwise; may be empty). */
  readonly routePrefix: string;
  /** The embedded emulator, when a Kusto setting was not set. */
  readonly emulator?: KustoEmulator;
  /** The app's functions. */
  readonly functions: readonly HostFunctionInfo[];
  /**
   * Stops gracefully: stops accepting, lets invocations under way finish, runs the app's terminate hooks, closes
   * the binding engine and the emulator (its data flushed). Idempotent.
   */
  close(): Promise<void>;
}

function displayHost(host: string): string {
  return ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host) ? 'localhost' : host;
}

function createEngine(env: NodeJS.ProcessEnv, log: HostLogger, timeouts: TimeoutOptions): KustoEngine {
  // The engine module may be a contract without an implementation in a partial build: say so plainly.
  const create = (engineModule as { createKustoEngine?: unknown }).createKustoEngine;
  if (typeof create !== 'function') {
    throw new HostStartError('The app has Kusto bindings but this build of kusto-functions has no binding engine.');
  }
  return (create as typeof engineModule.createKustoEngine)({
    env,
    log: (level, message) => log.host(level, `Kusto: ${message}`),
    timeouts,
  });
}

function describeEmbedded(cluster: EmbeddedCluster, appDir: string): string[] {
  const where = cluster.dataDir
    ? `data in ${path.relative(process.cwd(), cluster.dataDir) || cluster.dataDir}`
    : 'volatile: data is kept in memory only';
  // Either every setting is missing or the emulator serves only those asking for it (startEmbeddedCluster).
  const [names, state] =
    cluster.explicit.length > 0 ? [cluster.explicit, KUSTO_EMULATOR_SETTING] : [cluster.settings, 'not set'];
  const lines = [
    `Kusto: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} ${state}: using the embedded Kusto emulator at ${cluster.emulator.url} (${where}).`,
    `Kusto: warmed the KQL parser and the Kusto client while starting the emulator: ${Math.round(cluster.startMs)} ms.`,
  ];
  if (cluster.created.length > 0) lines.push(`Kusto: created database ${cluster.created.join(', ')}.`);
  const loaded = cluster.databases.filter((d) => !cluster.created.includes(d));
  if (loaded.length > 0) lines.push(`Kusto: loaded database ${loaded.join(', ')} from the data directory.`);
  if (cluster.setup) {
    lines.push(
      `Kusto: ran ${path.relative(appDir, cluster.setup.script)} in ${cluster.setup.database} (${cluster.setup.blocks} commands).`,
    );
  } else if (cluster.setupSkipped) {
    lines.push(
      `Kusto: ${path.relative(appDir, cluster.setupSkipped.script)} not run: ${cluster.setupSkipped.database} already exists (delete the data directory, or use --volatile, to start afresh).`,
    );
  }
  return lines;
}

/**
 * Starts the host for an app and resolves once it serves requests.
 *
 * @throws HostStartError for anything that stops the start (app layout, settings, schedules, a port in use),
 * with a one-line message saying what to fix.
 *
 * @example
 * ```ts
 * const host = await startHost({ appDir: 'examples/products', port: 0, script: 'dist/examples/products/src/index.js' });
 * const res = await fetch(`${host.url}/api/getproducts/1`);
 * await host.close();
 * ```
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const cwd = options.cwd ?? process.cwd();
  const appDir = path.resolve(cwd, options.appDir);
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) {
    throw new HostStartError(`The app directory ${appDir} does not exist.`);
  }
  const env = options.env ?? process.env;
  const settings = applyLocalSettings(appDir, env);
  const config = readHostJson(appDir);
  // --verbose replaces host.json's levels: a per-category level there would otherwise still hide debug lines.
  const log = new HostLogger(options.log ?? consoleLogSink, options.verbose ? { default: 'Debug' } : config.logLevels);
  const entry = resolveEntryPoints(appDir, options.script, cwd);
  const listenHost = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? settings.localHttpPort ?? DEFAULT_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new HostStartError(`The port must be a number from 0 to 65535; got ${requestedPort}.`);
  }

  const server = new HostServer(log);
  const port = await server.listen(requestedPort, listenHost);
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => server.close()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
  };

  try {
    const worker = FunctionsWorker.install();
    const names = new Set<string>();
    const stopLogs = worker.onLog((entry) => {
      const level = fromRpcLevel(entry.level);
      if (entry.functionName !== undefined && entry.invocationId !== undefined) {
        if (names.has(entry.functionName)) {
          log.function(level, entry.functionName, entry.invocationId, entry.message);
        }
      } else if (entry.category === 'system') {
        log.host(level === 'information' ? 'debug' : level, entry.message);
      } else log.host(level, entry.message);
    });
    cleanups.push(stopLogs);

    const registered = loadEntryPoints(worker, entry);
    // As the worker does once the app is loaded (this also locks app.setup). HTTP streaming answers through a proxy
    // the host does not speak yet: refuse it clearly rather than hang every request.
    const capabilities = await worker.programmingModel?.getCapabilities?.({});
    if (capabilities?.HttpUri) {
      throw new HostStartError(
        'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support yet: remove it to run locally.',
      );
    }
    const functions = selectFunctions([...registered.values()].map(describeFunction), options.functions);
    for (const fn of functions) names.add(fn.name);

    const connections = kustoConnections(functions, env);
    let embedded: EmbeddedCluster | undefined;
    if (connections.size > 0) {
      embedded = await startEmbeddedCluster({
        appDir,
        config: config.emulator,
        connections,
        env,
        volatile: options.volatile,
      });
      if (embedded) cleanups.push(() => embedded!.emulator.close());
      for (const setting of connections.keys()) {
        if (embedded?.settings.includes(setting)) continue;
        try {
          resolveConnection(setting, { env });
        } catch (cause) {
          throw new HostStartError((cause as Error).message, { cause });
        }
      }
    }
    // Also when no connection is known at start (a `%Setting%` connection not set): its invocations then fail by name.
    const hasKusto = functions.some((fn) => fn.kustoInputs.length + fn.kustoOutputs.length > 0);
    const engine = hasKusto ? createEngine(env, log, config.kustoTimeouts) : undefined;
    if (engine) cleanups.push(() => engine.close());

    const invoker = new Invoker(worker, () => engine, log, { functionTimeoutMs: config.functionTimeoutMs });
    const timers = new TimerScheduler(functions, env, invoker, log);
    try {
      await worker.startApp(appDir);
    } catch (cause) {
      throw new HostStartError(`An app start hook failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }

    const baseUrl = `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
    const infos = functionInfos(functions, `http://${displayHost(listenHost)}:${port}`, config.routePrefix);
    server.serve({
      router: new HttpRouter(functions),
      routePrefix: config.routePrefix,
      functions: new Map(functions.map((fn) => [fn.name.toLowerCase(), fn])),
      invoker,
      cors: corsPolicy(options.cors ?? settings.cors, options.corsCredentials ?? settings.corsCredentials),
    });

    if (settings.file && settings.applied.length > 0) {
      log.startup(`Settings: ${settings.applied.length} from ${path.relative(cwd, settings.file) || settings.file}.`);
    }
    if (embedded) for (const line of describeEmbedded(embedded, appDir)) log.startup(line);
    for (const [setting] of connections) {
      if (!embedded?.settings.includes(setting)) log.startup(`Kusto: ${setting} is set: using that cluster.`);
    }
    for (const m of missingBindingSettings(functions, env)) {
      log.host(
        'warning',
        `${describeMissingSetting(m)}, so its invocations will fail. Add it to the Values of local.settings.json.`,
      );
    }
    log.startup(`Now listening on: ${baseUrl}`);
    for (const line of formatFunctionTable(infos)) log.startup(line);
    log.startup('Host started. Press Ctrl+C to stop.');
    timers.start();

    let closing: Promise<void> | undefined;
    return {
      url: baseUrl,
      port,
      routePrefix: config.routePrefix,
      emulator: embedded?.emulator,
      functions: infos,
      close: () => {
        closing ??= (async () => {
          log.host('information', 'Stopping the host...');
          timers.stop();
          const deadline = Date.now() + SHUTDOWN_GRACE_MS;
          await server.close(SHUTDOWN_GRACE_MS);
          await invoker.drain(Math.max(0, deadline - Date.now()));
          try {
            await worker.terminateApp();
          } catch (error) {
            log.host('error', `An app terminate hook failed: ${(error as Error)?.message ?? String(error)}`);
          }
          await engine?.close();
          await embedded?.emulator.close();
          log.host('information', 'Host stopped.');
          stopLogs();
        })();
        return closing;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
