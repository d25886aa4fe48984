/**
 * The local host: `kusto-functions start` and its programmatic form {@link startHost}. It runs a Functions app
 * (Node.js v4 model) on localhost with its Kusto bindings, against the embedded Kusto emulator when no cluster is
 * configured.
 *
 * @example
 * ```ts
 * import { startHost } from 'kusto-functions-host';
 * const host = await startHost({ appDir: '.', port: 0 });
 * console.log(host.url, host.functions);
 * await host.close();
 * ```
 *
 * @packageDocumentation
 */
export { startHost, DEFAULT_PORT, type HostOptions, type RunningHost } from './startHost';
export { HostStartError } from './errors';
export type { HostFunctionInfo } from './functionTable';
export { formatLogEntry, type HostLogEntry, type HostLogLevel, type HostLogSink } from './hostLog';
export { DEFAULT_EMULATOR_DATA_DIR, DEFAULT_SETUP_SCRIPT } from './embeddedCluster';
export type { EmbeddedEmulator } from './isolatedEmulator';
export { checkApp, formatProblem, type CheckOptions, type CheckProblem, type CheckResult } from './check/checkApp';
export type { SourceLocation } from './check/sourceLocations';
