import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** The compiled CLI. */
export const CLI = path.resolve(__dirname, '../../lib/cli.js');
/** The repository root (the CLI's working directory in these specs). */
export const ROOT = path.resolve(__dirname, '../../../../..');

/** A `kusto-functions` child process. */
export interface HostProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the base URL once the host prints `Now listening on: <url>`; rejects if it exits first. */
  listening: Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout contains `text` (bounded by `timeoutMs`). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Stops it (SIGTERM) if still running and waits for the exit. */
  stop(): Promise<number | null>;
}

/** Spawns the CLI with `args`, in the repository root, with `env` (default: this process's). */
export function spawnHost(args: string[], env: NodeJS.ProcessEnv = process.env, startTimeoutMs = 60_000): HostProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (text: string | RegExp, timeoutMs = startTimeoutMs) =>
    new Promise<void>((resolve, reject) => {
      const found = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      if (found()) return resolve();
      const done = (error?: Error) => {
        waiters.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (found()) done();
      };
      const timer = setTimeout(
        () => done(new Error(`Timed out waiting for ${String(text)}.\nstdout:\n${out}\nstderr:\n${err}`)),
        timeoutMs,
      );
      waiters.add(check);
      void exited.then((code) => {
        if (!found())
          done(
            new Error(`The host exited (${code}) before printing ${String(text)}.\nstdout:\n${out}\nstderr:\n${err}`),
          );
      });
    });
  const listening = waitFor(/Now listening on: (\S+)/).then(() => /Now listening on: (\S+)/.exec(out)![1]);
  listening.catch(() => undefined);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    listening,
    exited,
    waitFor,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
