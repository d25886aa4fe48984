import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startHost, type HostLogEntry, type HostOptions, type RunningHost } from '../../lib';

/** A compiled fixture app under dist/spec/host/fixtures. */
export function fixtureScript(name: string): string {
  return path.resolve(__dirname, '../fixtures', `${name}.js`);
}

/** A temporary app directory holding the given files (name → content; objects written as JSON). */
export function makeAppDir(files: Record<string, string | object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-host-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/**
 * An app-directory maker for one describe block: each call makes a directory (as makeAppDir), and all of them are
 * removed after the block.
 */
export function tempAppDirs(): (files: Record<string, string | object>) => string {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = makeAppDir(files);
    dirs.push(dir);
    return dir;
  };
}

/** A host started in this process, with its log entries collected. */
export interface FixtureHost {
  host: RunningHost;
  logs: HostLogEntry[];
  appDir: string;
  /** Base URL of the HTTP routes (with the route prefix). */
  api: string;
  close(): Promise<void>;
}

/**
 * Starts a fixture app in this process on a free port. The fixture module is taken out of the require cache first,
 * so each host registers it afresh (fixtures register through app.* directly, which allows that).
 */
export async function startFixtureHost(
  fixture: string,
  hostJson: object = { version: '2.0' },
  options: Partial<HostOptions> = {},
): Promise<FixtureHost> {
  const script = fixtureScript(fixture);
  delete require.cache[script];
  const appDir = makeAppDir({ 'host.json': hostJson });
  const logs: HostLogEntry[] = [];
  const host = await startHost({
    appDir,
    script,
    port: 0,
    env: { ...process.env },
    log: (entry) => logs.push(entry),
    ...options,
  });
  const api = host.routePrefix === '' ? host.url : `${host.url}/${host.routePrefix}`;
  return {
    host,
    logs,
    appDir,
    api,
    close: async () => {
      await host.close();
      fs.rmSync(appDir, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded) until `check` returns a value other than undefined. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
