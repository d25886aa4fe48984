/**
 * The local host's embedded emulator, run in a child process of its own: a request that exhausts the emulator's heap
 * (capped by --max-old-space-size) ends that process, not the host, whose HTTP functions keep answering; the host then
 * starts the emulator again on the same port, from its data directory, so the app's connection strings stay valid
 * and every acknowledged change is there. A process rather than a worker thread: V8 does not always contain a
 * thread's out-of-memory to the thread (on Node 22 a worker that reached its resourceLimits aborted the whole
 * process), while the operating system always contains a process's. When the host itself is killed, the emulator's
 * process sees its IPC channel close and exits (see emulatorProcess.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  KustoEmulatorError,
  type EmulatorOptions,
  type KustoEmulator,
  type ResultTable,
  type ScriptStepResult,
} from 'kusto-emulator';

/** Heap of the emulator's process unless host.json says otherwise (MB). */
export const DEFAULT_EMULATOR_MEMORY_MB = 2048;
// An emulator that keeps failing to start again is left stopped: a bound on attempts after one crash.
const MAX_RESTARTS_IN_A_ROW = 3;
// The pause between attempts to start it again (the port or data directory may take a moment to be released).
const RESTART_DELAY_MS = 500;
// How long close() waits for the emulator's process to exit before it kills it.
const CLOSE_GRACE_MS = 10_000;
// What V8 prints when a heap limit ends the process (the wording differs by allocation path and version).
const OUT_OF_MEMORY = /out of memory|Reached heap limit/i;

/**
 * The embedded emulator as the host and its users see it: a KustoEmulator's operations, across processes (its
 * `catalog`, objects of the emulator's process, stays there).
 */
export interface EmbeddedEmulator extends Omit<KustoEmulator, 'catalog'> {
  /** Times it was started again after its process ended unexpectedly (out of memory). */
  readonly restarts: number;
}

/** @internal An operation for the emulator's process. */
export type ChildOperation =
  | { op: 'command' | 'script'; database: string; text: string }
  | { op: 'query'; database: string; text: string; parameters?: Record<string, string> }
  | { op: 'flush' | 'processQueue' | 'close' }
  | { op: 'ensureDatabases'; names: string[]; persistent: boolean }
  | { op: 'dropDatabases'; names: string[] }
  | { op: 'hasDatabase'; name: string };

/** @internal An operation sent to the emulator's process, with the id its reply carries. */
export type ChildRequest = ChildOperation & { id: number };

/** @internal An error crossing processes: its message and, for the emulator's own errors, their Kusto fields. */
export interface SerializedError {
  message: string;
  kusto?: { status: number; code: string; kustoType: string; permanent: boolean };
}

/** @internal What the emulator's process sends back. */
export type ChildReply =
  | { id: number; result?: unknown; error?: SerializedError }
  | { ready: { url: string; port: number } }
  | { failed: SerializedError }
  | { warning: string };

function deserialize(error: SerializedError): Error {
  return error.kusto ? new KustoEmulatorError(error.message, error.kusto) : new Error(error.message);
}

