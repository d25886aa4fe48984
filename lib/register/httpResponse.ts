/**
 * What an HTTP handler's return value becomes. The rule (documented in the README):
 * - an `HttpResponse`, or an object with only `HttpResponseInit` keys (`status`, `body`, `jsonBody`, `headers`,
 *   `cookies`, `enableContentNegotiation`), is the response as is;
 * - `undefined` / `null` → 204 No Content;
 * - anything else → a JSON body (class instances through class-transformer, so `@Expose` names apply) with the
 *   trigger's `successStatus`, by default 201 when the method's return is a Kusto output and 200 otherwise.
 */
import { HttpResponse, type HttpResponseInit } from '@azure/functions';
import { classTransformer } from '../mapping/classTransformer';

const INIT_KEYS = new Set(['status', 'body', 'jsonBody', 'headers', 'cookies', 'enableContentNegotiation']);

function isResponseInit(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => INIT_KEYS.has(k));
}

function hasClassInstance(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasClassInstance);
  if (typeof value !== 'object' || value === null || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto !== Object.prototype && proto !== null;
}

/** A value as JSON-ready plain data: class instances through class-transformer. */
export function toPlainJson(value: unknown): unknown {
  return hasClassInstance(value) ? classTransformer().instanceToPlain(value) : value;
}

/** The response for a handler's result; `status` is used for plain values. */
export function toHttpResponse(result: unknown, status: number): HttpResponse | HttpResponseInit {
  if (result === undefined || result === null) return { status: 204 };
  if (result instanceof HttpResponse) return result;
  if (typeof result === 'object' && isResponseInit(result)) return result as HttpResponseInit;
  if (typeof result === 'string') return { status, body: result };
  return { status, jsonBody: toPlainJson(result) };
}

/** A 400 response for a request the handler cannot accept (a body that is not JSON, a route value that is not a number). */
export function badRequest(message: string): HttpResponseInit {
  return { status: 400, jsonBody: { error: message } };
}
