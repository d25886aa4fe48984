/**
 * Where a function's Kusto inputs come from and where its outputs go, for one invocation. In host mode the
 * Functions host's Kusto extension runs the bindings (`context.extraInputs` / `extraOutputs`); in in-process
 * mode the SDK's engine runs them. The wrapper is the same for both.
 */
import type { HttpRequest, InvocationContext } from '@azure/functions';
import type { KustoInputBinding, KustoOutputBinding } from 'kusto-functions-bindings';
import { KustoBindingError } from 'kusto-functions-bindings';
import type { IngestPayload } from '../mapping';
import type { FunctionPlan } from './functionPlan';

/** What an invocation offers the bindings: the context, the trigger payload and, for HTTP, the request. */
export interface InvocationData {
  /** The invocation context of @azure/functions. */
  readonly context: InvocationContext;
  /** The function being invoked. */
  readonly function: FunctionPlan;
  /** The trigger payload as @azure/functions delivered it. */
  readonly trigger: unknown;
  /** The HTTP request, for HTTP triggers. */
  readonly request?: HttpRequest;
  /** The JSON body of an HTTP request (undefined when empty or not JSON), read once and shared. */
  readonly body: () => Promise<unknown>;
}

/** Runs a function's Kusto bindings for one invocation. */
export interface InvocationBindings {
  /** The rows of a Kusto input binding, as plain objects. */
  readInput(binding: KustoInputBinding, invocation: InvocationData): Promise<unknown>;
  /** Hands what a handler produced to a Kusto output binding. */
  writeOutput(binding: KustoOutputBinding, payload: IngestPayload, invocation: InvocationData): Promise<void>;
}

/** Host mode: the Functions host's Kusto extension ran the inputs and will ingest the outputs. */
export const hostBindings: InvocationBindings = {
  async readInput(binding, { context, function: fn }) {
    const rows = context.extraInputs.get(binding.name);
    if (rows === undefined) {
      throw new KustoBindingError(
        `The Functions host delivered no data for the Kusto input '${binding.name}' of ${fn.className}.${fn.methodName}: check that host.json uses the extension bundle Microsoft.Azure.Functions.ExtensionBundle.Preview (which holds the Kusto extension).`,
      );
    }
    return rows;
  },
  async writeOutput(binding, payload, { context }) {
    context.extraOutputs.set(binding.name, payload);
  },
};
