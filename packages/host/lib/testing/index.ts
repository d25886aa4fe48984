/**
 * Testing helpers for apps built with kusto-functions: run your functions through the real @azure/functions
 * programming model, with inputs shaped as the Functions host sends them, and look at what the host would
 * receive (function metadata, outputs, the HTTP response).
 *
 * @example
 * ```ts
 * import { FunctionsHarness } from 'kusto-functions-host/testing';
 * const harness = FunctionsHarness.install(); // before your app registers anything
 * require('../src/index');                    // registers through @azure/functions
 * const res = await harness.invokeHttp('getProducts', {
 *   params: { productId: '1' },
 *   inputs: { kustoInput0: [{ ProductID: 1, Name: 'Item', Cost: 10 }] },
 * });
 * expect(res.status).to.equal(200);
 * ```
 *
 * @packageDocumentation
 */
import { expandRoute, parseRouteTemplate } from 'kusto-functions-bindings';
import { preloadKustoClient, type KustoEngine, type TriggerData } from 'kusto-functions-engine';
import { startEmulator, type EmulatorOptions, type KustoEmulator } from 'kusto-emulator';
import { describeFunction } from '../appFunctions';
import { HostLogger } from '../hostLog';
import { Invoker } from '../invoker';
import {
  FunctionsWorker,
  fromRpcData,
  outputsOf,
  toRpcData,
  toRpcHttpRequest,
  type FunctionMetadata,
  type RegisteredFunction,
  type WorkerInvocationResult,
  type RpcTypedData,
  type WorkerLogEntry,
} from '../worker';

// What a test reads: function metadata (the bindings the host would receive) and log lines.
export type { FunctionMetadata, RpcBindingInfo, RpcLogCategory, RpcLogLevel, WorkerLogEntry } from '../worker';
export type { IngestOutcome, KustoEngine, KustoEngineOptions, TriggerData } from 'kusto-functions-engine';
// A test against the emulator needs these two; the host depends on both, so a test needs no other devDependency.
export { createKustoEngine } from 'kusto-functions-engine';
export { startEmulator, type EmulatorOptions, type KustoEmulator } from 'kusto-emulator';

/**
 * Starts an emulator warmed for tests: its KQL parser loaded (the `warmUp` option) and the Kusto client that
 * {@link createKustoEngine} uses loaded too, so the first test pays neither (about 2 s of CPU together, once per
 * process). Call it in a mocha `before` hook with `this.timeout(10_000)`; `options` are {@link startEmulator}'s.
 *
 * @example
 * ```ts
 * let emulator: KustoEmulator;
 * before(async function () {
 *   this.timeout(10_000); // a warmed start takes about 2 s
 *   emulator = await startWarmedEmulator({ databases: ['productsdb'] });
 * });
 * after(() => emulator.close());
 * ```
 */
export async function startWarmedEmulator(options: EmulatorOptions = {}): Promise<KustoEmulator> {
  const emulator = await startEmulator({ ...options, warmUp: true });
  preloadKustoClient();
  return emulator;
}

/** Values for a function's non-trigger input bindings, by binding name (Kusto inputs: arrays of rows). */
export type InputValues = Record<string, unknown>;

/** An HTTP invocation. */
export interface HttpInvocation {
  /** Method; default: the function's first allowed method. */
  method?: string;
  /** Route parameters; the path is built from the function's route with them unless `path` is given. */
  params?: Record<string, string>;
  /** Path after the route prefix, e.g. `getproducts/1` (then `params` must match it). */
  path?: string;
  /** Query string values. */
  query?: Record<string, string>;
  /** Headers. */
  headers?: Record<string, string>;
  /** Body: text, bytes, or a value sent as JSON. */
  body?: string | Uint8Array | object;
  /** Values of input bindings (what the host's extensions would deliver), by binding name. */
  inputs?: InputValues;
}

/** A non-HTTP invocation. */
export interface TriggerInvocation {
  /** The trigger payload (a queue message, timer info, …), sent as the host sends it (JSON text for objects). */
  trigger?: unknown;
  /** Trigger metadata by name. */
  triggerMetadata?: Record<string, unknown>;
  /** Values of input bindings, by binding name. */
  inputs?: InputValues;
}

