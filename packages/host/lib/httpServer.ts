/**
 * The host's HTTP listener: HTTP triggers under the route prefix, and the admin API Core Tools offers locally —
 * `POST /admin/functions/<name>` with `{"input": …}` invokes a non-HTTP function (202 Accepted), and
 * `GET /admin/host/status` reports the host's state. The admin API serves only requests sent from this machine (the
 * origin rule of kusto-emulator, which the emulator applies too): a foreign `Origin` or a `Host` that is not this
 * server's is 403, and an invocation must be sent as `application/json` (415 otherwise), as Core Tools' clients send
 * it. The function routes follow the CORS policy when there is one (./cors); the admin API does not. With debug
 * logging each request is logged once answered. Closing stops accepting, lets requests under way finish, then
 * releases the port.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RpcHttpData, RpcInvocationResponse } from './worker';
import type { HostFunction } from './appFunctions';
import { HostStartError } from './errors';
import type { HostLogger } from './hostLog';
import type { HttpRouter } from './httpRouter';
import {
  jsonBodyOf,
  readBody,
  requestHeaders,
  RequestTooLargeError,
  toRpcHttp,
  writeRpcHttpResponse,
} from './httpMessages';
import { isPreflight, preflightHeaders, responseCorsHeaders, type CorsPolicy } from './cors';
import type { Invoker } from './invoker';
import { foreignRequestReason, hasJsonContentType, type ListenAddress } from 'kusto-emulator';
import { delay, SHUTDOWN_GRACE_MS } from './shutdown';
import { adminInvocation } from './triggerPayloads';

/** What the listener serves once the app is loaded. */
export interface HostRoutes {
  /** The HTTP router. */
  router: HttpRouter;
  /** The route prefix (may be empty). */
  routePrefix: string;
  /** Every function, by lower-case name (for the admin API). */
  functions: ReadonlyMap<string, HostFunction>;
  /** Runs invocations. */
  invoker: Invoker;
  /** CORS on the function routes (`--cors`, local.settings.json `Host.CORS`); none when undefined. */
  cors?: CorsPolicy;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const HTTP_REASON = 'This function was programmatically called via the host APIs.';

function sendJson(res: http.ServerResponse, status: number, value: unknown, headers = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

function httpResponseOf(fn: HostFunction, response: RpcInvocationResponse | undefined): RpcHttpData | undefined {
  if (!response) return undefined;
  const bindings = fn.registered.metadata.bindings;
  const name = Object.keys(bindings).find(
    (n) => bindings[n].direction === 'out' && String(bindings[n].type).toLowerCase() === 'http',
  );
  if (name === undefined || name === '$return') return response.returnValue?.http ?? undefined;
  return response.outputData?.find((o) => o.name === name)?.data?.http ?? undefined;
}

/** The HTTP listener of a host. */
export class HostServer {
  readonly #server: http.Server;
  readonly #log: HostLogger;
  readonly #active = new Set<Promise<void>>();
  #routes: HostRoutes | undefined;
  #closing: Promise<void> | undefined;
  #listening: ListenAddress | undefined;

  constructor(log: HostLogger) {
    this.#log = log;
    this.#server = http.createServer((req, res) => {
      if (this.#log.enabled('debug')) {
        const started = performance.now();
        res.once('finish', () =>
          this.#log.host(
            'debug',
            // The path only: a query string may carry a function key or other secrets.
            `Request ${req.method} ${(req.url ?? '/').split('?')[0]} answered ${res.statusCode} in ${Math.round(performance.now() - started)} ms.`,
          ),
        );
      }
      const handled = this.#handle(req, res).catch((error: unknown) => {
        this.#log.host(
          'error',
          `Request ${req.method} ${req.url} failed: ${(error as Error)?.message ?? String(error)}`,
        );
        if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
        res.end();
      });
      const tracked = handled.finally(() => this.#active.delete(tracked));
      this.#active.add(tracked);
    });
    // Idle keep-alive sockets must not hold the process open after close().
    this.#server.keepAliveTimeout = 5000;
  }

  /** Listens; a port in use is a {@link HostStartError} naming the port and how to choose another. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.#server.off('listening', onListening);
        if (error.code === 'EADDRINUSE') {
          reject(
            new HostStartError(
              `Port ${port} is unavailable. Close the process using that port, or choose another port with --port <number>.`,
              { code: 'EADDRINUSE', cause: error },
            ),
          );
        } else if (error.code === 'EACCES') {
          reject(
            new HostStartError(`Port ${port} needs privileges on ${host}: choose another port with --port <number>.`, {
              code: 'EACCES',
              cause: error,
            }),
          );
        } else reject(new HostStartError(`Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      };
      const onListening = () => {
        this.#server.off('error', onError);
        this.#listening = { host, port: (this.#server.address() as AddressInfo).port };
        resolve(this.#listening.port);
      };
      this.#server.once('error', onError);
      this.#server.once('listening', onListening);
      this.#server.listen(port, host);
    });
  }

  /** Starts serving the app (until then requests get 503). */
  serve(routes: HostRoutes): void {
    this.#routes = routes;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const closing = this.#closing !== undefined;
    const extraHeaders: Record<string, string> = closing ? { connection: 'close' } : {};
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    } catch {
      res.writeHead(400, { 'content-length': 0, ...extraHeaders }).end();
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = url.pathname;
    if (/^\/admin(\/|$)/i.test(pathname)) return this.#admin(req, res, method, pathname, extraHeaders);
    const routes = this.#routes;
    if (!routes || closing) {
      res.writeHead(503, { 'retry-after': '1', 'content-length': 0, ...extraHeaders }).end();
      return;
    }
    if (routes.cors) {
      // As ASP.NET Core's CORS middleware: a preflight is answered before routing, whichever route it names.
      if (isPreflight(method, req.headers)) {
        res.writeHead(204, { ...preflightHeaders(routes.cors, req.headers), ...extraHeaders }).end();
        return;
      }
      Object.assign(extraHeaders, responseCorsHeaders(routes.cors, req.headers));
    }
    const path = stripPrefix(pathname, routes.routePrefix);
    const route = path === undefined ? ({ kind: 'notFound' } as const) : routes.router.route(method, path);
    if (route.kind === 'notFound') {
      res.writeHead(404, { 'content-length': 0, ...extraHeaders }).end();
      return;
    }
    if (route.kind === 'methodNotAllowed') {
      res.writeHead(405, { allow: route.allow.join(', '), 'content-length': 0, ...extraHeaders }).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof RequestTooLargeError)) throw error;
      res.writeHead(413, { 'content-length': 0, connection: 'close' }).end();
      return;
    }
    const headers = requestHeaders(req);
    const query = Object.fromEntries(url.searchParams);
    const outcome = await routes.invoker.invoke(route.fn, {
      trigger: toRpcHttp(method, url, headers, route.params, body),
      triggerMetadata: Object.fromEntries(Object.entries(route.params).map(([k, v]) => [k, { string: v }])),
      bindingData: { params: route.params, query, headers, body: jsonBodyOf(body) },
      reason: HTTP_REASON,
    });
    if (outcome.error) {
      // As the host: a failed invocation is a bare 500; the error is in the log, with the invocation id.
      res.writeHead(500, { 'content-length': 0, ...extraHeaders }).end();
      return;
    }
    writeRpcHttpResponse(res, httpResponseOf(route.fn, outcome.response), extraHeaders);
  }

  async #admin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    pathname: string,
    extraHeaders: Record<string, string>,
  ): Promise<void> {
    const refusal = this.#listening && foreignRequestReason(req.headers, this.#listening);
    if (refusal !== undefined) return sendJson(res, 403, { error: refusal }, extraHeaders);
    const routes = this.#routes;
    if (/^\/admin\/host\/status\/?$/i.test(pathname)) {
      const state = this.#closing ? 'Stopping' : routes ? 'Running' : 'Initialized';
      if (method !== 'GET') return sendJson(res, 405, { error: 'Use GET.' }, { allow: 'GET', ...extraHeaders });
      return sendJson(res, 200, { state }, extraHeaders);
    }
    const match = /^\/admin\/functions\/([^/]+)\/?$/i.exec(pathname);
    if (!match) return sendJson(res, 404, { error: `No admin endpoint ${pathname}.` }, extraHeaders);
    if (method !== 'POST') {
      return sendJson(res, 405, { error: 'Use POST with {"input": …}.' }, { allow: 'POST', ...extraHeaders });
    }
    if (!hasJsonContentType(req.headers)) {
      return sendJson(
        res,
        415,
        {
          error: 'Send the body as JSON with the header Content-Type: application/json: {"input": "<trigger input>"}.',
        },
        extraHeaders,
      );
    }
    if (!routes || this.#closing) {
      return sendJson(res, 503, { error: 'The host is not running.' }, { 'retry-after': '1', ...extraHeaders });
    }
    let name: string;
    try {
      name = decodeURIComponent(match[1]);
    } catch {
      return sendJson(res, 400, { error: 'The function name in the path is not valid URL encoding.' }, extraHeaders);
    }
    const fn = routes.functions.get(name.toLowerCase());
    if (!fn) return sendJson(res, 404, { error: `No function named '${name}'.` }, extraHeaders);
    if (fn.http) {
      return sendJson(
        res,
        400,
        {
          error: `'${fn.name}' is HTTP-triggered: call its route /${[routes.routePrefix, fn.http.template].filter(Boolean).join('/')} instead.`,
        },
        extraHeaders,
      );
    }
    let input: unknown;
    let text: string;
    try {
      text = (await readBody(req)).toString('utf8');
    } catch (error) {
      if (!(error instanceof RequestTooLargeError)) throw error;
      res.writeHead(413, { 'content-length': 0, connection: 'close' }).end();
      return;
    }
    if (text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return sendJson(res, 400, { error: 'The body must be JSON: {"input": "<trigger input>"}.' }, extraHeaders);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return sendJson(
          res,
          400,
          { error: 'The body must be a JSON object: {"input": "<trigger input>"}.' },
          extraHeaders,
        );
      }
      input = (parsed as { input?: unknown }).input;
    }
    // As Core Tools: accepted now, run in the background; the outcome is in the log.
    void routes.invoker.invoke(fn, adminInvocation(fn, input));
    res.writeHead(202, { 'content-length': 0, ...extraHeaders }).end();
  }

  /**
   * Stops accepting connections and new requests (those arriving on open connections get 503), waits for the
   * requests under way, then closes every connection and releases the port.
   */
  close(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    this.#closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (this.#active.size > 0 && Date.now() < deadline) {
        const timer = delay(deadline - Date.now());
        await Promise.race([Promise.allSettled([...this.#active]), timer.promise]);
        timer.cancel();
      }
      if (this.#active.size > 0) {
        this.#log.host(
          'warning',
          `${this.#active.size} request(s) still running after ${graceMs} ms: closing their connections.`,
        );
      }
      this.#server.closeAllConnections();
      await closed;
    })();
    return this.#closing;
  }
}

/** The path after the route prefix (case-insensitive), or undefined when the path is outside it. */
export function stripPrefix(pathname: string, prefix: string): string | undefined {
  if (prefix === '') return pathname.replace(/^\/+/, '');
  const lower = pathname.toLowerCase();
  const start = `/${prefix.toLowerCase()}`;
  if (lower === start) return '';
  if (lower.startsWith(start + '/')) return pathname.slice(start.length + 1);
  return undefined;
}
