/**
 * One invocation as the Functions host runs it: the Kusto inputs are queried first (their rows go into the
 * request's inputData as JSON text, as the extension delivers them), the function runs through the programming
 * model @azure/functions registered, then each Kusto output is ingested from the response (outputData by binding
 * name, or the return value for a `$return` binding). Any failure fails the invocation, logged with the function
 * name and invocation id: the error, then the app's own stack frames. An invocation that runs past host.json
 * `functionTimeout` fails as the Functions host fails it (`Timeout value of … was exceeded by function: …`); the
 * handler cannot be stopped, so it runs on, and what it returns then is dropped (no Kusto output is written).
 */
import { randomUUID } from 'node:crypto';
import type { KustoEngine, TriggerData } from 'kusto-functions-engine';
import { scrubError } from 'kusto-functions-engine';
import {
  fromRpcData,
  type FunctionsWorker,
  type RpcInvocationResponse,
  type RpcParameterBinding,
  type RpcTypedData,
} from './worker';
import type { HostFunction } from './appFunctions';
import { describeError, FunctionTimeoutError } from './errors';
import { formatTimespan } from './hostJson';
import type { HostLogger } from './hostLog';
import { delay } from './shutdown';

/** What the host hands an invocation. */
export interface InvocationInput {
  /** The trigger's value, as the host sends it. */
  trigger: RpcTypedData;
  /** Trigger metadata, as the host sends it. */
  triggerMetadata?: Record<string, RpcTypedData>;
  /** What the Kusto bindings' expressions resolve against (the function name and invocation id are added). */
  bindingData: Omit<TriggerData, 'functionName' | 'invocationId'>;
  /** Why it runs, for the `Executing` line (e.g. `Timer fired at …`). */
  reason: string;
}

/** How an invocation ended. */
export interface InvocationOutcome {
  /** Invocation id. */
  invocationId: string;
  /** The worker's response (undefined when the invocation failed). */
  response?: RpcInvocationResponse;
  /** Why it failed (secrets masked). */
  error?: Error;
}

/** Options of an {@link Invoker}. */
export interface InvokerOptions {
  /** host.json `functionTimeout`, in ms: an invocation still running then fails. Default: none. */
  functionTimeoutMs?: number;
}

/** Runs invocations of the app's functions, tracking those under way for a graceful shutdown. */
export class Invoker {
  readonly #worker: FunctionsWorker;
  readonly #engine: () => KustoEngine | undefined;
  readonly #log: HostLogger;
  readonly #functionTimeoutMs: number | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();

  /**
   * @param engine - returns the binding engine; called only for functions with Kusto bindings.
   */
  constructor(
    worker: FunctionsWorker,
    engine: () => KustoEngine | undefined,
    log: HostLogger,
    options: InvokerOptions = {},
  ) {
    this.#worker = worker;
    this.#engine = engine;
    this.#log = log;
    this.#functionTimeoutMs = options.functionTimeoutMs;
  }

  /** Number of invocations under way. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Resolves once every invocation under way has ended (those started meanwhile included), or after `graceMs`
   * (logging how many are still running).
   */
  async drain(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.#inFlight.size > 0 && Date.now() < deadline) {
      const timer = delay(deadline - Date.now());
      await Promise.race([Promise.allSettled([...this.#inFlight]), timer.promise]);
      timer.cancel();
    }
    if (this.#inFlight.size > 0) {
      this.#log.host(
        'warning',
        `${this.#inFlight.size} invocation(s) still running after ${graceMs} ms: stopping anyway.`,
      );
    }
  }

  /** Invokes a function; never rejects (a failure is in the outcome). */
  invoke(fn: HostFunction, input: InvocationInput): Promise<InvocationOutcome> {
    const invocationId = randomUUID();
    const run = this.#run(fn, input, invocationId).finally(() => {
      this.#inFlight.delete(run);
    });
    this.#inFlight.add(run);
    return run;
  }

