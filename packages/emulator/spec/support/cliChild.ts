/**
 * Spec helper: the `kusto-emulator` command (or another CLI) run as a child process, with its output collected and
 * the URL it prints read back.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** A running command. */
export interface CliChild {
  child: ChildProcess;
  /** Everything it printed to stdout so far. */
  stdout(): string;
  /** Everything it printed to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited, failing after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | string>;
}

/** Starts `node <script> ...args` in `cwd`. */
export function runCli(script: string, args: readonly string[], cwd: string): CliChild {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exit = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: (timeoutMs = 15_000) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`The command did not exit within ${timeoutMs} ms.\n${out}\n${err}`)),
            timeoutMs,
          ).unref(),
        ),
      ]),
  };
}

/** Waits (bounded) until the command prints `pattern` on stdout, and returns the match. */
export async function waitForOutput(cli: CliChild, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(cli.stdout());
    if (match) return match;
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`The command did not print ${pattern}.\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`);
}

/** Starts the command and waits until it prints its connection string(s); returns the emulator's URL. */
export async function startedCli(cli: CliChild): Promise<string> {
  await waitForOutput(cli, /Press Ctrl\+C to stop\./);
  return (await waitForOutput(cli, /listening on (http:\/\/\S+)/))[1];
}
