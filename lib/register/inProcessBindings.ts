/**
 * In-process mode: the SDK's engine runs a function's Kusto bindings inside the worker, for apps where the
 * Functions host has no Kusto extension (the preview extension bundle is not available). Handlers see what host mode
 * gives them: the same rows in, the same failures.
 */
import type { HttpRequest } from '@azure/functions';
import type { KustoEngine, TriggerData } from 'kusto-functions-bindings';
import type { InvocationBindings, InvocationData } from './invocationBindings';

function entries(source: { entries(): IterableIterator<[string, string]> } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (source) for (const [key, value] of source.entries()) out[key] = value;
  return out;
}

/** The trigger data binding expressions resolve against, from what @azure/functions delivered. */
export async function toTriggerData(invocation: InvocationData): Promise<TriggerData> {
  const { context, request } = invocation;
  const base = {
    functionName: context.functionName || invocation.function.functionName,
    invocationId: context.invocationId,
    metadata: context.triggerMetadata,
  };
  if (!request) return { ...base, body: invocation.trigger };
  let body: unknown;
  try {
    body = await invocation.body();
  } catch {
    // Not JSON: the host then has no body properties either; an expression that needs one fails by name.
    body = undefined;
  }
  return {
    ...base,
    params: { ...(request as HttpRequest).params },
    query: entries(request.query),
    headers: entries(request.headers),
    body,
  };
}

/**
 * Runs Kusto bindings with `engine`. The trigger data is built once per invocation and shared by its bindings.
 *
 * @example
 * ```ts
 * registerWith({ app }, [Functions], { bindings: inProcessBindings(engine), declareKustoBindings: false });
 * ```
 */
export function inProcessBindings(engine: KustoEngine): InvocationBindings {
  const triggers = new WeakMap<InvocationData, Promise<TriggerData>>();
  const triggerOf = (invocation: InvocationData): Promise<TriggerData> => {
    let data = triggers.get(invocation);
    if (data === undefined) {
      data = toTriggerData(invocation);
      triggers.set(invocation, data);
    }
    return data;
  };
  return {
    async readInput(binding, invocation) {
      return engine.runInput(binding, await triggerOf(invocation));
    },
    async writeOutput(binding, payload, invocation) {
      await engine.runOutput(binding, payload, await triggerOf(invocation));
    },
  };
}
