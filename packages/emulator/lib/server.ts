/**
 * The emulator's HTTP server: Kusto's REST endpoints on node:http.
 *
 * - POST /v1/rest/mgmt                    management commands (v1 response)
 * - POST|GET /v2/rest/query               queries (v2 frames); GET takes db, csl and properties as URL parameters
 * - POST|GET /v1/rest/query               queries (v1 tables with TableOfContents)
 * - POST /v1/rest/ingest/{db}/{table}     streaming ingestion (?streamFormat=…&mappingName=…), into tables whose
 *                                         streaming ingestion policy (or their database's) is enabled
 * - GET  /v1/rest/auth/metadata           404, as a cluster without Entra ID: clients fall back to defaults; with
 *                                         `identity`, the Entra ID metadata naming the local issuer and this cluster
 * - GET  /v1/rest/ping                    liveness
 * - GET  / and /page/…                    the query page (./page), built into dist/page
 * - /dm/…                                 the data management service's storage (queued ingestion), when given
 * Every failure is answered with Kusto's error object and the client request id echoed.
 *
 * Only this machine's tools and pages may call it (./requestOrigin): a request whose `Host` is not a loopback name or
 * the bound address (DNS rebinding), or whose `Origin` is neither the server's own nor an allowed one, is refused with
 * 403 before anything runs; and the endpoints that change data take only the content types the official clients send,
 * none of which a web page can send cross-origin without a CORS preflight (which only allowed origins pass).
 */
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { Catalog } from './catalog';
import { nowTicks } from './clock';
import { executeCommand } from './commands';
import { KustoEmulatorError, notSupported, streamingIngestionNotEnabled, syntaxError } from './errors';
import { ingestData, resolveMapping } from './ingest/ingestData';
import { parseFormat } from './ingest/formats';
import { executeQueryAsync } from './kql';
import { errorResponse, managementResponse, queryResponseV1, queryResponseV2, type RequestIdentity } from './protocol';
import { limitsExceeded } from './limits';
import { applyLimitOptions, readRequestProperties } from './requestProperties';
import type { Value } from './model';
import { type IngestionResources, resultTable } from './commands/context';
import { streamingIngestionEnabled } from './commands/policyCommands';
import type { StorageEndpoint } from './dataManagement/dataManagement';
import { foreignRequestReason, isAllowedOrigin, type ListenAddress, mediaTypeOf } from './requestOrigin';
import { pageFileOf, servePageFile } from './page';
import { type Caller, DEVELOPER, type TokenVerifier } from './identity/tokens';
import { authorize } from './identity/principals';
import { commandPermission } from './identity/authorization';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

/** Largest request body accepted, compressed or not (inline ingestion can be large; memory is not). */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** Options of the server. */
export interface EmulatorServerOptions {
  /** The databases it serves. */
  catalog: Catalog;
  /** Where `persist` databases live; commands that create them need it. */
  dataDir?: string;
  /** Called after each response (for request logs and specs). */
  onRequest?: (info: RequestInfo) => void;
  /** The data management service's storage endpoint: requests it owns are handed to it. */
  storage?: StorageEndpoint;
  /** The data management service `.get ingestion resources` reports; without it, those commands are refused. */
  ingestionResources?: IngestionResources;
  /** Web page origins (normalized, or `*`) allowed besides the server's own; see ./requestOrigin. */
  allowedOrigins?: readonly string[];
  /** Checks bearer tokens and database roles (EmulatorOptions.identity); without it, every caller may do everything. */
  identity?: TokenVerifier;
}

// What the official clients send to the endpoints that change data (azure-kusto-data 7: application/json for
// queries and commands; streaming ingestion: application/octet-stream from Node, application/json from browsers).
const COMMAND_TYPES = ['application/json'];
const INGEST_TYPES = ['application/octet-stream', 'application/json'];
// The Azure Storage clients (blob, queue, table) under /dm: their bodies' types. A POST (the one method a page may
// send cross-origin without a preflight) must carry one of them; PUT, DELETE and MERGE always need a preflight.
const STORAGE_POST_TYPES = ['application/xml', 'application/json', 'application/octet-stream', 'multipart/mixed'];
// How long a browser may cache a preflight's answer (seconds).
const PREFLIGHT_MAX_AGE = '600';

function forbidden(message: string): KustoEmulatorError {
  return new KustoEmulatorError(message, {
    status: 403,
    code: 'Forbidden',
    kustoType: 'Kusto.Data.Exceptions.KustoRequestDeniedException',
  });
}

