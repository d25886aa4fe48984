/**
 * Spec support: a loopback HTTP proxy in front of the emulator that answers with faults for chosen requests —
 * throttling (429), service errors (5xx, marked transient or permanent), a connection reset before the request is
 * forwarded, or after it was served (the response is lost), or no answer at all (a cluster gone silent) — and records
 * every request it saw.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';

/** What the proxy does with one request. */
export type Fault =
  | { kind: 'status'; status: number; permanent?: boolean; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'resetAfterServing' }
  | { kind: 'silent' };

/** A request the proxy received. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body as text (gzip bodies inflated). */
  body: string;
  /** The fault it got, if any. */
  fault?: Fault['kind'];
  /** The status answered (0 for a reset). */
  status: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: ProxiedRequest[];
  /** Answers the next `count` requests whose path starts with `pathPrefix` with `fault`. */
  failNext(count: number, fault: Fault, pathPrefix?: string): void;
  /** Forgets the recorded requests and pending faults. */
  reset(): void;
  close(): Promise<void>;
}

interface PendingFault {
  remaining: number;
  fault: Fault;
  pathPrefix: string;
}

function kustoError(status: number, permanent: boolean): string {
  const message =
    status === 429 ? 'The request was throttled (fault proxy).' : `Service unavailable (fault proxy, ${status}).`;
  return JSON.stringify({
    error: {
      code: status === 429 ? 'LimitsExceeded' : 'ServiceUnavailable',
      message,
      '@type': 'Kusto.Common.Svc.Exceptions.ThrottledRequestException',
      '@message': message,
      '@permanent': permanent,
    },
  });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function bodyText(body: Buffer, encoding: string | undefined): string {
  try {
    return (encoding === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8');
  } catch {
    return body.toString('utf8');
  }
}

/** Starts a proxy forwarding to `target` (an `http://host:port` origin). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const requests: ProxiedRequest[] = [];
  let pending: PendingFault[] = [];
  const agent = new http.Agent({ keepAlive: true });

  const takeFault = (path: string): Fault | undefined => {
    const entry = pending.find((p) => p.remaining > 0 && path.startsWith(p.pathPrefix));
    if (!entry) return undefined;
    entry.remaining--;
    return entry.fault;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '/';
      const record: ProxiedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: bodyText(body, req.headers['content-encoding'] as string | undefined),
        status: 0,
      };
      requests.push(record);
      const fault = takeFault(path);
      record.fault = fault?.kind;
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      // Never answered: the connection stays open until the proxy closes.
      if (fault?.kind === 'silent') return;
      if (fault?.kind === 'status') {
        const text = kustoError(fault.status, fault.permanent ?? false);
        const headers: http.OutgoingHttpHeaders = {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
        };
        if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
        record.status = fault.status;
        res.writeHead(fault.status, headers).end(text);
        return;
      }
      const upstream = http.request(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path,
          headers: { ...req.headers, host: targetUrl.host },
          agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            if (fault?.kind === 'resetAfterServing') {
              req.socket.destroy();
              return;
            }
            record.status = answer.statusCode ?? 0;
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
          });
        },
      );
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, fault, pathPrefix = '/') {
      pending.push({ remaining: count, fault, pathPrefix });
    },
    reset() {
      requests.length = 0;
      pending = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
