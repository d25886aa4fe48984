/**
 * A local managed identity endpoint in the protocol App Service and Azure Functions serve to an app
 * (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, api-version 2019-08-01), the one @azure/identity's
 * ManagedIdentityCredential (through @azure/msal-node's AppService source) calls:
 * `GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=<resource>[&client_id=<id>]` with the header
 * `X-IDENTITY-HEADER: <IDENTITY_HEADER>`, answered with `{ access_token, expires_on, resource, token_type, client_id }`.
 *
 * Tokens are RS256 JWTs valid one hour (Entra's default), signed with a key pair made when the endpoint starts; the
 * emulator checks them with its public key. Served on 127.0.0.1 only, and a request from any other address, or
 * without the header, is refused.
 */
import { generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_TENANT_ID, type LocalIdentity } from './identities';
import { keyIdOf, signJwt } from './jwt';

/** The api-version of the App Service managed identity protocol that @azure/identity speaks. */
export const IDENTITY_API_VERSION = '2019-08-01';
/** The header that carries IDENTITY_HEADER's secret. */
export const IDENTITY_HEADER_NAME = 'x-identity-header';
/** Lifetime of a token (Entra's default for access tokens), in seconds. */
export const TOKEN_LIFETIME_SECONDS = 3600;
const TOKEN_PATH = '/msi/token';
// A resource is a URL or an app id URI; anything longer is not one.
const MAX_RESOURCE_LENGTH = 2048;

/** Whether an address is a loopback one (IPv4 127/8, IPv6 ::1, or IPv4 loopback mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** What the endpoint did for one request, for the host's log (never the token). */
export interface IdentityEndpointEvent {
  /** The HTTP status answered. */
  status: number;
  /** The identity a token was issued for, when one was. */
  clientId?: string;
  /** The resource asked for. */
  resource?: string;
  /** Why the request was refused, when it was. */
  problem?: string;
}

/** Options of {@link startIdentityEndpoint}. */
export interface IdentityEndpointOptions {
  /** Interface to listen on. Default 127.0.0.1 (another one only lets specs show that remote callers are refused). */
  host?: string;
  /** Told of each request answered. */
  onRequest?: (event: IdentityEndpointEvent) => void;
  /** Let the process exit while it listens. */
  unref?: boolean;
}

/** A running identity endpoint. */
export interface IdentityEndpoint {
  /** The value of IDENTITY_ENDPOINT: `http://127.0.0.1:<port>/msi/token`. */
  readonly endpoint: string;
  /** The value of IDENTITY_HEADER: a random secret the caller sends back in `X-IDENTITY-HEADER`. */
  readonly header: string;
  /** The `iss` of its tokens: `http://127.0.0.1:<port>/`. */
  readonly issuer: string;
  /** The public key its tokens are checked with (PEM, SPKI). */
  readonly publicKey: string;
  /** The tenant of its identities (the `tid` of tokens). */
  readonly tenantId: string;
  /**
   * Serves tokens for these identities until the returned function is called. With several registrations, a
   * request without a client id gets the system-assigned identity of the latest that has one.
   */
  register(identities: readonly LocalIdentity[]): () => void;
  /** Stops listening. */
  close(): Promise<void>;
}

interface Problem {
  status: number;
  message: string;
}