  async #run(fn: HostFunction, input: InvocationInput, invocationId: string): Promise<InvocationOutcome> {
    const started = process.hrtime.bigint();
    const log = this.#log;
    if (log.enabled('information', fn.name)) {
      log.function(
        'information',
        fn.name,
        invocationId,
        `Executing 'Functions.${fn.name}' (Reason='${input.reason}', Id=${invocationId})`,
        true,
      );
    }
    const trigger: TriggerData = { ...input.bindingData, functionName: fn.name, invocationId };
    const limit = this.#functionTimeoutMs;
    const timing = { timedOut: false };
    let timer: NodeJS.Timeout | undefined;
    try {
      const steps = this.#steps(fn, input, trigger, invocationId, timing);
      // Once timed out, how the abandoned steps end is of no interest.
      steps.catch(() => undefined);
      const response =
        limit === undefined
          ? await steps
          : await Promise.race([
              steps,
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => {
                  timing.timedOut = true;
                  reject(new FunctionTimeoutError(fn.name, formatTimespan(limit)));
                }, limit);
              }),
            ]);
      this.#executed(fn, invocationId, started, 'Succeeded');
      return { invocationId, response };
    } catch (e) {
      const error = scrubError(e);
      this.#executed(fn, invocationId, started, 'Failed');
      log.function('error', fn.name, invocationId, describeError(error));
      return { invocationId, error };
    } finally {
      clearTimeout(timer);
    }
  }

  // Inputs, the call, outputs. After a timeout the invocation has failed: later steps are skipped, so a handler that
  // ends late writes nothing.
  async #steps(
    fn: HostFunction,
    input: InvocationInput,
    trigger: TriggerData,
    invocationId: string,
    timing: { timedOut: boolean },
  ): Promise<RpcInvocationResponse> {
    const abandoned = () => {
      if (timing.timedOut) throw new Error(`Invocation ${invocationId} timed out.`);
    };
    const inputData: RpcParameterBinding[] = [{ name: fn.triggerName, data: input.trigger }];
    if (fn.kustoInputs.length > 0) {
      const engine = this.#requireEngine(fn);
      const rows = await Promise.all(fn.kustoInputs.map((binding) => engine.runInput(binding, trigger)));
      fn.kustoInputs.forEach((binding, i) => inputData.push({ name: binding.name, data: toJsonText(rows[i]) }));
    }
    abandoned();
    const result = await this.#worker.invoke(fn.registered, {
      invocationId,
      inputData,
      triggerMetadata: input.triggerMetadata ?? {},
    });
    if (result.error) throw result.error;
    const response = result.response ?? {};
    if (fn.kustoOutputs.length > 0) {
      const engine = this.#requireEngine(fn);
      for (const binding of fn.kustoOutputs) {
        const data =
          binding.name === '$return'
            ? response.returnValue
            : response.outputData?.find((o) => o.name === binding.name)?.data;
        const value = fromRpcData(data);
        if (value === undefined || value === null) continue;
        abandoned();
        await engine.runOutput(binding, value, trigger);
      }
    }
    return response;
  }

  #requireEngine(fn: HostFunction): KustoEngine {
    const engine = this.#engine();
    if (!engine) throw new Error(`Function '${fn.name}' has Kusto bindings but the host has no binding engine.`);
    return engine;
  }

  #executed(fn: HostFunction, invocationId: string, started: bigint, status: 'Succeeded' | 'Failed'): void {
    const level = status === 'Failed' ? 'error' : 'information';
    if (!this.#log.enabled(level, fn.name)) return;
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    this.#log.function(
      level,
      fn.name,
      invocationId,
      `Executed 'Functions.${fn.name}' (${status}, Id=${invocationId}, Duration=${ms}ms)`,
      true,
    );
  }
}

function toJsonText(rows: unknown): RpcTypedData {
  return { string: JSON.stringify(rows ?? []) };
}
