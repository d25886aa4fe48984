/**
 * Encoding of invocation inputs as the Functions host sends them, and decoding of what the worker answers.
 */
import type { RpcHttpData, RpcInvocationResponse, RpcTypedData } from './coreTypes';

/** An HTTP request to deliver to an HTTP-triggered function. */
export interface HttpRequestData {
  /** Method (default GET). */
  method?: string;
  /** Absolute URL including the query string. */
  url: string;
  /** Headers. */
  headers?: Record<string, string>;
  /** Route parameters the route template matched. */
  params?: Record<string, string>;
  /** Body: text, bytes, or a value sent as JSON. */
  body?: string | Uint8Array | object;
}

/** An HTTP response as the worker returned it. */
export interface HttpResponseData {
  /** Status code. */
  status: number;
  /** Headers (lower-case names). */
  headers: Record<string, string>;
  /** Body bytes. */
  body: Buffer;
}

/** The RPC form of an HTTP request, as the host sends it. */
export function toRpcHttpRequest(request: HttpRequestData): RpcTypedData {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: RpcTypedData | undefined;
  if (request.body instanceof Uint8Array) body = { bytes: request.body };
  else if (typeof request.body === 'string') body = { string: request.body };
  else if (request.body !== undefined) {
    body = { string: JSON.stringify(request.body) };
    headers['content-type'] ??= 'application/json';
  }
  const http: RpcHttpData = {
    method: (request.method ?? 'GET').toUpperCase(),
    url: url.toString(),
    headers,
    params: { ...(request.params ?? {}) },
    query: Object.fromEntries(url.searchParams),
    body,
  };
  return { http };
}

/** The RPC form of a binding value, as the host sends inputs (JSON text for objects and arrays). */
export function toRpcData(value: unknown): RpcTypedData {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') return { string: value };
  if (value instanceof Uint8Array) return { bytes: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  return { string: JSON.stringify(value) };
}

/** A decoded output value: JSON parsed, text kept as text, bytes as a Buffer. */
export function fromRpcData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json != null) return JSON.parse(data.json) as unknown;
  if (data.string != null) return data.string;
  if (data.bytes != null) return Buffer.from(data.bytes);
  if (data.stream != null) return Buffer.from(data.stream);
  if (data.int != null) return Number(data.int);
  if (data.double != null) return data.double;
  if (data.http != null) return fromRpcHttpResponse(data.http);
  return undefined;
}

/** Decodes an HTTP response. */
export function fromRpcHttpResponse(http: RpcHttpData): HttpResponseData {
  const body = http.body;
  let bytes: Buffer;
  if (body?.bytes) bytes = Buffer.from(body.bytes);
  else if (body?.string != null) bytes = Buffer.from(body.string);
  else if (body?.json != null) bytes = Buffer.from(body.json);
  else bytes = Buffer.alloc(0);
  return { status: Number(http.statusCode ?? 200), headers: { ...(http.headers ?? {}) }, body: bytes };
}

/** Output values of a response by binding name (the `$return` value under `$return`). */
export function outputsOf(response: RpcInvocationResponse): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const binding of response.outputData ?? []) if (binding.name) out[binding.name] = fromRpcData(binding.data);
  if (response.returnValue) out.$return = fromRpcData(response.returnValue);
  return out;
}
