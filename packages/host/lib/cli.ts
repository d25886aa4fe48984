#!/usr/bin/env node
/**
 * The `kusto-functions` command: `kusto-functions start [appDir] [--port 7071] [--script <file|glob>] [--host <ip>]
 * [--volatile]`. Start-up problems print one line and exit with code 1; SIGINT / SIGTERM stop the host gracefully
 * (a second signal exits at once).
 */
import { HostStartError } from './errors';
import { startHost, DEFAULT_PORT, type HostOptions } from './startHost';

const USAGE = `Usage: kusto-functions start [appDir] [options]

Runs an Azure Functions app (Node.js v4 model) locally, with its Kusto bindings, on http://localhost:${DEFAULT_PORT}.
When the Kusto connection setting is not set, an embedded Kusto emulator serves the app (data in <appDir>/.kusto-emulator).

Options:
  -p, --port <number>   port to listen on (0: a free one; default: local.settings.json Host.LocalHttpPort, else ${DEFAULT_PORT})
  --host <address>      interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --script <file|glob>  entry point(s) to load instead of package.json "main" (relative to the current directory)
  --volatile            keep the embedded emulator's data in memory only
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

/** Parses the command line (without `node` and the script) into host options; undefined for `--help`. */
export function parseArguments(argv: readonly string[]): HostOptions | undefined {
  const args = [...argv];
  if (args.includes('-h') || args.includes('--help')) return undefined;
  const command = args.shift();
  if (command !== 'start') {
    throw new UsageError(
      command === undefined ? 'Missing command: use "start".' : `Unknown command '${command}': use "start".`,
    );
  }
  const options: HostOptions = { appDir: '.' };
  let appDir: string | undefined;
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('-')) throw new UsageError(`${flag} needs a value.`);
    return v;
  };
  while (args.length > 0) {
    const arg = args.shift()!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (inline !== undefined) args.unshift(inline);
    switch (flag) {
      case '-p':
      case '--port': {
        const text = value(flag);
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535)
          throw new UsageError(`--port must be a number from 0 to 65535; got '${text}'.`);
        options.port = port;
        break;
      }
      case '--host':
        options.host = value(flag);
        break;
      case '--script':
        options.script = value(flag);
        break;
      case '--volatile':
        if (inline !== undefined) throw new UsageError('--volatile takes no value.');
        options.volatile = true;
        break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`Unknown option '${flag}'.`);
        if (appDir !== undefined) throw new UsageError(`Unexpected argument '${flag}': give one app directory.`);
        appDir = flag;
    }
  }
  options.appDir = appDir ?? '.';
  return options;
}

/** Runs the command; resolves with the exit code once the host has stopped (or could not start). */
export async function main(argv: readonly string[]): Promise<number> {
  let options: HostOptions | undefined;
  try {
    options = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let host;
  try {
    host = await startHost(options);
  } catch (error) {
    if (error instanceof HostStartError) {
      process.stderr.write(`${error.message}\n`);
      // An app that fails to load: its own stack is what helps.
      const cause = (error as { cause?: unknown }).cause;
      if (error.message.startsWith('Worker was unable to load') && cause instanceof Error && cause.stack) {
        process.stderr.write(`${cause.stack}\n`);
      }
      return 1;
    }
    throw error;
  }
  const running = host;
  return new Promise<number>((resolve) => {
    let firstSignalAt: number | undefined;
    const stop = (signal: NodeJS.Signals) => {
      if (firstSignalAt !== undefined) {
        // Under `npm start` one Ctrl+C arrives twice (from the terminal and forwarded by npm): only a later one
        // means "do not wait".
        if (Date.now() - firstSignalAt < REPEAT_SIGNAL_MS) return;
        process.stderr.write(`${signal} again: exiting without waiting.\n`);
        process.exit(130);
      }
      firstSignalAt = Date.now();
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`Shutdown failed: ${(error as Error)?.message ?? String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
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