function requireContentType(req: http.IncomingMessage, accepted: readonly string[], endpoint: string): void {
  const media = mediaTypeOf(req.headers);
  if (media !== undefined && accepted.includes(media)) return;
  throw new KustoEmulatorError(
    `${endpoint} takes a body of Content-Type ${accepted.join(' or ')}` +
      (accepted[0] === 'application/json' ? ' (charset=utf-8)' : '') +
      `; got ${media === undefined ? 'none' : `'${req.headers['content-type']}'`}.`,
    { status: 400, code: 'BadRequest_UnsupportedContentType' },
  );
}

/** What the `onRequest` listener is told about a request once it is answered. */
export interface RequestInfo {
  /** HTTP method. */
  method: string;
  /** Path and query string. */
  url: string;
  /** Request headers as received (lower-case names), but for a bearer token's text (`Bearer <redacted>`). */
  headers: http.IncomingHttpHeaders;
  /** HTTP status answered. */
  status: number;
  /** The client request id echoed. */
  clientRequestId: string;
  /** Time to answer, in milliseconds. */
  durationMs: number;
}

/**
 * Turns anything thrown while serving into the Kusto error the client receives: an unexpected failure is the REST
 * API's 520 (ServiceError), as Kusto answers with a KustoServiceException.
 */
export function toKustoError(error: unknown): KustoEmulatorError {
  if (error instanceof KustoEmulatorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new KustoEmulatorError(`The emulator failed while serving the request: ${message}`, {
    status: 520,
    code: 'Internal_UnexpectedError',
    kustoType: 'Kusto.Data.Exceptions.KustoServiceException',
    permanent: false,
  });
}

function notFound(what: string): KustoEmulatorError {
  return new KustoEmulatorError(what, {
    status: 404,
    code: 'NotFound',
    kustoType: 'Kusto.Data.Exceptions.KustoRequestException',
  });
}

/** A request's headers for listeners and logs: a bearer token is a secret, so only its scheme is kept. */
function withoutCredentials(headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders {
  const authorization = headers.authorization;
  if (authorization === undefined) return headers;
  return { ...headers, authorization: `${authorization.split(' ', 1)[0]} <redacted>` };
}

/** Reads a request body, decompressing it per Content-Encoding (gzip / deflate). */
async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new KustoEmulatorError(`The request body exceeds the emulator's limit of ${MAX_BODY_BYTES} bytes.`, {
        status: 413,
        code: 'BadRequest_PayloadTooLarge',
      });
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? '').toString().trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  try {
    if (encoding === 'gzip') return await gunzip(body, { maxOutputLength: MAX_BODY_BYTES });
    if (encoding === 'deflate') return await inflate(body, { maxOutputLength: MAX_BODY_BYTES });
  } catch (error) {
    throw syntaxError(`The request body is not valid ${encoding} data: ${(error as Error).message}.`);
  }
  throw syntaxError(`Unsupported Content-Encoding '${encoding}': send gzip, deflate or an uncompressed body.`);
}

interface CommandBody {
  db: string;
  csl: string;
  properties: unknown;
}

function parseCommandBody(body: Buffer): CommandBody {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw syntaxError('The request body is not valid JSON: expected {"db": "…", "csl": "…", "properties": {…}}.');
  }
  return parseCommandRequest(json);
}

/** The db, csl and properties of a request, from its JSON body or (GET) its URL parameters. */
function parseCommandRequest(json: unknown): CommandBody {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw syntaxError('The request body must be a JSON object with "db" and "csl".');
  const { db, csl, properties } = json as Record<string, unknown>;
  if (typeof csl !== 'string' || csl.trim() === '')
    throw syntaxError('The request has no "csl" (the query or command text).');
  if (db !== undefined && db !== null && typeof db !== 'string')
    throw syntaxError('The request body\'s "db" must be a string.');
  return { db: typeof db === 'string' && db !== '' ? db : 'NetDefaultDB', csl, properties };
}

/** The Kusto REST endpoint over a catalog. */
export class EmulatorServer {
  /** The underlying node:http server. */
  readonly http: http.Server;
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  /** Where it listens, once it does: the origin rule compares Host and Origin with it. */
  private listening: ListenAddress | undefined;

  constructor(private readonly options: EmulatorServerOptions) {
    this.http = http.createServer((req, res) => {
      const work = this.handle(req, res)
        .catch(() => {
          res.destroy();
        })
        .finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    });
  }

