/**
 * `--watch`: rebuilds the app when its files change (with its package.json `build` script, when it has one) and
 * then reloads its functions in the running host, which keeps its port and its embedded emulator (with the data).
 * A failed build or reload leaves the last good functions serving, and says why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostLogger } from './hostLog';

/** Options of {@link AppWatcher}. */
export interface AppWatcherOptions {
  /** The app directory: watched, and where the build runs. */
  appDir: string;
  /** Where build and reload outcomes are logged. */
  log: HostLogger;
  /** Reloads the app's functions (after a successful build); throws when the new code cannot be loaded. */
  reload: () => Promise<void>;
  /** Quiet time after the last change before building. Default 200 ms. */
  debounceMs?: number;
}

// Lines of a failed build's output shown in the log: the compiler's errors come last.
const BUILD_OUTPUT_LINES = 30;

interface PackageJson {
  main?: unknown;
  scripts?: Record<string, unknown>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Top-level entries of the app directory that changes in are not the user's edits: dependencies, dot folders (the
 * emulator's data, .git, .vscode) and, for an app with a build, the build's output (package.json main's first
 * folder and tsconfig.json outDir), which would otherwise trigger a build after each build.
 */
function ignoredEntries(appDir: string, pkg: PackageJson | undefined, hasBuild: boolean): Set<string> {
  const ignored = new Set(['node_modules']);
  if (!hasBuild) return ignored;
  const outputs: unknown[] = [pkg?.main];
  const tsconfig = readJson(path.join(appDir, 'tsconfig.json')) as
    { compilerOptions?: { outDir?: unknown } } | undefined;
  outputs.push(tsconfig?.compilerOptions?.outDir);
  for (const output of outputs) {
    if (typeof output !== 'string') continue;
    const relative = path.relative(appDir, path.resolve(appDir, output));
    const first = relative.split(/[\\/]/)[0];
    // An output in the app directory's top level (main: "index.js") is the user's file: keep watching it.
    if (first && first !== '..' && relative.includes(path.sep)) ignored.add(first);
  }
  return ignored;
}

/** Watches an app directory, rebuilding and reloading on changes; see the module comment. */
export class AppWatcher {
  readonly #options: AppWatcherOptions;
  readonly #watchers: fs.FSWatcher[] = [];
  readonly #ignored: Set<string>;
  readonly #build: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #pending = false;
  #child: ChildProcess | undefined;
  #closed = false;

  /** Starts watching `options.appDir`. */
  constructor(options: AppWatcherOptions) {
    this.#options = options;
    const pkg = readJson(path.join(options.appDir, 'package.json')) as PackageJson | undefined;
    this.#build = typeof pkg?.scripts?.build === 'string' ? pkg.scripts.build : undefined;
    this.#ignored = ignoredEntries(options.appDir, pkg, this.#build !== undefined);
    // The top level alone, then each folder in it recursively: a recursive watch of the whole directory would also
    // walk node_modules, which can hold tens of thousands of folders.
    this.#watch(options.appDir, false);
    for (const entry of fs.readdirSync(options.appDir, { withFileTypes: true })) {
      if (entry.isDirectory() && !this.#isIgnored(entry.name)) {
        this.#watch(path.join(options.appDir, entry.name), true);
      }
    }
  }

  /** What runs on a change, for the start-up output. */
  get description(): string {
    return this.#build
      ? `Watching ${this.#options.appDir}: a change runs "npm run build", then reloads the functions.`
      : `Watching ${this.#options.appDir}: a change reloads the functions (package.json has no "build" script).`;
  }

  #isIgnored(name: string): boolean {
    return name.startsWith('.') || this.#ignored.has(name);
  }

  #watch(dir: string, recursive: boolean): void {
    const watcher = fs.watch(dir, { recursive }, (_event, filename) => {
      const relative = filename ? path.relative(this.#options.appDir, path.join(dir, filename.toString())) : '';
      if (relative !== '' && this.#isIgnored(relative.split(/[\\/]/)[0])) return;
      this.#changed();
    });
    // A folder removed while watched ends its watcher; the others go on.
    watcher.on('error', () => watcher.close());
    this.#watchers.push(watcher);
  }

  #changed(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), this.#options.debounceMs ?? 200);
  }

  #run(): void {
    if (this.#running) {
      // A change during a build or reload: one more round once it ends, with whatever changed meanwhile.
      this.#pending = true;
      return;
    }
    this.#running = this.#rebuild().finally(() => {
      this.#running = undefined;
      if (this.#pending && !this.#closed) {
        this.#pending = false;
        this.#run();
      }
    });
  }

  async #rebuild(): Promise<void> {
    const { log } = this.#options;
    if (this.#build) {
      log.host('information', 'Change detected: running "npm run build"...');
      const result = await this.#runBuild();
      if (this.#closed) return;
      if (result.code !== 0) {
        const tail = result.output.trimEnd().split(/\r?\n/).slice(-BUILD_OUTPUT_LINES).join('\n');
        log.host(
          'error',
          `The build failed (${result.code === null ? 'stopped' : `exit code ${result.code}`}): the previous functions keep serving.${tail ? `\n${tail}` : ''}`,
        );
        return;
      }
    } else {
      log.host('information', 'Change detected: reloading the functions...');
    }
    try {
      await this.#options.reload();
    } catch (error) {
      log.host('error', `${(error as Error)?.message ?? String(error)} The previous functions keep serving.`);
    }
  }

  #runBuild(): Promise<{ code: number | null; output: string }> {
    // Under `npm start`, npm names itself; else the npm on the PATH (a shell on Windows, where it is npm.cmd).
    const npmCli = process.env.npm_execpath;
    const [command, args] =
      npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli, 'run', 'build']] : ['npm', ['run', 'build']];
    return new Promise((resolve) => {
      let output = '';
      const child = spawn(command, args, {
        cwd: this.#options.appDir,
        shell: process.platform === 'win32' && command === 'npm',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.#child = child;
      const collect = (chunk: Buffer) => {
        // Only the end is shown: keep the buffer bounded whatever the build prints.
        output = (output + chunk.toString('utf8')).slice(-64 * 1024);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.on('error', (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
      child.on('close', (code) => {
        this.#child = undefined;
        resolve({ code, output });
      });
    });
  }

  /** Stops watching; stops a build under way and waits for a reload under way. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers) watcher.close();
    this.#child?.kill();
    await this.#running;
  }
}
