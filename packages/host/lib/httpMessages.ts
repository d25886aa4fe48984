/**
 * HTTP requests into the worker's form, and the worker's HTTP responses back onto the wire: status, headers,
 * cookies (as Set-Cookie) and body, as the Functions host writes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpData, RpcTypedData } from './worker';

/** The largest request body the host reads (the Functions host's default limit: 100 MB). */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

/** Thrown when a request body is over {@link MAX_REQUEST_BODY_BYTES}. */
export class RequestTooLargeError extends Error {
  constructor() {
    super(`The request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes.`);
    this.name = 'RequestTooLargeError';
  }
}

/** Reads a request's body; rejects with {@link RequestTooLargeError} past the limit. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new RequestTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Request headers as one string per name (lower case), repeated headers joined as HTTP allows. */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return headers;
}

/** The body parsed as JSON for binding expressions (`{Prop}`), or undefined when it is not JSON. */
export function jsonBodyOf(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The worker's form of an HTTP request: bytes for the body, as the host sends them. */
export function toRpcHttp(
  method: string,
  url: URL,
  headers: Record<string, string>,
  params: Record<string, string>,
  body: Buffer,
): RpcTypedData {
  const http: RpcHttpData = {
    method,
    url: url.toString(),
    headers,
    params,
    query: Object.fromEntries(url.searchParams),
    body: body.length > 0 ? { bytes: body } : undefined,
  };
  return { http };
}

interface RpcNullable<T> {
  value?: T | null;
}

/** A cookie as @azure/functions sends it (RpcHttpCookie). */
interface RpcCookie {
  name?: string | null;
  value?: string | null;
  domain?: RpcNullable<string> | null;
  path?: RpcNullable<string> | null;
  expires?: RpcNullable<{ seconds?: number | string | null }> | null;
  secure?: RpcNullable<boolean> | null;
  httpOnly?: RpcNullable<boolean> | null;
  sameSite?: string | null;
  maxAge?: RpcNullable<number> | null;
}

/** A Set-Cookie header value for a cookie (RFC 6265), as the host writes it. */
export function toSetCookie(cookie: RpcCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (seconds !== undefined && seconds !== null)
    parts.push(`Expires=${new Date(Number(seconds) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined && cookie.maxAge.value !== null) {
    parts.push(`Max-Age=${Math.trunc(cookie.maxAge.value)}`);
  }
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' }[cookie.sameSite ?? ''];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  if (body.stream) return Buffer.from(body.stream);
  if (body.string != null) return Buffer.from(body.string);
  if (body.json != null) return Buffer.from(body.json);
  if (body.int != null || body.double != null) return Buffer.from(String(body.int ?? body.double));
  return Buffer.alloc(0);
}

/**
 * Writes the function's HTTP response. No response (the handler returned nothing) is a 204, as the harness and
 * the host answer.
 */
export function writeRpcHttpResponse(res: ServerResponse, http: RpcHttpData | undefined, extraHeaders = {}): void {
  if (!http) {
    res.writeHead(204, extraHeaders).end();
    return;
  }
  const status = Number(http.statusCode ?? 200) || 200;
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  for (const [name, value] of Object.entries(http.headers ?? {})) headers[name] = value;
  const cookies = (http.cookies ?? []) as RpcCookie[];
  if (cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : [existing].flat()), ...cookies.map(toSetCookie)];
  }
  const body = bodyBytes(http.body);
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  if (!noBody) headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(noBody ? undefined : body);
}
