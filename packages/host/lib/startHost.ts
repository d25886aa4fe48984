/**
 * The local host: loads a Functions app the way the Node.js worker does and plays the Functions host's part —
 * HTTP triggers, timers, the admin API, and the Kusto bindings run by the engine — with the embedded Kusto
 * emulator standing in for any cluster whose setting is not set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as engineModule from 'kusto-functions-engine';
import type { KustoEngine, TimeoutOptions } from 'kusto-functions-engine';
import { resolveConnection } from 'kusto-functions-engine';
import { KUSTO_EMULATOR_SETTING } from 'kusto-functions-bindings';
import { FunctionsWorker } from './worker';
import {
  type HostFunction,
  describeFunction,
  describeMissingSetting,
  kustoConnections,
  missingBindingSettings,
  selectFunctions,
} from './appFunctions';
import {
  loadEntryPoints,
  resolveEntryPoints,
  restoreModules,
  trackModules,
  unloadModules,
  type LoadedModules,
} from './appLoader';
import { AppWatcher } from './appWatcher';
import { applyLocalSettings } from './appSettings';
import { corsPolicy } from './cors';
import { startEmbeddedCluster, type EmbeddedCluster } from './embeddedCluster';
import type { EmbeddedEmulator } from './isolatedEmulator';
import { HostStartError } from './errors';
import { attachIdentities, type AttachedIdentities } from './identity';
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
  /**
   * Rebuild (package.json `build` script) and reload the functions when the app's files change, keeping the port
   * and the embedded emulator's data; a failed build or reload keeps the last good functions serving.
   */
  watch?: boolean;
}