/** @internal Options of {@link startIsolatedEmulator}. */
export interface IsolatedEmulatorOptions {
  /** The emulator's own options (port, host, dataDir, warmUp); functions do not cross to its process. */
  emulator: EmulatorOptions;
  /** Heap limit of its process, in MB. Default {@link DEFAULT_EMULATOR_MEMORY_MB}. */
  memoryLimitMb?: number;
  /** Told when the process ended unexpectedly and when it is serving again (for the host's log). */
  onRestart?: (event: { phase: 'ended' | 'restarted' | 'gave up'; message: string }) => void;
  /** Receives the emulator's storage warnings; console.warn unless told. */
  onWarning?: (message: string) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class IsolatedEmulator implements EmbeddedEmulator {
  readonly #options: IsolatedEmulatorOptions;
  readonly #pending = new Map<number, Pending>();
  #child!: ChildProcess;
  #ready!: Promise<void>;
  #stopped: Error | undefined;
  #nextId = 1;
  #closing = false;
  #restarts = 0;
  url = '';
  port = 0;

  constructor(options: IsolatedEmulatorOptions) {
    this.#options = options;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** Starts the process; resolves once the emulator listens. */
  start(port: number): Promise<void> {
    const { onWarning = (message: string) => console.warn(message) } = this.#options;
    const memoryMb = this.#options.memoryLimitMb ?? DEFAULT_EMULATOR_MEMORY_MB;
    const child = fork(
      path.join(__dirname, 'emulatorProcess.js'),
      [JSON.stringify({ ...this.#options.emulator, port })],
      {
        // Not the host's own flags (an --inspect port would clash); source maps only if the host has them.
        execArgv: [
          `--max-old-space-size=${memoryMb}`,
          ...process.execArgv.filter((flag) => flag === '--enable-source-maps'),
        ],
        // The managed identity endpoint's secret is the app's, not the emulator's (it checks tokens with a public key).
        env: { ...process.env, IDENTITY_ENDPOINT: undefined, IDENTITY_HEADER: undefined },
        // Structured clone, as between threads: results keep their Dates and bigints.
        serialization: 'advanced',
        // stderr kept for the reason it ended (V8's out-of-memory report, an uncaught error), not shown.
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      },
    );
    this.#child = child;
    this.#stopped = undefined;
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8192)));
    let spawnError: Error | undefined;
    let served = false;
    this.#ready = new Promise<void>((resolve, reject) => {
      child.on('message', (reply: ChildReply) => {
        if ('ready' in reply) {
          served = true;
          this.url = reply.ready.url;
          this.port = reply.ready.port;
          resolve();
        } else if ('failed' in reply) {
          reject(deserialize(reply.failed));
        } else if ('warning' in reply) {
          onWarning(reply.warning);
        } else {
          const pending = this.#pending.get(reply.id);
          this.#pending.delete(reply.id);
          if (reply.error) pending?.reject(deserialize(reply.error));
          else pending?.resolve(reply.result);
        }
      });
      child.on('error', (error) => {
        spawnError = error;
        reject(error);
      });
      child.on('exit', (code, signal) => {
        // 'exit' may come before the last of stderr: the reason reads it a moment later.
        setImmediate(() => {
          const reason = spawnError
            ? `it could not start: ${spawnError.message}`
            : OUT_OF_MEMORY.test(stderr)
              ? 'it ran out of memory'
              : `its process ${signal ? `was ended by ${signal}` : `exited with code ${code}`}${lastLine(stderr)}`;
          const error = new Error(`The embedded Kusto emulator stopped: ${reason}.`);
          reject(error);
          if (this.#child === child) this.#ended(error, served);
        });
      });
    });
    return this.#ready;
  }

  /** The process ended: its calls fail; one that had served is started again, unless the host is closing it. */
  #ended(error: Error, served: boolean): void {
    this.#stopped = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    if (this.#closing || !served) return;
    const notify = this.#options.onRestart ?? (() => undefined);
    notify({ phase: 'ended', message: `${error.message} Starting it again with the data on disk...` });
    const started = performance.now();
    let failures = 0;
    const attempt = (): void => {
      if (this.#closing) return;
      // The same port, so the connection strings the app's settings hold stay valid.
      this.start(this.port).then(
        () => {
          this.#restarts++;
          notify({
            phase: 'restarted',
            message: `The embedded Kusto emulator serves again at ${this.url} (${Math.round(performance.now() - started)} ms).`,
          });
        },
        (startError: unknown) => {
          if (this.#closing) return;
          if (++failures < MAX_RESTARTS_IN_A_ROW) {
            setTimeout(attempt, RESTART_DELAY_MS).unref();
            return;
          }
          notify({
            phase: 'gave up',
            message: `The embedded Kusto emulator could not start again: ${(startError as Error).message}`,
          });
        },
      );
    };
    attempt();
  }

  async #call<T>(request: ChildOperation): Promise<T> {
    // A call made while the emulator starts again waits for it.
    await this.#ready.catch(() => undefined);
    if (this.#stopped) throw this.#stopped;
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ ...request, id } satisfies ChildRequest, (error) => {
        // The channel closed under the send: the process is ending, and its 'exit' rejects the call.
        if (error) this.#pending.get(id)?.reject(error);
      });
    });
  }

  connectionString(database?: string): string {
    return `Data Source=${this.url}${database ? `;Database=${database}` : ''}`;
  }

  executeCommand(database: string, text: string): Promise<ResultTable> {
    return this.#call({ op: 'command', database, text });
  }

  executeQuery(database: string, text: string, parameters?: Record<string, string>): Promise<ResultTable[]> {
    return this.#call({ op: 'query', database, text, parameters });
  }

  runScript(database: string, text: string): Promise<ScriptStepResult[]> {
    return this.#call({ op: 'script', database, text });
  }

  processIngestionQueue(): Promise<void> {
    return this.#call({ op: 'processQueue' });
  }

  flush(): Promise<void> {
    return this.#call({ op: 'flush' });
  }

  /** Creates the databases that do not exist; returns those it created. */
  ensureDatabases(names: string[], persistent: boolean): Promise<string[]> {
    return this.#call({ op: 'ensureDatabases', names, persistent });
  }

  /** Drops the databases named. */
  dropDatabases(names: string[]): Promise<void> {
    return this.#call({ op: 'dropDatabases', names });
  }

  /** Whether the database exists. */
  hasDatabase(name: string): Promise<boolean> {
    return this.#call({ op: 'hasDatabase', name });
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await this.#call({ op: 'close' });
    } finally {
      // Its channel closed, the process exits (emulatorProcess.ts); one that does not is killed.
      if (child.connected) child.disconnect();
      const kill = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(kill);
    }
  }
}

/** The last line of a process's stderr, as the end of a sentence ('' if it printed nothing). */
function lastLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return line ? `: ${line.replace(/\.$/, '')}` : '';
}

/** @internal The isolated emulator's operations the host's start-up uses beyond {@link EmbeddedEmulator}'s. */
export interface HostSideEmulator extends EmbeddedEmulator {
  ensureDatabases(names: string[], persistent: boolean): Promise<string[]>;
  dropDatabases(names: string[]): Promise<void>;
  hasDatabase(name: string): Promise<boolean>;
}

/** @internal Starts the emulator in a process of its own; see the module comment. */
export async function startIsolatedEmulator(options: IsolatedEmulatorOptions): Promise<HostSideEmulator> {
  const emulator = new IsolatedEmulator(options);
  await emulator.start(options.emulator.port ?? 0);
  return emulator;
}