/** What an invocation produced. */
export interface InvocationResult {
  /** Invocation id. */
  invocationId: string;
  /** Output binding values by binding name, decoded (JSON parsed, text as text); `$return` for the return binding. */
  outputs: Record<string, unknown>;
  /** The error the invocation failed with, if any. */
  error?: Error;
  /** Log lines of the invocation. */
  logs: WorkerLogEntry[];
}

/** What a non-HTTP invocation produced. */
export interface TriggerInvocationResult extends InvocationResult {
  /** The function's return value, as the worker sends it to the host. */
  returnValue?: unknown;
}

/** What an HTTP invocation produced. */
export interface HttpInvocationResult extends InvocationResult {
  /** Response status (500 when the invocation failed, as the host answers). */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** Response body bytes. */
  body: Buffer;
  /** Body as text. */
  text(): string;
  /** Body parsed as JSON. */
  json(): unknown;
}

function triggerBindingName(metadata: FunctionMetadata): string {
  const entry = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(String(b.type)));
  if (!entry) throw new Error(`Function '${metadata.name}' has no trigger binding.`);
  return entry[0];
}

function inputData(metadata: FunctionMetadata, triggerName: string, trigger: RpcTypedData, inputs: InputValues = {}) {
  const data = [{ name: triggerName, data: trigger }];
  for (const [name, value] of Object.entries(inputs)) {
    const binding = metadata.bindings[name];
    if (!binding || binding.direction !== 'in') {
      const known = Object.keys(metadata.bindings).filter(
        (n) => metadata.bindings[n].direction === 'in' && n !== triggerName,
      );
      throw new Error(
        `Function '${metadata.name}' has no input binding '${name}' (input bindings: ${known.join(', ') || 'none'}).`,
      );
    }
    data.push({ name, data: toRpcData(value) });
  }
  return data;
}

