#!/usr/bin/env node
/**
 * The `kusto-functions` command: `kusto-functions start [appDir] [--port 7071] [--script <file|glob>] [--host <ip>]
 * [--volatile] [--watch] [--functions <name>...] [--verbose] [--cors <origins>] [--cors-credentials]`, `--version`, `--help`.
 * Start-up problems print once (their message, then the app's own stack frames when the app's code failed) and exit
 * with code 1; SIGINT / SIGTERM stop the host gracefully (a second signal exits at once).
 * `kusto-functions emulator [options]` runs the Kusto emulator alone: the kusto-emulator package's own command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runEmulatorCli } from 'kusto-emulator';
import { scrubSecrets } from 'kusto-functions-engine';
import { runCheckCli } from './check/checkCli';
import { parseCorsOrigins } from './cors';
import { HostStartError, userFrames } from './errors';
import { startHost, DEFAULT_PORT, type HostOptions } from './startHost';

const USAGE = `Usage: kusto-functions start [appDir] [options]
       kusto-functions emulator [options]   (the Kusto emulator alone: kusto-functions emulator --help)
       kusto-functions check [appDir] [options]   (checks every Kusto binding offline: kusto-functions check --help)

Runs an Azure Functions app (Node.js v4 model) locally, with its Kusto bindings, on http://localhost:${DEFAULT_PORT}.
When the Kusto connection setting is not set, an embedded Kusto emulator serves the app (data in <appDir>/.kusto-emulator).

Options:
  -p, --port <number>   port to listen on (0: a free one; default: local.settings.json Host.LocalHttpPort, else ${DEFAULT_PORT})
  --host <address>      interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --script <file|glob>  entry point(s) to load instead of package.json "main" (relative to the current directory)
  --volatile            keep the embedded emulator's data in memory only
  --functions <name>... load and serve only these functions (space-separated, up to the next option; give
                        appDir before it)
  --watch               rebuild (package.json "build" script) and reload the functions when the app's files
                        change, keeping the embedded emulator and its data
  --verbose             also print debug lines (each request, each Kusto call), whatever host.json's log levels
  --cors <origins>      comma-separated origins (or *) allowed to call the HTTP functions from a browser
                        (default: local.settings.json Host.CORS)
  --cors-credentials    allow cross-origin requests with credentials (default: local.settings.json Host.CORSCredentials)
  -v, --version         print the version
  -h, --help            show this help`;

// A signal repeated within this time is the same request to stop.
const REPEAT_SIGNAL_MS = 1000;

/** Thrown for command-line mistakes; the message says what is wrong. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  script: { type: 'string' },
  volatile: { type: 'boolean' },
  watch: { type: 'boolean' },
  verbose: { type: 'boolean' },
  cors: { type: 'string' },
  'cors-credentials': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** What the command line asks for: host options to start with, the usage, or the version. */
export type Command = { kind: 'start'; options: HostOptions } | { kind: 'help' } | { kind: 'version' };

// parseArgs' own messages suggest `--` and other things that do not apply here: say it in the command's words.
function usageErrorOf(error: NodeJS.ErrnoException): UsageError {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`Unknown option '${option}'.`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        error.message.includes('does not take an argument')
          ? `${option.replace(/=.*$/, '')} takes no value.`
          : `${option.replace(/ .*$/, '')} needs a value.`,
      );
    default:
      return new UsageError(error.message);
  }
}

/**
 * Takes `--functions a b` out of the arguments: as Core Tools, the names are the arguments after it up to the next
 * option (parseArgs only knows one value per occurrence). `--functions=a,b` works too.
 */
function takeFunctionNames(argv: readonly string[]): { rest: string[]; names?: string[] } {
  const rest: string[] = [];
  let names: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg !== '--functions' && !arg.startsWith('--functions=')) {
      rest.push(arg);
      continue;
    }
    names ??= [];
    const given: string[] = [];
    if (arg.startsWith('--functions=')) given.push(...arg.slice('--functions='.length).split(','));
    else while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) given.push(argv[++i]);
    const clean = given.map((name) => name.trim()).filter((name) => name !== '');
    if (clean.length === 0) throw new UsageError('--functions needs one or more function names.');
    names.push(...clean);
  }
  return { rest, names };
}

