/**
 * An empty consumer app in the OS temp directory with the packed kusto-functions installed the way a user
 * installs it (`npm install --omit=dev` of the tarballs plus the peers), for the footprint and cold-start benches.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The peers a kusto-functions app installs itself (the optional engine left out, as npm leaves it). */
export const PEERS = ['@azure/functions', 'class-transformer', 'reflect-metadata'] as const;

/** Packs and installs are network- and build-bound; these only keep a stuck registry from hanging the bench. */
const PACK_TIMEOUT_MS = 180_000;
const INSTALL_TIMEOUT_MS = 300_000;

// Inside `npm run bench`, npm exports npm_config_local_prefix=<the repository> and friends: a child npm would then
// install into the repository instead of the temp app. Children get the environment without them.
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

function npm(args: string[], cwd: string, timeout: number): void {
  try {
    execFileSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // A failing prepack build prints its errors on stdout, which execFileSync's message leaves out.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`.trimEnd(), { cause: error });
  }
}

/** The packed tarballs of kusto-functions and its vocabulary package. */
export interface Tarballs {
  sdk: string;
  bindings: string;
}

/** Packs kusto-functions and kusto-functions-bindings (their prepack scripts build them) into `dir`. */
export function packTarballs(dir: string): Tarballs {
  const packOne = (packageDir: string, into: string): string => {
    const dest = path.join(dir, into);
    fs.mkdirSync(dest, { recursive: true });
    npm(['pack', '--pack-destination', dest], packageDir, PACK_TIMEOUT_MS);
    // Each pack has its own folder, so its one .tgz is it, whatever npm printed around the build output.
    const [tgz] = fs.readdirSync(dest).filter((name) => name.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack left no tarball in ${dest}`);
    return path.join(dest, tgz);
  };
  return { bindings: packOne(path.join(root, 'packages/bindings'), 'bindings'), sdk: packOne(root, 'sdk') };
}

/** Creates an empty app at `dir` and runs `npm install --omit=dev <specs>` in it. */
export function installApp(dir: string, specs: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: path.basename(dir), version: '1.0.0', private: true }, null, 2),
  );
  // --no-audit/--no-fund only skip registry calls that install nothing.
  npm(['install', '--omit=dev', '--no-audit', '--no-fund', ...specs], dir, INSTALL_TIMEOUT_MS);
}

/** A fresh temp directory, removed by `remove()`. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Packs, then installs the tarballs and the peers in `<dir>/app`: the package as users get it. Returns the app
 * directory and the tarballs.
 */
export function createConsumerApp(dir: string): { app: string; tarballs: Tarballs } {
  const tarballs = packTarballs(path.join(dir, 'packs'));
  const app = path.join(dir, 'app');
  installApp(app, [tarballs.sdk, tarballs.bindings, ...PEERS]);
  return { app, tarballs };
}

/** Runs a bench's main; a failure prints its message alone and sets the exit code. */
export function runBench(main: () => void): void {
  try {
    main();
  } catch (error) {
    // The message already holds npm's and the build's output, which printing the cause would repeat.
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
