/**
 * A stand-in for the Azure Functions Node.js worker's `@azure/functions-core` module: it captures what
 * @azure/functions registers (function metadata, handlers, hooks, the programming model) exactly as the real
 * worker would, and invokes functions through that programming model (getInvocationModel → getArguments →
 * invokeFunction → getResponse) with requests shaped like the host's.
 */
import { randomUUID } from 'node:crypto';
import Module from 'node:module';
import type {
  CoreInvocationContext,
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './coreTypes';

/** A function as registered through @azure/functions. */
export interface RegisteredFunction {
  /** Metadata the host would receive (bindings keyed by name). */
  readonly metadata: FunctionMetadata;
  /** The callback @azure/functions registered (its wrapper around the user's handler). */
  readonly callback: FunctionCallback;
}

/** One log line produced while the worker runs. */
export interface WorkerLogEntry {
  /** Level. */
  level: RpcLogLevel;
  /** `user` for context.log and friends, `system` for @azure/functions' own. */
  category: RpcLogCategory;
  /** Formatted message. */
  message: string;
  /** Function name, during an invocation. */
  functionName?: string;
  /** Invocation id, during an invocation. */
  invocationId?: string;
}

/** The outcome of one invocation. */
export interface WorkerInvocationResult {
  /** Invocation id. */
  invocationId: string;
  /** The response @azure/functions produced (undefined when the function failed). */
  response?: RpcInvocationResponse;
  /** The error the function (or a binding conversion) threw. */
  error?: Error;
  /** Log lines of this invocation. */
  logs: WorkerLogEntry[];
}

/** What an app registered in the worker, taken out by {@link FunctionsWorker.detach}. */
export interface WorkerAppState {
  /** Functions by name. */
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  /** Hooks by name. */
  readonly hooks: ReadonlyMap<HookName, ReadonlySet<HookCallback>>;
  /** The programming model @azure/functions set. */
  readonly model: ProgrammingModel | undefined;
}

/** Hook names of the worker API. */
export type HookName = 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate' | 'log';

const CORE_MODULE = '@azure/functions-core';
let installed: FunctionsWorker | undefined;

/** The worker stand-in. One per process, because @azure/functions looks its core module up once. */
export class FunctionsWorker {
  #model: ProgrammingModel | undefined;
  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #hooks = new Map<HookName, Set<HookCallback>>();
  readonly #appHookData: Record<string, unknown> = {};
  readonly #listeners = new Set<(entry: WorkerLogEntry) => void>();
  readonly #captures = new Set<Map<string, RegisteredFunction>>();

  private constructor() {}

  /**
   * Installs the stand-in as `@azure/functions-core` for this process (idempotent) and returns it. Call it before
   * anything calls `app.*` of @azure/functions: the library switches to a silent test mode for good when its core
   * module is missing the first time.
   */
  static install(): FunctionsWorker {
    if (installed) return installed;
    const worker = new FunctionsWorker();
    const coreApi = worker.#coreApi();
    const proto = Module.prototype as unknown as { require: (id: string) => unknown };
    const original = proto.require;
    // The real worker does the same: it answers this one module id itself.
    proto.require = function (this: unknown, id: string) {
      return id === CORE_MODULE ? coreApi : original.call(this, id);
    };
    installed = worker;
    return worker;
  }

  /** The installed worker, if any. */
  static get current(): FunctionsWorker | undefined {
    return installed;
  }

  #coreApi() {
    return {
      version: '4.0.0-kusto-functions',
      hostVersion: '4.0.0-kusto-functions',
      setProgrammingModel: (model: ProgrammingModel) => {
        this.#model = model;
      },
      getProgrammingModel: () => this.#model,
      registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback): Disposable => {
        const fn: RegisteredFunction = { metadata, callback };
        this.#functions.set(metadata.name, fn);
        for (const capture of this.#captures) capture.set(metadata.name, fn);
        return { dispose: () => this.#functions.get(metadata.name) === fn && this.#functions.delete(metadata.name) };
      },
      registerHook: (name: HookName, callback: HookCallback): Disposable => {
        const set = this.#hooks.get(name) ?? new Set();
        this.#hooks.set(name, set);
        set.add(callback);
        return { dispose: () => set.delete(callback) };
      },
      log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => this.#emit({ level, category, message }),
      Disposable: class {
        constructor(private readonly callOnDispose: () => unknown) {}
        dispose() {
          return this.callOnDispose();
        }
      },
    };
  }

  #emit(entry: WorkerLogEntry): void {
    for (const listener of this.#listeners) listener(entry);
  }

  /** Receives every log line (system and user); returns a function that stops it. */
  onLog(listener: (entry: WorkerLogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The programming model @azure/functions set, once anything was registered. */
  get programmingModel(): ProgrammingModel | undefined {
    return this.#model;
  }

  /** Every function registered so far, by name (a later registration of a name replaces the earlier one). */
  get functions(): ReadonlyMap<string, RegisteredFunction> {
    return this.#functions;
  }

  /** Runs `register` and returns exactly the functions it registered, by name. */
  capture(register: () => void): Map<string, RegisteredFunction> {
    const captured = new Map<string, RegisteredFunction>();
    this.#captures.add(captured);
    try {
      register();
    } finally {
      this.#captures.delete(captured);
    }
    return captured;
  }

  /**
   * Takes the app's registrations out of the worker (functions, hooks, programming model), leaving it empty for a
   * new load of the app; {@link FunctionsWorker.attach} puts them back when that load fails.
   */
  detach(): WorkerAppState {
    const state: WorkerAppState = {
      functions: new Map(this.#functions),
      hooks: new Map([...this.#hooks].map(([name, set]) => [name, new Set(set)])),
      model: this.#model,
    };
    this.#functions.clear();
    this.#hooks.clear();
    return state;
  }

  /** Restores registrations taken out by {@link FunctionsWorker.detach}, replacing the current ones. */
  attach(state: WorkerAppState): void {
    this.#functions.clear();
    this.#hooks.clear();
    for (const [name, fn] of state.functions) this.#functions.set(name, fn);
    for (const [name, set] of state.hooks) this.#hooks.set(name, new Set(set));
    this.#model = state.model;
  }

  /** Forgets registered functions and hooks (between test suites). */
  reset(): void {
    this.#functions.clear();
    this.#hooks.clear();
  }

  /** Number of hooks registered under a name. */
  hookCount(name: HookName): number {
    return this.#hooks.get(name)?.size ?? 0;
  }

  /** Runs the app start hooks, as the worker does before the first invocation. */
  async startApp(functionAppDirectory: string): Promise<void> {
    for (const hook of [...(this.#hooks.get('appStart') ?? [])]) {
      await hook({ hookData: {}, appHookData: this.#appHookData, functionAppDirectory });
    }
  }

  /**
   * Runs the app terminate hooks, as the worker does when the host shuts it down: the current app's, or those of an
   * app taken out by {@link FunctionsWorker.detach} (when a reload replaces it).
   */
  async terminateApp(state?: WorkerAppState): Promise<void> {
    const hooks = (state?.hooks ?? this.#hooks).get('appTerminate') ?? [];
    for (const hook of [...hooks]) {
      await hook({ hookData: {}, appHookData: this.#appHookData });
    }
  }

  /**
   * Invokes a registered function with a request shaped as the host sends it, through the programming model
   * @azure/functions registered, with pre- and post-invocation hooks.
   */
  async invoke(fn: RegisteredFunction, request: RpcInvocationRequest): Promise<WorkerInvocationResult> {
    if (!this.#model) throw new Error('No programming model: nothing was registered through @azure/functions yet.');
    const invocationId = request.invocationId ?? randomUUID();
    const functionName = fn.metadata.name;
    const logs: WorkerLogEntry[] = [];
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: { ...request, invocationId },
      metadata: { name: functionName, bindings: fn.metadata.bindings },
      log: (level, category, message) => {
        const entry = { level, category, message, functionName, invocationId };
        logs.push(entry);
        this.#emit(entry);
      },
    };
    try {
      const model = await this.#model.getInvocationModel(coreCtx);
      const { context, inputs } = await model.getArguments();
      const hookData: Record<string, unknown> = {};
      const pre = {
        hookData,
        appHookData: this.#appHookData,
        invocationContext: context,
        inputs,
        functionCallback: fn.callback,
      };
      coreCtx.state = 'preInvocationHooks';
      for (const hook of [...(this.#hooks.get('preInvocation') ?? [])]) await hook(pre);
      coreCtx.state = 'invocation';
      let result: unknown;
      let error: unknown;
      try {
        result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
      } catch (e) {
        error = e;
      }
      coreCtx.state = 'postInvocationHooks';
      const post = {
        hookData,
        appHookData: this.#appHookData,
        invocationContext: context,
        inputs: pre.inputs,
        result,
        error,
      };
      for (const hook of [...(this.#hooks.get('postInvocation') ?? [])]) await hook(post);
      coreCtx.state = undefined;
      if (post.error) throw post.error;
      const response = await model.getResponse(context, post.result);
      return { invocationId, response, logs };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      return { invocationId, error, logs };
    }
  }
}