/** Parses the command line (without `node` and the script). */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  const { rest, names } = takeFunctionNames(argv);
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageErrorOf(error as NodeJS.ErrnoException);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, appDir, extra] = positionals;
  if (command !== 'start') {
    throw new UsageError(
      command === undefined
        ? 'Missing command: use "start" or "emulator".'
        : `Unknown command '${command}': use "start" or "emulator".`,
    );
  }
  if (extra !== undefined) throw new UsageError(`Unexpected argument '${extra}': give one app directory.`);
  const options: HostOptions = { appDir: appDir ?? '.' };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      throw new UsageError(`--port must be a number from 0 to 65535; got '${values.port}'.`);
    }
    options.port = port;
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.script !== undefined) options.script = values.script;
  if (values.volatile) options.volatile = true;
  if (values.watch) options.watch = true;
  if (names) options.functions = [...new Set(names)];
  if (values.verbose) options.verbose = true;
  if (values.cors !== undefined) {
    try {
      options.cors = parseCorsOrigins(values.cors);
    } catch (error) {
      throw new UsageError(`--cors: ${(error as Error).message}`);
    }
  }
  if (values['cors-credentials']) options.corsCredentials = true;
  return { kind: 'start', options };
}

/** The host package's version, from its package.json. */
export function hostVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * What the CLI prints for a start-up problem: its message once (which already holds the cause's), then, when the
 * app's own code failed (loading it, a start hook), that code's frames, without Node's or this package's.
 */
export function startErrorText(error: HostStartError): string {
  const cause = (error as { cause?: unknown }).cause;
  const frames = cause instanceof Error ? userFrames(cause.stack) : [];
  return scrubSecrets([error.message, ...frames.map((frame) => `    ${frame}`)].join('\n'));
}

/** Runs the command; resolves with the exit code once the host has stopped (or could not start). */
export async function main(argv: readonly string[]): Promise<number> {
  // The emulator's options are its own: its command parses them.
  if (argv[0] === 'emulator') return runEmulatorCli(argv.slice(1), { programName: 'kusto-functions emulator' });
  // The check loads the app but serves nothing: its own options and output.
  if (argv[0] === 'check') return runCheckCli(argv.slice(1));
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${hostVersion()}\n`);
    return 0;
  }
  const options = command.options;
  // Signals are handled from before the start: a Ctrl+C (or SIGTERM) that lands between "Host started." and the
  // return of startHost must still stop the host gracefully, not kill it.
  let host: Awaited<ReturnType<typeof startHost>> | undefined;
  let firstSignalAt: number | undefined;
  let stopped: ((code: number) => void) | undefined;
  const closed = new Promise<number>((resolve) => (stopped = resolve));
  const close = () => {
    host!.close().then(
      () => stopped!(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${(error as Error)?.message ?? String(error)}\n`);
        stopped!(1);
      },
    );
  };
  const stop = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      // Under `npm start` one Ctrl+C arrives twice (from the terminal and forwarded by npm): only a later one
      // means "do not wait".
      if (Date.now() - firstSignalAt < REPEAT_SIGNAL_MS) return;
      process.stderr.write(`${signal} again: exiting without waiting.\n`);
      process.exit(130);
    }
    firstSignalAt = Date.now();
    if (host) close(); // else: closed as soon as the start completes
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    host = await startHost(options);
  } catch (error) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (error instanceof HostStartError) {
      process.stderr.write(`${startErrorText(error)}\n`);
      return 1;
    }
    throw error;
  }
  if (firstSignalAt !== undefined) close();
  return closed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Timers or sockets an app left open must not keep a stopped host alive.
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
