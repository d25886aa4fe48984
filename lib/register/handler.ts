/**
 * The handler registered with @azure/functions for one planned function: it fills the method's parameters
 * (typed Kusto rows, request parts, outputs), calls it, and hands what it set or returned to the Kusto outputs.
 */
import type { HttpRequest, HttpResponse, HttpResponseInit, InvocationContext } from '@azure/functions';
import { KustoBindingError } from 'kusto-functions-bindings';
import { toIngestPayload, toInstanceOrInstances, toInstances, type IngestPayload } from '../mapping';
import type { FunctionPlan, ParamPlan } from './functionPlan';
import { badRequest, toHttpResponse, toPlainJson } from './httpResponse';
import type { InvocationBindings, InvocationData } from './invocationBindings';
import { OutputValue } from './output';

/** A request problem the HTTP caller caused: answered with 400, not a failed invocation. */
class BadRequest extends Error {}

function convert(value: string | null | undefined, to: 'string' | 'number' | 'boolean', what: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (to === 'number') {
    const n = Number(value);
    if (value.trim() === '' || isNaN(n)) throw new BadRequest(`${what} must be a number.`);
    return n;
  }
  if (to === 'boolean') {
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new BadRequest(`${what} must be true or false.`);
  }
  return value;
}

function bodyReader(request: HttpRequest | undefined): { text: () => Promise<string>; json: () => Promise<unknown> } {
  let text: Promise<string> | undefined;
  let json: Promise<unknown> | undefined;
  // Read a clone so a handler that also takes @Req can still read the body itself.
  const readText = () => (text ??= request ? request.clone().text() : Promise.resolve(''));
  return {
    text: readText,
    json: () =>
      (json ??= readText().then((t) => {
        if (t.trim() === '') return undefined;
        try {
          return JSON.parse(t) as unknown;
        } catch {
          throw new BadRequest('The request body is not valid JSON.');
        }
      })),
  };
}

function where(fn: FunctionPlan): string {
  return `${fn.className}.${fn.methodName}`;
}

async function fillParam(
  plan: ParamPlan,
  invocation: InvocationData,
  body: ReturnType<typeof bodyReader>,
  io: InvocationBindings,
  outputs: Map<ParamPlan, OutputValue<unknown>>,
): Promise<unknown> {
  const { request, context, function: fn } = invocation;
  switch (plan.kind) {
    case 'kustoInput': {
      const rows = await io.readInput(plan.binding, invocation);
      const source = `the Kusto input '${plan.binding.name}' of ${where(fn)}`;
      if (plan.shape === 'json') return typeof rows === 'string' ? rows : JSON.stringify(rows);
      if (plan.shape === 'instances' && plan.type) return toInstances(plan.type, rows, source);
      if (!Array.isArray(rows)) {
        throw new KustoBindingError(`${source} delivered ${typeof rows} instead of an array of rows.`);
      }
      return rows;
    }
    case 'kustoOutput': {
      const output = new OutputValue<unknown>();
      outputs.set(plan, output);
      return output;
    }
    case 'request':
      return request;
    case 'body': {
      if (plan.shape === 'text') return body.text();
      const value = await body.json();
      if (plan.shape === 'json' || value === undefined || !plan.type) return value;
      try {
        return toInstanceOrInstances(plan.type, value, 'the request body');
      } catch (e) {
        if (e instanceof KustoBindingError) throw new BadRequest(e.message);
        throw e;
      }
    }
    case 'param':
      return convert(request?.params[plan.name], plan.convert, `The route parameter '${plan.name}'`);
    case 'query':
      return convert(request?.query.get(plan.name), plan.convert, `The query parameter '${plan.name}'`);
    case 'header':
      return convert(request?.headers.get(plan.name), plan.convert, `The header '${plan.name}'`);
    case 'trigger':
      return plan.type
        ? toInstanceOrInstances(plan.type, invocation.trigger, `the trigger payload of ${where(fn)}`)
        : invocation.trigger;
    case 'context':
      return context;
  }
}

/** What a method-level output ingested, as the HTTP response body shows it. */
function ingestedBody(returned: unknown, payload: IngestPayload): unknown {
  if (typeof payload === 'string') return payload;
  return Array.isArray(returned) ? payload : payload[0];
}

/**
 * Creates the handler for `fn`, calling `method` on `instance`, with `io` running the Kusto bindings.
 */
export function createHandler(
  fn: FunctionPlan,
  instance: object,
  io: InvocationBindings,
): (trigger: unknown, context: InvocationContext) => Promise<unknown> {
  const method = (instance as Record<string, unknown>)[fn.methodName];
  if (typeof method !== 'function') {
    throw new TypeError(`${where(fn)} is not a method of the registered object.`);
  }
  const isHttp = fn.trigger.kind === 'http';
  const successStatus = fn.trigger.kind === 'http' ? fn.trigger.options.successStatus : undefined;

  return async (trigger, context) => {
    const request = isHttp ? (trigger as HttpRequest) : undefined;
    const body = bodyReader(request);
    const invocation: InvocationData = { context, function: fn, trigger, request, body: body.json };
    const outputs = new Map<ParamPlan, OutputValue<unknown>>();

    let args: unknown[];
    try {
      args = await Promise.all(fn.params.map((plan) => fillParam(plan, invocation, body, io, outputs)));
    } catch (e) {
      if (e instanceof BadRequest) return badRequest(e.message);
      throw e;
    }

    const result: unknown = await (method as (...a: unknown[]) => unknown).apply(instance, args);

    // Every output is converted before any is handed on, so a bad value fails the invocation with nothing written.
    const writes: [FunctionPlan['outputs'][number], IngestPayload][] = [];
    for (const [plan, output] of outputs) {
      if (plan.kind !== 'kustoOutput') continue;
      const payload = toIngestPayload(output.get(), {
        type: plan.type,
        dataFormat: plan.binding.dataFormat,
        target: `the Kusto output '${plan.binding.name}' (table ${plan.binding.tableName}) of ${where(fn)}`,
      });
      if (payload !== undefined) writes.push([plan.binding, payload]);
    }
    let returnPayload: IngestPayload | undefined;
    if (fn.returnOutput) {
      const { binding, type } = fn.returnOutput;
      returnPayload = toIngestPayload(result, {
        type,
        dataFormat: binding.dataFormat,
        target: `the Kusto output '${binding.name}' (table ${binding.tableName}) of ${where(fn)}`,
      });
      if (returnPayload !== undefined) writes.push([binding, returnPayload]);
    }
    for (const [binding, payload] of writes) await io.writeOutput(binding, payload, invocation);

    if (!isHttp) return result;
    if (fn.returnOutput) {
      if (returnPayload === undefined) return { status: 204 } satisfies HttpResponseInit;
      const ingested = ingestedBody(result, returnPayload);
      return typeof ingested === 'string'
        ? { status: successStatus ?? 201, body: ingested }
        : { status: successStatus ?? 201, jsonBody: toPlainJson(ingested) };
    }
    return toHttpResponse(result, successStatus ?? 200) as HttpResponse | HttpResponseInit;
  };
}
