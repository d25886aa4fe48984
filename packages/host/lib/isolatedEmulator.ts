/**
 * The local host's embedded emulator, run in a worker thread of its own: a query that exhausts the emulator's heap
 * (capped by the Worker's `resourceLimits`) ends that thread, not the host, whose HTTP functions keep answering; the
 * host then starts the emulator again on the same port, from its data directory, so the app's connection strings
 * stay valid and every acknowledged change is there. A thread rather than a child process: it starts faster, needs
 * no IPC channel to set up, and `resourceLimits` bounds exactly the emulator's heap; a thread cannot survive a crash
 * of native code, which the emulator (pure JavaScript) does not have.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  KustoEmulatorError,
  type EmulatorOptions,
  type KustoEmulator,
  type ResultTable,
  type ScriptStepResult,
} from 'kusto-emulator';

/** Heap of the emulator's thread unless host.json says otherwise (MB). */
export const DEFAULT_EMULATOR_MEMORY_MB = 2048;
// An emulator that keeps failing to start again is left stopped: a bound on restarts in a row.
const MAX_RESTARTS_IN_A_ROW = 3;

/**
 * The embedded emulator as the host and its users see it: a KustoEmulator's operations, across threads (its
 * `catalog`, objects of the emulator's thread, stays there).
 */
export interface EmbeddedEmulator extends Omit<KustoEmulator, 'catalog'> {
  /** Times it was started again after its thread ended unexpectedly (out of memory). */
  readonly restarts: number;
}

/** @internal An operation for the emulator's thread. */
export type WorkerOperation =
  | { op: 'command' | 'script'; database: string; text: string }
  | { op: 'query'; database: string; text: string; parameters?: Record<string, string> }
  | { op: 'flush' | 'processQueue' | 'close' }
  | { op: 'ensureDatabases'; names: string[]; persistent: boolean }
  | { op: 'dropDatabases'; names: string[] };

/** @internal An operation sent to the emulator's thread, with the id its reply carries. */
export type WorkerRequest = WorkerOperation & { id: number };

/** @internal An error crossing threads: its message and, for the emulator's own errors, their Kusto fields. */
export interface SerializedError {
  message: string;
  kusto?: { status: number; code: string; kustoType: string; permanent: boolean };
}

/** @internal What the emulator's thread sends back. */
export type WorkerReply =
  | { id: number; result?: unknown; error?: SerializedError }
  | { ready: { url: string; port: number } }
  | { failed: SerializedError };

function deserialize(error: SerializedError): Error {
  return error.kusto ? new KustoEmulatorError(error.message, error.kusto) : new Error(error.message);
}

/** @internal Options of {@link startIsolatedEmulator}. */
export interface IsolatedEmulatorOptions {
  /** The emulator's own options (port, host, dataDir, warmUp). */
  emulator: EmulatorOptions;
  /** Heap limit of its thread, in MB. Default {@link DEFAULT_EMULATOR_MEMORY_MB}. */
  memoryLimitMb?: number;
  /** Told when the thread ended unexpectedly and when it is serving again (for the host's log). */
  onRestart?: (event: { phase: 'ended' | 'restarted' | 'gave up'; message: string }) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class IsolatedEmulator implements EmbeddedEmulator {
  readonly #options: IsolatedEmulatorOptions;
  readonly #pending = new Map<number, Pending>();
  #worker!: Worker;
  #ready!: Promise<void>;
  #nextId = 1;
  #closing = false;
  #restarts = 0;
  #failuresInARow = 0;
  url = '';
  port = 0;

  constructor(options: IsolatedEmulatorOptions) {
    this.#options = options;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** Starts the thread; resolves once the emulator listens. */
  start(port: number): Promise<void> {
    const worker = new Worker(path.join(__dirname, 'emulatorWorker.js'), {
      workerData: { ...this.#options.emulator, port },
      resourceLimits: { maxOldGenerationSizeMb: this.#options.memoryLimitMb ?? DEFAULT_EMULATOR_MEMORY_MB },
      // The emulator logs nothing the host must show; its output stays its own.
      stdout: false,
      stderr: false,
    });
    this.#worker = worker;
    let cause: Error | undefined;
    this.#ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          this.url = reply.ready.url;
          this.port = reply.ready.port;
          resolve();
        } else if ('failed' in reply) {
          reject(deserialize(reply.failed));
        } else {
          const pending = this.#pending.get(reply.id);
          this.#pending.delete(reply.id);
          if (reply.error) pending?.reject(deserialize(reply.error));
          else pending?.resolve(reply.result);
        }
      });
      worker.on('error', (error) => {
        cause = error;
        reject(error);
      });
      worker.on('exit', (code) => {
        reject(cause ?? new Error(`The embedded Kusto emulator's thread exited with code ${code}.`));
        if (this.#worker === worker) this.#ended(cause, code);
      });
    });
    return this.#ready;
  }

  #ended(cause: Error | undefined, code: number): void {
    const reason =
      (cause as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? 'it ran out of memory'
        : cause
          ? `it failed: ${cause.message}`
          : `its thread exited with code ${code}`;
    const error = new Error(`The embedded Kusto emulator stopped: ${reason}.`);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    if (this.#closing || this.#failuresInARow >= MAX_RESTARTS_IN_A_ROW) return;
    const notify = this.#options.onRestart ?? (() => undefined);
    notify({ phase: 'ended', message: `${error.message} Starting it again with the data on disk...` });
    const started = performance.now();
    // The same port, so the connection strings the app's settings hold stay valid.
    this.start(this.port).then(
      () => {
        this.#restarts++;
        this.#failuresInARow = 0;
        notify({
          phase: 'restarted',
          message: `The embedded Kusto emulator serves again at ${this.url} (${Math.round(performance.now() - started)} ms).`,
        });
      },
      (startError: unknown) => {
        if (++this.#failuresInARow >= MAX_RESTARTS_IN_A_ROW) {
          notify({
            phase: 'gave up',
            message: `The embedded Kusto emulator could not start again: ${(startError as Error).message}`,
          });
        }
      },
    );
  }

  async #call<T>(request: WorkerOperation): Promise<T> {
    // A call made while the emulator starts again waits for it.
    await this.#ready.catch(() => undefined);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...request, id });
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

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const worker = this.#worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      await this.#call({ op: 'close' });
    } finally {
      await worker.terminate();
      await exited;
    }
  }
}

/** @internal The isolated emulator's operations the host's start-up uses beyond {@link EmbeddedEmulator}'s. */
export interface HostSideEmulator extends EmbeddedEmulator {
  ensureDatabases(names: string[], persistent: boolean): Promise<string[]>;
  dropDatabases(names: string[]): Promise<void>;
}

/** @internal Starts the emulator in a thread of its own; see the module comment. */
export async function startIsolatedEmulator(options: IsolatedEmulatorOptions): Promise<HostSideEmulator> {
  const emulator = new IsolatedEmulator(options);
  await emulator.start(options.emulator.port ?? 0);
  return emulator;
}