/** Starts an identity endpoint on a free port. */
export async function startIdentityEndpoint(options: IdentityEndpointOptions = {}): Promise<IdentityEndpoint> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = keyIdOf(publicKey);
  const secret = randomBytes(32).toString('base64url');
  const registrations: (readonly LocalIdentity[])[] = [];
  const server = http.createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (options.unref) server.unref();
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}/`;

  const find = (clientId: string | undefined): LocalIdentity | Problem => {
    const all = registrations.flat();
    if (clientId === undefined) {
      const system = [...registrations].reverse().flatMap((r) => r.filter((i) => i.kind === 'system'))[0];
      return (
        system ?? {
          status: 400,
          message:
            'The app has no system-assigned identity: set "ManagedIdentity": { "SystemAssigned": true } in ' +
            'local.settings.json, or ask for a user-assigned one by its client id.',
        }
      );
    }
    const wanted = clientId.trim().toLowerCase();
    return (
      all.find((i) => i.kind === 'user' && i.clientId === wanted) ?? {
        status: 400,
        message:
          `No user-assigned identity with client id ${clientId.slice(0, 60)} is attached to the app: add it to ` +
          '"ManagedIdentity": { "UserAssigned": [...] } in local.settings.json.',
      }
    );
  };

  const answer = (response: http.ServerResponse, status: number, body: object, event: IdentityEndpointEvent): void => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(text);
    options.onRequest?.(event);
  };
  const refuse = (response: http.ServerResponse, problem: Problem, resource?: string) =>
    answer(
      response,
      problem.status,
      { statusCode: problem.status, message: problem.message },
      { status: problem.status, problem: problem.message, resource },
    );

  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    // Whatever the interface, only this machine's own processes may ask for its identities' tokens.
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      response.shouldKeepAlive = false;
      return refuse(response, {
        status: 403,
        message: 'The managed identity endpoint serves this machine only (a loopback address).',
      });
    }
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname.toLowerCase().replace(/\/$/, '') !== TOKEN_PATH) {
      return refuse(response, { status: 404, message: `Not found: the endpoint is ${TOKEN_PATH}.` });
    }
    if (request.method !== 'GET') {
      return refuse(response, { status: 405, message: 'The managed identity endpoint takes GET requests only.' });
    }
    const given = request.headers[IDENTITY_HEADER_NAME];
    const header = Array.isArray(given) ? undefined : given;
    // Compared in constant time, and never echoed.
    if (header === undefined || !sameSecret(header, secret)) {
      return refuse(response, {
        status: 401,
        message: `The ${header === undefined ? 'X-IDENTITY-HEADER header is missing' : 'X-IDENTITY-HEADER header is wrong'}: send the value of IDENTITY_HEADER.`,
      });
    }
    const version = url.searchParams.get('api-version');
    if (version !== IDENTITY_API_VERSION) {
      return refuse(response, {
        status: 400,
        message: `api-version must be ${IDENTITY_API_VERSION}; got ${version === null ? 'none' : `'${version.slice(0, 20)}'`}.`,
      });
    }
    const resource = url.searchParams.get('resource') ?? '';
    if (resource.trim() === '' || resource.length > MAX_RESOURCE_LENGTH) {
      return refuse(response, { status: 400, message: "The resource parameter (the token's audience) is required." });
    }
    for (const name of ['mi_res_id', 'principal_id', 'object_id']) {
      if (url.searchParams.has(name)) {
        return refuse(
          response,
          {
            status: 400,
            message: `The local identities are named by client id only (client_id); got ${name}: use the identity's client id.`,
          },
          resource,
        );
      }
    }
    const identity = find(url.searchParams.get('client_id') ?? undefined);
    if ('status' in identity) return refuse(response, identity, resource);
    const now = Math.floor(Date.now() / 1000);
    const exp = now + TOKEN_LIFETIME_SECONDS;
    const aud = resource.replace(/\/\.default$/, '');
    const token = signJwt(
      {
        iss: issuer,
        aud,
        appid: identity.clientId,
        azp: identity.clientId,
        oid: identity.objectId,
        sub: identity.objectId,
        tid: LOCAL_TENANT_ID,
        idtyp: 'app',
        iat: now,
        nbf: now,
        exp,
      },
      privateKey as KeyObject,
      kid,
    );
    answer(
      response,
      200,
      {
        access_token: token,
        // App Service sends seconds since the epoch as a string.
        expires_on: String(exp),
        resource,
        token_type: 'Bearer',
        client_id: identity.clientId,
      },
      { status: 200, clientId: identity.clientId, resource },
    );
  });

  let closing: Promise<void> | undefined;
  return {
    endpoint: `${origin}${TOKEN_PATH}`,
    header: secret,
    issuer,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    tenantId: LOCAL_TENANT_ID,
    register(identities) {
      const entry = [...identities];
      registrations.push(entry);
      return () => {
        const at = registrations.indexOf(entry);
        if (at >= 0) registrations.splice(at, 1);
      };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

let shared: Promise<IdentityEndpoint> | undefined;

/**
 * The process's identity endpoint, started on first use and kept for the life of the process (its server does not
 * keep the process alive). One per process because @azure/msal-node keeps the managed identity source it first
 * finds (IDENTITY_ENDPOINT, IDENTITY_HEADER) and its token cache in static fields: a second endpoint in the same
 * process would never be called.
 */
export function sharedIdentityEndpoint(onRequest?: (event: IdentityEndpointEvent) => void): Promise<IdentityEndpoint> {
  if (onRequest) listeners.add(onRequest);
  shared ??= startIdentityEndpoint({ unref: true, onRequest: (event) => listeners.forEach((l) => l(event)) }).then(
    (endpoint) => endpoint,
    (error) => {
      shared = undefined;
      throw error;
    },
  );
  return shared;
}

const listeners = new Set<(event: IdentityEndpointEvent) => void>();

/** Stops telling a listener given to {@link sharedIdentityEndpoint}. */
export function removeIdentityListener(onRequest: (event: IdentityEndpointEvent) => void): void {
  listeners.delete(onRequest);
}