function jsonBody(body: HttpInvocation['body']): unknown {
  if (body === undefined || body instanceof Uint8Array) return undefined;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Invokes functions of one registry (all registered functions, or a captured set). */
export class FunctionsHarness {
  /**
   * The worker stand-in that captured the registrations.
   *
   * @internal
   */
  readonly worker: FunctionsWorker;
  readonly #lookup: (name: string) => RegisteredFunction | undefined;
  readonly #engine: KustoEngine | undefined;

  private constructor(
    worker: FunctionsWorker,
    lookup: (name: string) => RegisteredFunction | undefined,
    engine?: KustoEngine,
  ) {
    this.worker = worker;
    this.#lookup = lookup;
    this.#engine = engine;
  }

  /**
   * Installs the `@azure/functions-core` stand-in (once per process) and returns a harness over every function
   * registered in this process. Call it before any module registers functions.
   */
  static install(): FunctionsHarness {
    const worker = FunctionsWorker.install();
    return new FunctionsHarness(worker, (name) => worker.functions.get(name));
  }

  /** Runs `register` and returns a harness over exactly the functions it registered. */
  capture(register: () => void): FunctionsHarness {
    const captured = this.worker.capture(register);
    return new FunctionsHarness(this.worker, (name) => captured.get(name), this.#engine);
  }

  /** How many hooks of a kind the app registered (`app.hook.appStart(…)`, `app.hook.appTerminate(…)`, …). */
  hookCount(name: 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate'): number {
    return this.worker.hookCount(name);
  }

  /** Runs the app's `appTerminate` hooks, as the host does when it shuts down. */
  terminateApp(): Promise<void> {
    return this.worker.terminateApp();
  }

  /**
   * A harness over the same functions that plays the Functions host's Kusto extension with `engine`: Kusto inputs
   * are queried before each invocation (unless given in `inputs`) and Kusto outputs ingested after it; a failed
   * binding fails the invocation, as in Azure.
   */
  withEngine(engine: KustoEngine): FunctionsHarness {
    return new FunctionsHarness(this.worker, this.#lookup, engine);
  }

  // One invocation: straight through the worker, or, with an engine, through the local host's invoker, which runs
  // the Kusto bindings as the Functions host's extension does (inputs before, outputs after; a failure fails it).
  async #run(
    fn: RegisteredFunction,
    trigger: RpcTypedData,
    triggerMetadata: Record<string, RpcTypedData>,
    bindingData: Omit<TriggerData, 'functionName' | 'invocationId'>,
    inputs: InputValues | undefined,
  ): Promise<WorkerInvocationResult> {
    const engine = this.#engine;
    const triggerName = triggerBindingName(fn.metadata);
    if (!engine) {
      return this.worker.invoke(fn, {
        inputData: inputData(fn.metadata, triggerName, trigger, inputs),
        triggerMetadata,
      });
    }
    if (inputs && Object.keys(inputs).length > 0) {
      throw new Error('With an engine, the Kusto inputs are queried by the engine: give no inputs.');
    }
    const logs: WorkerLogEntry[] = [];
    const stop = this.worker.onLog((entry) => logs.push(entry));
    try {
      const invoker = new Invoker(this.worker, () => engine, new HostLogger(() => undefined));
      const outcome = await invoker.invoke(describeFunction(fn), {
        trigger,
        triggerMetadata,
        bindingData,
        reason: 'test',
      });
      return { ...outcome, logs: logs.filter((l) => l.invocationId === outcome.invocationId) };
    } finally {
      stop();
    }
  }

  /** Names of the functions this harness can invoke (for a captured harness; all registered otherwise). */
  get names(): string[] {
    return [...this.worker.functions.keys()].filter((n) => this.#lookup(n) !== undefined);
  }

  #get(name: string): RegisteredFunction {
    const fn = this.#lookup(name);
    if (!fn) throw new Error(`No function named '${name}' was registered.`);
    return fn;
  }

  /** The metadata the host would receive for a function (its bindings by name). */
  metadata(name: string): FunctionMetadata {
    return this.#get(name).metadata;
  }

  /** Invokes an HTTP-triggered function. */
  async invokeHttp(name: string, request: HttpInvocation = {}): Promise<HttpInvocationResult> {
    const fn = this.#get(name);
    const triggerName = triggerBindingName(fn.metadata);
    const trigger = fn.metadata.bindings[triggerName] as { route?: string; methods?: string[] };
    const params = request.params ?? {};
    const path = request.path ?? expandRoute(parseRouteTemplate(trigger.route ?? name), params);
    const url = new URL(`http://localhost:7071/api/${path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const method = request.method ?? trigger.methods?.[0] ?? 'GET';
    const http = toRpcHttpRequest({
      method,
      url: url.toString(),
      headers: request.headers,
      params,
      body: request.body,
    });
    const result = await this.#run(
      fn,
      http,
      Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { string: v }])),
      { params, query: Object.fromEntries(url.searchParams), headers: request.headers, body: jsonBody(request.body) },
      request.inputs,
    );
    const outputs = result.response ? outputsOf(result.response) : {};
    const response = outputs.$return as { status: number; headers: Record<string, string>; body: Buffer } | undefined;
    delete outputs.$return;
    const status = result.error ? 500 : (response?.status ?? 204);
    const body = response?.body ?? Buffer.alloc(0);
    return {
      invocationId: result.invocationId,
      outputs,
      error: result.error,
      logs: result.logs,
      status,
      headers: response?.headers ?? {},
      body,
      text: () => body.toString('utf8'),
      json: () => JSON.parse(body.toString('utf8')) as unknown,
    };
  }

  /** Invokes a function with any trigger. */
  async invoke(name: string, request: TriggerInvocation = {}): Promise<TriggerInvocationResult> {
    const fn = this.#get(name);
    const triggerMetadata: Record<string, RpcTypedData> = {};
    for (const [k, v] of Object.entries(request.triggerMetadata ?? {})) triggerMetadata[k] = toRpcData(v);
    const result = await this.#run(
      fn,
      toRpcData(request.trigger),
      triggerMetadata,
      { body: request.trigger, metadata: request.triggerMetadata },
      request.inputs,
    );
    const outputs = result.response ? outputsOf(result.response) : {};
    const returnValue = result.response?.returnValue ? fromRpcData(result.response.returnValue) : undefined;
    delete outputs.$return;
    return { invocationId: result.invocationId, outputs, returnValue, error: result.error, logs: result.logs };
  }
}
