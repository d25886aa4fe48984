/**
 * What every Azure Storage request of the data management service shares: the SAS it must carry, the
 * headers every response has, and failures in the two error shapes the SDKs parse (XML for blobs and
 * queues, OData JSON for tables).
 */
import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';

/** The SAS signature handed out by `.get ingestion resources`; requests without it are refused. */
export const EMULATOR_SAS_SIGNATURE = 'emulator';

/** The SAS query string the resource URLs carry (the service version is the one the SDKs send). */
export const EMULATOR_SAS = `sv=2024-11-04&sp=racwdlup&sig=${EMULATOR_SAS_SIGNATURE}`;

/** Largest request body the storage endpoints accept (blobs are held in memory). */
export const MAX_STORAGE_BODY_BYTES = 512 * 1024 * 1024;

/** Which error shape a failure is written in. */
export type StorageService = 'blob' | 'queue' | 'table';

/** A storage failure: HTTP status and Azure Storage's error code (`BlobNotFound`, `EntityAlreadyExists`, …). */
export class StorageError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** Azure Storage's error code, also sent as `x-ms-error-code`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** An operation the emulator's storage does not implement: 501, never a silent success. */
export function notImplemented(service: StorageService, operation: string): StorageError {
  return new StorageError(
    501,
    'NotImplemented',
    `The emulator's ${service} storage does not implement ${operation}; it serves only what azure-kusto-ingest uses.`,
  );
}

/** One storage request, parsed. */
export interface StorageRequest {
  /** The node request (headers, method). */
  req: http.IncomingMessage;
  /** HTTP method, upper case. */
  method: string;
  /** Query parameters with lower-case names. */
  query: Map<string, string>;
  /** Its body. */
  body: Buffer;
  /** The request id of this response (`x-ms-request-id`). */
  requestId: string;
}

/** Query parameters by lower-case name (storage treats names case-insensitively). */
export function queryOf(url: URL): Map<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of url.searchParams) query.set(name.toLowerCase(), value);
  return query;
}

/** Fails unless the request carries the emulator's SAS signature. */
export function checkSignature(query: Map<string, string>): void {
  const sig = query.get('sig');
  if (sig === EMULATOR_SAS_SIGNATURE) return;
  throw new StorageError(
    403,
    'AuthenticationFailed',
    sig === undefined
      ? 'Server failed to authenticate the request: it has no SAS. Use the URLs `.get ingestion resources` returns.'
      : 'Server failed to authenticate the request: the SAS signature is not the one `.get ingestion resources` hands out.',
  );
}

/** Reads a request body up to {@link MAX_STORAGE_BODY_BYTES}. */
export async function readStorageBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_STORAGE_BODY_BYTES) {
      throw new StorageError(
        413,
        'RequestBodyTooLarge',
        `The request body is larger than the emulator's storage limit of ${MAX_STORAGE_BODY_BYTES} bytes.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The value of a request header (first one when repeated). */
export function headerOf(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A response to write: status, headers beyond the common ones, and body. */
export interface StorageResponse {
  status: number;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
  /** For HEAD: the Content-Length of the body a GET would send. */
  contentLength?: number;
}

/** Writes a response with the headers every storage response has. */
export function sendStorage(
  res: http.ServerResponse,
  request: { req: http.IncomingMessage; requestId: string },
  response: StorageResponse,
  closing: boolean,
): void {
  const body = response.body ?? '';
  const headers: http.OutgoingHttpHeaders = {
    'x-ms-request-id': request.requestId,
    'x-ms-version': headerOf(request.req, 'x-ms-version') ?? '2019-02-02',
    Date: new Date().toUTCString(),
    ...response.headers,
    'Content-Length': response.contentLength ?? Buffer.byteLength(body),
  };
  const clientRequestId = headerOf(request.req, 'x-ms-client-request-id');
  if (clientRequestId) headers['x-ms-client-request-id'] = clientRequestId;
  if (closing) headers.Connection = 'close';
  res.writeHead(response.status, headers);
  res.end(request.req.method === 'HEAD' ? undefined : body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The error response of a service, in the shape its SDK parses. */
export function errorResponse(service: StorageService, error: StorageError, requestId: string): StorageResponse {
  const message = `${error.message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`;
  const headers: http.OutgoingHttpHeaders = { 'x-ms-error-code': error.code };
  if (service === 'table') {
    headers['Content-Type'] = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';
    const body = { 'odata.error': { code: error.code, message: { lang: 'en-US', value: message } } };
    return { status: error.status, headers, body: JSON.stringify(body) };
  }
  headers['Content-Type'] = 'application/xml';
  const body =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error>`;
  return { status: error.status, headers, body };
}

/** A fresh request id. */
export function newRequestId(): string {
  return randomUUID();
}

/** Text of an XML element's content with the five predefined entities and character references decoded. */
export function xmlText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

/** XML-escaped text for an element's content. */
export function xmlEscape(text: string): string {
  return escapeXml(text);
}

/** The contents of each `<name>…</name>` element of an XML text, in order (no nesting of the same name). */
export function xmlElements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}\\s*>|<${name}(?:\\s[^>]*)?/>`, 'g');
  return [...xml.matchAll(pattern)].map((m) => m[1] ?? '');
}