/** A running host. */
export interface RunningHost {
  /** Base URL, e.g. `http://127.0.0.1:7071`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The HTTP route prefix (`api` unless host.json says otherwise; may be empty). */
  readonly routePrefix: string;
  /** The embedded emulator (in a process of its own), when a Kusto setting was not set. */
  readonly emulator?: EmbeddedEmulator;
  /** The app's functions (those of the last successful reload, with `watch`). */
  readonly functions: readonly HostFunctionInfo[];
  /**
   * Loads the app's entry points again and serves their functions instead, as `watch` does after a build; the
   * embedded emulator and its data stay. Rejects, keeping the previous functions serving, when the new code cannot
   * be loaded.
   */
  reload(): Promise<void>;
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

/** The part of a started host that a reload replaces. */
interface LoadedApp {
  functions: HostFunction[];
  infos: HostFunctionInfo[];
  timers: TimerScheduler;
  modules: LoadedModules;
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
    `Kusto: query page (KQL editor, schema, results, charts): ${cluster.emulator.url}/`,
  ];
  if (cluster.created.length > 0) lines.push(`Kusto: created database ${cluster.created.join(', ')}.`);
  const loaded = cluster.databases.filter((d) => !cluster.created.includes(d));
  if (loaded.length > 0) lines.push(`Kusto: loaded database ${loaded.join(', ')} from the data directory.`);
  if (cluster.setup) {
    lines.push(
      `Kusto: ran ${path.relative(appDir, cluster.setup.script)} in ${cluster.setup.database} (${cluster.setup.blocks} commands)${cluster.setup.again ? `; ${cluster.setup.database} was made again: a previous start stopped before the script finished` : ''}.`,
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
    let identities: AttachedIdentities | undefined;
    if (settings.managedIdentities) {
      identities = await attachIdentities(settings.managedIdentities, env, (level, message) =>
        log.host(level, message),
      );
      cleanups.push(() => identities?.detach());
    }
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

    // What the app loads is tracked, so that a reload can load it afresh.
    const appModules: LoadedModules = new Map();
    const registered = trackModules(() => loadEntryPoints(worker, entry), appModules);
    const checkCapabilities = async () => {
      // As the worker does once the app is loaded (this also locks app.setup). HTTP streaming answers through a
      // proxy the host does not speak yet: refuse it clearly rather than hang every request.
      const capabilities = await worker.programmingModel?.getCapabilities?.({});
      if (capabilities?.HttpUri) {
        throw new HostStartError(
          'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support yet: remove it to run locally.',
        );
      }
    };
    await checkCapabilities();
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
        identity: identities && { issuer: identities.endpoint.issuer, publicKey: identities.endpoint.publicKey },
        onRestart: ({ phase, message }) => log.host(phase === 'restarted' ? 'information' : 'error', message),
      });
      if (embedded) cleanups.push(() => embedded!.emulator.close());
    }
    const checkConnections = (fns: HostFunction[], hint = '') => {
      for (const setting of kustoConnections(fns, env).keys()) {
        if (embedded?.settings.includes(setting)) continue;
        try {
          resolveConnection(setting, { env });
        } catch (cause) {
          throw new HostStartError(`${(cause as Error).message}${hint}`, { cause });
        }
      }
    };
    checkConnections(functions);
    // Also when no connection is known at start (a `%Setting%` connection not set): its invocations then fail by name.
    const hasKusto = (fns: HostFunction[]) => fns.some((fn) => fn.kustoInputs.length + fn.kustoOutputs.length > 0);
    let engine = hasKusto(functions) ? createEngine(env, log, config.kustoTimeouts) : undefined;
    cleanups.push(() => engine?.close());

    const invoker = new Invoker(worker, () => engine, log, { functionTimeoutMs: config.functionTimeoutMs });
    const timers = new TimerScheduler(functions, env, invoker, log);
    try {
      await worker.startApp(appDir);
    } catch (cause) {
      throw new HostStartError(`An app start hook failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }

    const baseUrl = `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
    const infosOf = (fns: HostFunction[]) =>
      functionInfos(fns, `http://${displayHost(listenHost)}:${port}`, config.routePrefix);
    const cors = corsPolicy(options.cors ?? settings.cors, options.corsCredentials ?? settings.corsCredentials);
    const serve = (fns: HostFunction[]) =>
      server.serve({
        router: new HttpRouter(fns),
        routePrefix: config.routePrefix,
        functions: new Map(fns.map((fn) => [fn.name.toLowerCase(), fn])),
        invoker,
        cors,
      });
    serve(functions);
    let current: LoadedApp = { functions, infos: infosOf(functions), timers, modules: appModules };

    if (settings.file && settings.applied.length > 0) {
      log.startup(`Settings: ${settings.applied.length} from ${path.relative(cwd, settings.file) || settings.file}.`);
    }
    if (identities) {
      const named = (settings.managedIdentities ?? []).map(
        (i) => `${i.kind === 'system' ? 'system-assigned' : 'user-assigned'} ${i.clientId}`,
      );
      log.startup(
        `Identity: managed identities served at IDENTITY_ENDPOINT ${identities.endpoint.endpoint} (tenant ` +
          `${identities.endpoint.tenantId}): ${named.join(', ')}.`,
      );
    }
    if (embedded) for (const line of describeEmbedded(embedded, appDir)) log.startup(line);
    for (const [setting] of connections) {
      if (!embedded?.settings.includes(setting)) log.startup(`Kusto: ${setting} is set: using that cluster.`);
    }
    const outside = [...connections.keys()].filter((s) => !embedded?.settings.includes(s));
    if (identities && outside.length > 0) {
      log.host(
        'warning',
        `Identity: the local managed identities' tokens are signed by this host, so only the embedded emulator ` +
          `accepts them; a binding with managedServiceIdentity on ${outside.join(', ')} will be refused there.`,
      );
    }
    const warnMissingSettings = (fns: HostFunction[]) => {
      for (const m of missingBindingSettings(fns, env)) {
        log.host(
          'warning',
          `${describeMissingSetting(m)}, so its invocations will fail. Add it to the Values of local.settings.json.`,
        );
      }
    };
    warnMissingSettings(functions);
    log.startup(`Now listening on: ${baseUrl}`);
    for (const line of formatFunctionTable(current.infos)) log.startup(line);

    // One reload at a time: the watcher serializes its own, and `reload()` calls queue behind them.
    let reloading: Promise<void> = Promise.resolve();
    const reloadApp = async () => {
      const started = performance.now();
      const previous = worker.detach();
      unloadModules(current.modules);
      const modules: LoadedModules = new Map();
      let next: LoadedApp;
      try {
        const loaded = trackModules(
          () => loadEntryPoints(worker, resolveEntryPoints(appDir, options.script, cwd)),
          modules,
        );
        await checkCapabilities();
        const fns = selectFunctions([...loaded.values()].map(describeFunction), options.functions);
        checkConnections(fns, ' (the embedded emulator is chosen at start: restart the host to use it)');
        next = { functions: fns, infos: infosOf(fns), timers: new TimerScheduler(fns, env, invoker, log), modules };
      } catch (cause) {
        // Back to the previous app exactly: its modules, registrations and programming model.
        restoreModules(current.modules, modules);
        worker.attach(previous);
        throw new HostStartError(`Reload failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
      }
      const replaced = current;
      replaced.timers.stop();
      try {
        await worker.terminateApp(previous);
      } catch (error) {
        log.host('error', `An app terminate hook failed: ${(error as Error)?.message ?? String(error)}`);
      }
      if (!engine && hasKusto(next.functions)) engine = createEngine(env, log, config.kustoTimeouts);
      names.clear();
      for (const fn of next.functions) names.add(fn.name);
      current = next;
      serve(next.functions);
      try {
        await worker.startApp(appDir);
      } catch (error) {
        log.host('error', `An app start hook failed: ${(error as Error)?.message ?? String(error)}`);
      }
      next.timers.start();
      warnMissingSettings(next.functions);
      log.host(
        'information',
        `Reloaded ${next.functions.length} function${next.functions.length === 1 ? '' : 's'} in ${Math.round(performance.now() - started)} ms.`,
      );
      for (const line of formatFunctionTable(next.infos)) log.startup(line);
    };
    const reload = () => {
      const run = reloading.catch(() => undefined).then(reloadApp);
      reloading = run;
      return run;
    };

    const watcher = options.watch ? new AppWatcher({ appDir, log, reload }) : undefined;
    if (watcher) {
      cleanups.push(() => watcher.close());
      log.startup(watcher.description);
    }
    log.startup('Host started. Press Ctrl+C to stop.');
    timers.start();

    let closing: Promise<void> | undefined;
    return {
      url: baseUrl,
      port,
      routePrefix: config.routePrefix,
      emulator: embedded?.emulator,
      get functions() {
        return current.infos;
      },
      reload,
      close: () => {
        closing ??= (async () => {
          log.host('information', 'Stopping the host...');
          await watcher?.close();
          await reloading.catch(() => undefined);
          current.timers.stop();
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
          identities?.detach();
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