  /** Starts listening; rejects with an error naming host and port when the port is taken. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.http.off('listening', onListening);
        if (error.code === 'EADDRINUSE') {
          reject(
            new Error(
              `Kusto emulator cannot listen on ${host}:${port}: the port is already in use. Stop what uses it or choose another port (0 picks a free one).`,
            ),
          );
        } else {
          reject(new Error(`Kusto emulator cannot listen on ${host}:${port}: ${error.message}`));
        }
      };
      const onListening = (): void => {
        this.http.off('error', onError);
        const address = this.http.address();
        const actual = typeof address === 'object' && address ? address.port : port;
        this.listening = { host, port: actual };
        resolve(actual);
      };
      this.http.once('error', onError);
      this.http.once('listening', onListening);
      this.http.listen(port, host);
    });
  }

  /** Stops accepting requests, lets those under way finish, then closes every connection. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    await Promise.allSettled([...this.inFlight]);
    this.http.closeIdleConnections();
    // Bounded: a client that never reads its response must not keep close() waiting forever.
    const timer = setTimeout(() => this.http.closeAllConnections(), 5000);
    await closed;
    clearTimeout(timer);
  }

  /**
   * Refuses (403) a request from elsewhere than this machine's tools and pages, and answers a permitted page's CORS
   * preflight; true when the request was answered here. A permitted page's other requests get the CORS headers.
   */
  private answeredByOriginRule(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    identity: RequestIdentity,
  ): boolean {
    if (!this.listening) return false;
    const allowed = this.options.allowedOrigins ?? [];
    const refusal = foreignRequestReason(req.headers, this.listening, allowed);
    if (refusal !== undefined) {
      // Drain what the page sent without reading it into memory, so the connection can answer.
      req.resume();
      this.send(res, 403, identity, errorResponse(forbidden(refusal), identity));
      return true;
    }
    const origin = req.headers.origin;
    // The server's own pages are same-origin and need no CORS headers; an allowed origin's pages do.
    if (origin === undefined || !isAllowedOrigin(origin, allowed)) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'x-ms-client-request-id, x-ms-activity-id, x-ms-request-id');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      const requested = req.headers['access-control-request-headers'];
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, HEAD, MERGE, PATCH',
        ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
        'Content-Length': 0,
      });
      res.end();
      return true;
    }
    return false;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const header = req.headers['x-ms-client-request-id'];
    const identity: RequestIdentity = {
      clientRequestId: (Array.isArray(header) ? header[0] : header) || `KustoEmulator.unknown;${randomUUID()}`,
      activityId: randomUUID(),
      activityType: 'DN.FE.Request',
    };
    if (this.answeredByOriginRule(req, res, identity)) {
      this.reportRequest(req, res, identity.clientRequestId, started);
      return;
    }
    if (this.options.storage?.owns(req.url ?? '/')) {
      if (req.method === 'POST') {
        try {
          requireContentType(req, STORAGE_POST_TYPES, `POST ${new URL(req.url ?? '/', 'http://emulator').pathname}`);
        } catch (error) {
          req.resume();
          this.send(res, 400, identity, errorResponse(toKustoError(error), identity));
          this.reportRequest(req, res, identity.clientRequestId, started);
          return;
        }
      }
      return this.serveStorage(this.options.storage, req, res, started);
    }
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const segments = url.pathname.split('/').filter((s) => s !== '');
      const route = segments.map((s) => s.toLowerCase());
      const method = req.method ?? 'GET';
      const is = (...parts: string[]): boolean =>
        route.length === parts.length && parts.every((p, i) => p === route[i]);
      if (is('v1', 'rest', 'auth', 'metadata')) {
        identity.activityType = 'DN.FE.AuthMetadata';
        const verifier = this.options.identity;
        if (verifier?.resource !== undefined) {
          // As a cluster with Entra ID: azure-kusto-data asks its credential for `${KustoServiceResourceId}/.default`,
          // so tokens are for this cluster's URL.
          const metadata = {
            AzureAD: {
              LoginEndpoint: verifier.loginEndpoint,
              LoginMfaRequired: false,
              KustoClientAppId: 'db662dc1-0cfe-4e1c-a843-19a68e65be58',
              KustoClientRedirectUri: 'https://microsoft/kustoclient',
              KustoServiceResourceId: verifier.resource,
              FirstPartyAuthorityUrl: `${verifier.loginEndpoint}/f8cdef31-a31e-4b4a-93e4-5f571e91255a`,
            },
          };
          this.send(res, 200, identity, JSON.stringify(metadata));
          this.reportRequest(req, res, identity.clientRequestId, started);
          return;
        }
        throw notFound(
          'This Kusto emulator has no Entra ID (Azure AD) authentication: there is no auth metadata. Connect without credentials.',
        );
      }
      if (is('v1', 'rest', 'ping')) {
        this.send(res, 200, identity, 'Pong', 'text/plain; charset=utf-8');
        return;
      }
      const pageFile = method === 'GET' || method === 'HEAD' ? pageFileOf(url.pathname) : undefined;
      if (pageFile !== undefined) {
        await servePageFile(pageFile, req, res);
        this.reportRequest(req, res, identity.clientRequestId, started);
        return;
      }
      const known =
        is('v1', 'rest', 'mgmt') ||
        is('v2', 'rest', 'query') ||
        is('v1', 'rest', 'query') ||
        (route.length === 5 && route[0] === 'v1' && route[1] === 'rest' && route[2] === 'ingest');
      if (!known) throw notFound(`No Kusto REST endpoint at ${method} ${url.pathname}.`);
      const caller = this.callerOf(req);
      const isQuery = is('v2', 'rest', 'query') || is('v1', 'rest', 'query');
      if (isQuery && method === 'GET') {
        // The REST API's GET form: db, csl and properties as URL parameters (a query only: it changes nothing).
        identity.activityType = 'DN.FE.ExecuteQuery';
        const request = parseCommandRequest({
          db: url.searchParams.get('db') ?? undefined,
          csl: url.searchParams.get('csl') ?? undefined,
          properties: url.searchParams.get('properties') ?? undefined,
        });
        authorize(this.options.catalog, caller, request.db, 'read', 'query');
        this.send(res, 200, identity, await this.query(request, route[0] === 'v2' ? 2 : 1, identity, caller));
        this.reportRequest(req, res, identity.clientRequestId, started);
        return;
      }
      if (method !== 'POST') {
        throw new KustoEmulatorError(`${url.pathname} accepts POST${isQuery ? ' or GET' : ''} only, not ${method}.`, {
          status: 405,
          code: 'MethodNotAllowed',
        });
      }
      if (is('v1', 'rest', 'mgmt') || isQuery) requireContentType(req, COMMAND_TYPES, `POST ${url.pathname}`);
      else requireContentType(req, INGEST_TYPES, 'Streaming ingestion (POST /v1/rest/ingest/{database}/{table})');
      const body = await readBody(req);
      if (is('v1', 'rest', 'mgmt')) {
        identity.activityType = 'DN.AdminCommand';
        const answer = this.management(body, caller);
        // Acknowledged only once durable: written and fsynced (at once without a dataDir).
        await this.options.catalog.commit();
        this.send(res, 200, identity, answer);
      } else if (isQuery) {
        identity.activityType = 'DN.FE.ExecuteQuery';
        const request = parseCommandBody(body);
        authorize(this.options.catalog, caller, request.db, 'read', 'query');
        this.send(res, 200, identity, await this.query(request, route[0] === 'v2' ? 2 : 1, identity, caller));
      } else {
        identity.activityType = 'DN.FE.StreamingIngest';
        authorize(this.options.catalog, caller, decodeURIComponent(segments[3]), 'ingest', 'ingest (streaming)');
        const answer = this.streamingIngest(
          decodeURIComponent(segments[3]),
          decodeURIComponent(segments[4]),
          url.searchParams,
          body,
        );
        await this.options.catalog.commit();
        this.send(res, 200, identity, answer);
      }
    } catch (error) {
      const kustoError = toKustoError(error);
      if (!res.headersSent) {
        // A refused body is left unread: drain it so that the answer reaches the client.
        if (!req.readableEnded) req.resume();
        this.send(res, kustoError.status, identity, errorResponse(kustoError, identity));
      } else res.destroy();
    }
    this.reportRequest(req, res, identity.clientRequestId, started);
  }

  /** A storage request of the data management service: answered by it, in Azure Storage's shapes. */
  private async serveStorage(
    storage: StorageEndpoint,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    started = performance.now(),
  ): Promise<void> {
    await storage.serve(req, res, this.closing);
    const header = req.headers['x-ms-client-request-id'];
    this.reportRequest(req, res, (Array.isArray(header) ? header[0] : header) ?? '', started);
  }

  /** Tells the onRequest listener about an answered request. */
  private reportRequest(req: http.IncomingMessage, res: http.ServerResponse, clientRequestId: string, started: number) {
    try {
      this.options.onRequest?.({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: withoutCredentials(req.headers),
        status: res.statusCode,
        clientRequestId,
        durationMs: performance.now() - started,
      });
    } catch {
      // A failing listener must not take the server down.
    }
  }

  private send(
    res: http.ServerResponse,
    status: number,
    identity: RequestIdentity,
    body: string,
    type = 'application/json; charset=utf-8',
  ): void {
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'x-ms-client-request-id': identity.clientRequestId,
      'x-ms-activity-id': identity.activityId,
    };
    if (this.closing) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
  }

  /** Who sent a request: the principal its bearer token names, or (no token, or no identity check) the developer. */
  private callerOf(req: http.IncomingMessage): Caller {
    const verifier = this.options.identity;
    if (!verifier) return DEVELOPER;
    const header = req.headers.authorization;
    return verifier.callerOf(Array.isArray(header) ? header[0] : header);
  }

  private management(body: Buffer, caller: Caller): string {
    const request = parseCommandBody(body);
    const needs = commandPermission(request.csl, request.db);
    authorize(this.options.catalog, caller, needs.database, needs.permission, needs.action);
    const principal = caller.kind === 'principal' ? caller.fqn : undefined;
    const properties = readRequestProperties(request.properties);
    const result = executeCommand(
      {
        catalog: this.options.catalog,
        databaseName: request.db,
        parameters: properties.parameters,
        options: properties.options,
        now: properties.now,
        dataDir: this.options.dataDir,
        ingestionResources: this.options.ingestionResources,
        caller: principal,
      },
      request.csl,
    );
    return managementResponse(result);
  }

  /** Runs a query in slices (executeQueryAsync), so that other requests are served while it runs. */
  private async query(
    request: CommandBody,
    version: 1 | 2,
    identity: RequestIdentity,
    caller: Caller,
  ): Promise<string> {
    if (request.csl.trimStart().startsWith('.')) {
      throw syntaxError(
        "Management commands (starting with '.') must be sent to /v1/rest/mgmt, not to the query endpoint.",
      );
    }
    const properties = readRequestProperties(request.properties);
    const database = this.options.catalog.require(request.db);
    const started = performance.now();
    const setOptions: Record<string, Value> = {};
    const results = await executeQueryAsync({
      catalog: this.options.catalog,
      database,
      text: request.csl,
      parameters: properties.parameters,
      options: properties.options,
      now: properties.now,
      setOptions,
      // Each database a query reads needs the caller's role there, not only the request's database.
      readDatabase: (name) => authorize(this.options.catalog, caller, name, 'read', 'query'),
    });
    const elapsedMs = performance.now() - started;
    // `set notruncation;` and friends in the query text act like the request options of the same names.
    const limits = applyLimitOptions(properties.limits, (name) => {
      const key = Object.keys(setOptions).find((k) => k.toLowerCase() === name);
      return key === undefined ? undefined : setOptions[key];
    });
    const run = { results, limits, elapsedMs };
    try {
      return version === 2 ? queryResponseV2(run, identity) : queryResponseV1(run, identity);
    } catch (error) {
      // A response past V8's longest string (with notruncation): the query's limit, not the server's failure.
      if (error instanceof RangeError) throw limitsExceeded(`the response is too large to write: ${error.message}.`);
      throw error;
    }
  }

  private streamingIngest(databaseName: string, tableName: string, params: URLSearchParams, body: Buffer): string {
    const param = (name: string): string | undefined => {
      for (const [key, value] of params) if (key.toLowerCase() === name) return value;
      return undefined;
    };
    if (param('sourcekind')?.toLowerCase() === 'uri') throw notSupported('Streaming ingestion from a blob URI');
    const formatName = param('streamformat');
    if (!formatName)
      throw syntaxError('Streaming ingestion needs the streamFormat query parameter (csv, json, multijson, …).');
    const format = parseFormat(formatName);
    const catalog = this.options.catalog;
    const database = catalog.require(databaseName);
    const table = catalog.requireTable(database, tableName);
    if (!streamingIngestionEnabled(catalog, database, table)) {
      throw streamingIngestionNotEnabled(database.name, table.name);
    }
    const mappingName = param('mappingname');
    const mapping = mappingName ? resolveMapping(table, format, mappingName) : undefined;
    const extent = ingestData({
      table,
      data: body.toString('utf8'),
      format,
      mapping,
      now: nowTicks(),
      sourceLocation: '',
    });
    if (extent) catalog.markChanged(database);
    return managementResponse(
      resultTable(
        [
          ['ConsumedRecordsCount', 'long'],
          ['UpdatePolicyStatus', 'string'],
          ['UpdatePolicyFailureCode', 'string'],
          ['UpdatePolicyFailureReason', 'string'],
        ],
        [[BigInt(extent?.rows.length ?? 0), 'Inactive', 'Unknown', '']],
      ),
    );
  }
}
