/**
 * Loading a Functions app as the Node.js worker does: its entry points are package.json `main` (a file or a glob
 * such as `dist/src/functions/*.js`), required one by one after the `@azure/functions-core` stand-in is installed,
 * so every `app.http(...)` / `registerFunctions(...)` lands in the worker exactly as in Azure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionsWorker, RegisteredFunction } from './worker';
import { HostStartError } from './errors';
import { globFiles, isGlob } from './glob';

/** Where the entry points came from, for the start-up output. */
export interface EntryPoints {
  /** Absolute paths of the files to load, in load order. */
  files: string[];
  /** `--script`, or `package.json main`. */
  source: string;
}

function expand(base: string, pattern: string, what: string): string[] {
  if (isGlob(pattern)) {
    const files = globFiles(base, pattern);
    if (files.length === 0) throw new HostStartError(`${what} '${pattern}' matches no files under ${base}.`);
    return files;
  }
  const file = path.resolve(base, pattern);
  if (!fs.existsSync(file)) {
    throw new HostStartError(
      `${what} '${pattern}' does not exist (${file}). Build the app first (for TypeScript, run tsc).`,
    );
  }
  return [file];
}

/**
 * The app's entry points: `script` (relative to `cwd`; a file or a glob) when given, else package.json `main`
 * (relative to the app directory).
 */
export function resolveEntryPoints(appDir: string, script: string | undefined, cwd: string): EntryPoints {
  if (script !== undefined) return { files: expand(cwd, script, '--script'), source: '--script' };
  const packageFile = path.join(appDir, 'package.json');
  if (!fs.existsSync(packageFile)) {
    throw new HostStartError(
      `${appDir} has no package.json: add one whose "main" names the compiled entry point (for example "dist/src/functions/*.js"), or pass --script <file>.`,
    );
  }
  let main: unknown;
  try {
    main = (JSON.parse(fs.readFileSync(packageFile, 'utf8')) as { main?: unknown }).main;
  } catch (cause) {
    throw new HostStartError(`${packageFile} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof main !== 'string' || main.trim() === '') {
    throw new HostStartError(
      `${packageFile} has no "main": set it to the compiled entry point (for example "dist/src/functions/*.js"), or pass --script <file>.`,
    );
  }
  return { files: expand(appDir, main, 'package.json main'), source: 'package.json main' };
}

/**
 * Requires each entry point and returns the functions they registered. A failing entry point stops the start with
 * an error naming the file; an app whose modules were already loaded in this process (so nothing registers again)
 * is an error too, because its functions would be missing.
 */
export function loadEntryPoints(worker: FunctionsWorker, entry: EntryPoints): Map<string, RegisteredFunction> {
  const functions = new Map<string, RegisteredFunction>();
  for (const file of entry.files) {
    const cached = require.cache[file] !== undefined;
    let captured: Map<string, RegisteredFunction>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker loads entry points with require
      captured = worker.capture(() => require(file));
    } catch (cause) {
      throw new HostStartError(
        `Worker was unable to load entry point "${path.relative(process.cwd(), file) || file}": ${(cause as Error)?.message ?? String(cause)}`,
        { cause },
      );
    }
    if (cached && captured.size === 0) {
      throw new HostStartError(
        `The entry point ${file} was already loaded in this process, so its functions cannot be registered again: start the host in a fresh process.`,
      );
    }
    for (const [name, fn] of captured) functions.set(name, fn);
  }
  return functions;
}

/** Modules a load of the app added to the require cache, by file name. */
export type LoadedModules = Map<string, NodeJS.Module>;

/**
 * Runs `load` and records in `modules` what it added to the require cache (also when it throws): the app's own
 * modules and the libraries it loaded first (@azure/functions, kusto-functions, class-transformer), which a reload
 * must load afresh with it, as a restarted worker would.
 */
export function trackModules<T>(load: () => T, modules: LoadedModules): T {
  const before = new Set(Object.keys(require.cache));
  try {
    return load();
  } finally {
    for (const [file, module] of Object.entries(require.cache)) {
      if (!before.has(file) && module) modules.set(file, module);
    }
  }
}

/** Takes modules out of the require cache, so that the next require loads them from disk. */
export function unloadModules(modules: LoadedModules): void {
  for (const file of modules.keys()) delete require.cache[file];
}

/** Puts modules back into the require cache (when a reload failed), dropping what the failed load added. */
export function restoreModules(modules: LoadedModules, failed: LoadedModules): void {
  for (const file of failed.keys()) delete require.cache[file];
  for (const [file, module] of modules) require.cache[file] = module;
}
