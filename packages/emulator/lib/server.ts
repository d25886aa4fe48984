/**
 * The emulator's HTTP server: Kusto's REST endpoints on node:http.
 *
 * - POST /v1/rest/mgmt                    management commands (v1 response)
 * - POST /v2/rest/query                   queries (v2 frames)
 * - POST /v1/rest/query                   queries (v1 tables with TableOfContents)
 * - POST /v1/rest/ingest/{db}/{table}     streaming ingestion (?streamFormat=…&mappingName=…), into tables whose
 *                                         streaming ingestion policy (or their database's) is enabled
 * - GET  /v1/rest/auth/metadata           404, as a cluster without Entra ID: clients fall back to defaults
 * - GET  /v1/rest/ping                    liveness
 * - /dm/…                                 the data management service's storage (queued ingestion), when given
 * Every failure is answered with Kusto's error object and the client request id echoed.
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
import { executeQuery } from './kql';
import { errorResponse, managementResponse, queryResponseV1, queryResponseV2, type RequestIdentity } from './protocol';
import { applyLimitOptions, readRequestProperties } from './requestProperties';
import type { Value } from './model';
import { type IngestionResources, resultTable } from './commands/context';
import { streamingIngestionEnabled } from './commands/policyCommands';
import type { StorageEndpoint } from './dataManagement/dataManagement';

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
}

/** What the `onRequest` listener is told about a request once it is answered. */
export interface RequestInfo {
  /** HTTP method. */
  method: string;
  /** Path and query string. */
  url: string;
  /** Request headers as received (lower-case names). */
  headers: http.IncomingHttpHeaders;
  /** HTTP status answered. */
  status: number;
  /** The client request id echoed. */
  clientRequestId: string;
  /** Time to answer, in milliseconds. */
  durationMs: number;
}

/** Turns anything thrown while serving into the Kusto error the client receives. */
export function toKustoError(error: unknown): KustoEmulatorError {
  if (error instanceof KustoEmulatorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new KustoEmulatorError(`The emulator failed while serving the request: ${message}`, {
    status: 500,
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
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw syntaxError('The request body must be a JSON object with "db" and "csl".');
  const { db, csl, properties } = json as Record<string, unknown>;
  if (typeof csl !== 'string' || csl.trim() === '')
    throw syntaxError('The request body has no "csl" (the query or command text).');
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
        resolve(typeof address === 'object' && address ? address.port : port);
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

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.options.storage?.owns(req.url ?? '/')) return this.serveStorage(this.options.storage, req, res);
    const started = performance.now();
    const header = req.headers['x-ms-client-request-id'];
    const identity: RequestIdentity = {
      clientRequestId: (Array.isArray(header) ? header[0] : header) || `KustoEmulator.unknown;${randomUUID()}`,
      activityId: randomUUID(),
      activityType: 'DN.FE.Request',
    };
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const segments = url.pathname.split('/').filter((s) => s !== '');
      const route = segments.map((s) => s.toLowerCase());
      const method = req.method ?? 'GET';
      const is = (...parts: string[]): boolean =>
        route.length === parts.length && parts.every((p, i) => p === route[i]);
      if (is('v1', 'rest', 'auth', 'metadata')) {
        identity.activityType = 'DN.FE.AuthMetadata';
        throw notFound(
          'This Kusto emulator has no Entra ID (Azure AD) authentication: there is no auth metadata. Connect without credentials.',
        );
      }
      if (is('v1', 'rest', 'ping')) {
        this.send(res, 200, identity, 'Pong', 'text/plain; charset=utf-8');
        return;
      }
      const known =
        is('v1', 'rest', 'mgmt') ||
        is('v2', 'rest', 'query') ||
        is('v1', 'rest', 'query') ||
        (route.length === 5 && route[0] === 'v1' && route[1] === 'rest' && route[2] === 'ingest');
      if (!known) throw notFound(`No Kusto REST endpoint at ${method} ${url.pathname}.`);
      if (method !== 'POST') {
        throw new KustoEmulatorError(`${url.pathname} accepts POST only, not ${method}.`, {
          status: 405,
          code: 'MethodNotAllowed',
        });
      }
      const body = await readBody(req);
      if (is('v1', 'rest', 'mgmt')) {
        identity.activityType = 'DN.AdminCommand';
        const answer = this.management(body);
        // Acknowledged only once durable: written and fsynced (at once without a dataDir).
        await this.options.catalog.commit();
        this.send(res, 200, identity, answer);
      } else if (is('v2', 'rest', 'query') || is('v1', 'rest', 'query')) {
        identity.activityType = 'DN.FE.ExecuteQuery';
        this.send(res, 200, identity, this.query(body, route[0] === 'v2' ? 2 : 1, identity));
      } else {
        identity.activityType = 'DN.FE.StreamingIngest';
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
      if (!res.headersSent) this.send(res, kustoError.status, identity, errorResponse(kustoError, identity));
      else res.destroy();
    }
    this.reportRequest(req, res, identity.clientRequestId, started);
  }

  /** A storage request of the data management service: answered by it, in Azure Storage's shapes. */
  private async serveStorage(
    storage: StorageEndpoint,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const started = performance.now();
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
        headers: req.headers,
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

  private management(body: Buffer): string {
    const request = parseCommandBody(body);
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
      },
      request.csl,
    );
    return managementResponse(result);
  }

  private query(body: Buffer, version: 1 | 2, identity: RequestIdentity): string {
    const request = parseCommandBody(body);
    if (request.csl.trimStart().startsWith('.')) {
      throw syntaxError(
        "Management commands (starting with '.') must be sent to /v1/rest/mgmt, not to the query endpoint.",
      );
    }
    const properties = readRequestProperties(request.properties);
    const database = this.options.catalog.require(request.db);
    const started = performance.now();
    const setOptions: Record<string, Value> = {};
    const results = executeQuery({
      catalog: this.options.catalog,
      database,
      text: request.csl,
      parameters: properties.parameters,
      options: properties.options,
      now: properties.now,
      setOptions,
    });
    const elapsedMs = performance.now() - started;
    // `set notruncation;` and friends in the query text act like the request options of the same names.
    const limits = applyLimitOptions(properties.limits, (name) => {
      const key = Object.keys(setOptions).find((k) => k.toLowerCase() === name);
      return key === undefined ? undefined : setOptions[key];
    });
    const run = { results, limits, elapsedMs };
    return version === 2 ? queryResponseV2(run, identity) : queryResponseV1(run, identity);
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
