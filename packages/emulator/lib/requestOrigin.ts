/**
 * Whether a request to a local server (the emulator's Kusto endpoints, the Functions host's admin API) comes from a
 * person or a tool on this machine, or a page the server itself served, rather than from a web page the developer
 * happens to have open:
 *
 * - A page may POST anywhere without a CORS preflight as long as the body is `text/plain` (or a form), and the
 *   browser then sends its `Origin`. A request with an `Origin` other than the server's own is refused, and a JSON
 *   content type is required, which no page can send cross-origin without a preflight this server never grants.
 * - DNS rebinding points a name the attacker owns at 127.0.0.1, which makes the attacker's page same-origin with the
 *   server; its requests still carry that name in `Host`. Only loopback names, or the address the server was told to
 *   bind, with the server's port, are accepted.
 *
 * The one implementation of the rule: the emulator's server applies it to every request, and the Functions host
 * (kusto-functions-host) imports it from here for its admin endpoints.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** Where a server listens: the address it was told to bind and the port it listens on. */
export interface ListenAddress {
  /** The address given to `listen()` (`127.0.0.1`, `::1`, `localhost`, `0.0.0.0`, a machine address or name). */
  readonly host: string;
  /** The port it listens on (the one it got, when it asked for port 0). */
  readonly port: number;
}

interface Authority {
  hostname: string;
  port: number;
}

// host [":" port] (RFC 9110): a DNS name or IPv4 address, or an IPv6 address in brackets. Nothing else (no user
// info, path or query), so that nothing after the host can change what it names.
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/i;

function parseAuthority(text: string, defaultPort: number): Authority | undefined {
  const match = AUTHORITY.exec(text);
  if (!match) return undefined;
  return { hostname: match[1].toLowerCase(), port: match[2] === undefined ? defaultPort : Number(match[2]) };
}

// `localhost` and the loopback addresses. Not `*.localhost`: RFC 6761 only asks resolvers to keep those names on this
// machine, and one that asks DNS instead would let an attacker's record answer.
function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function bracketed(host: string): string {
  return isIP(host) === 6 ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

// An IP address cannot be rebound: when the server listens on every interface, any address of this machine is its own.
function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}

function isOwnAuthority(authority: Authority, server: ListenAddress): boolean {
  if (authority.port !== server.port) return false;
  if (isLoopbackName(authority.hostname) || authority.hostname === bracketed(server.host)) return true;
  return isWildcard(server.host) && isIP(authority.hostname.replace(/^\[|\]$/g, '')) !== 0;
}

/** The server's origin as a page served by it would have it, for messages. */
export function ownOrigin(server: ListenAddress): string {
  const host = isWildcard(server.host) || isLoopbackName(bracketed(server.host)) ? 'localhost' : bracketed(server.host);
  return `http://${host}:${server.port}`;
}

/**
 * The origins a server allows besides its own: `*` (any), or `scheme://host[:port]` origins compared as browsers
 * send them (lower case; the default port omitted).
 */
export type AllowedOrigins = readonly string[];

/**
 * An origin as a browser sends it in the `Origin` header: `scheme://host[:port]`, lower case, without the scheme's
 * default port. Throws an Error naming `text` when it is not an http(s) origin (a path, a query, user info).
 */
export function normalizeOrigin(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '*') return '*';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`'${text}' is not an origin: give scheme://host[:port], for example http://localhost:3000.`);
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    !/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?$/i.test(trimmed)
  ) {
    throw new Error(
      `'${text}' is not an origin: give scheme://host[:port] (http or https, no path), ` +
        'for example http://localhost:3000.',
    );
  }
  return url.origin;
}

/** Whether a page of `origin` (the `Origin` header as sent) is one of `allowed` (see {@link AllowedOrigins}). */
export function isAllowedOrigin(origin: string, allowed: AllowedOrigins): boolean {
  if (allowed.includes('*')) return true;
  let normalized: string;
  try {
    normalized = normalizeOrigin(origin);
  } catch {
    return false;
  }
  return allowed.some((entry) => entry === normalized);
}

/**
 * Why a request must be refused (for a 403 body), or undefined when it comes from this machine: its `Host` names
 * the server by a loopback name or the address it was told to bind, with its port, and it has no `Origin` (a tool),
 * the server's own (a page the server served, under any loopback spelling of its host), or one of `allowedOrigins`
 * (normalized with {@link normalizeOrigin}).
 */
export function foreignRequestReason(
  headers: IncomingHttpHeaders,
  server: ListenAddress,
  allowedOrigins: AllowedOrigins = [],
): string | undefined {
  const own = ownOrigin(server);
  const hostHeader = headers.host;
  const host = hostHeader === undefined ? undefined : parseAuthority(hostHeader, 80);
  if (!host || !isOwnAuthority(host, server)) {
    return (
      `Refused: the Host header ${hostHeader === undefined ? 'is missing' : `'${hostHeader}' is not this server's`}. ` +
      `Call ${own}: the Host must be localhost, 127.0.0.1, [::1] or the address this server listens on, with port ` +
      `${server.port}, so that a web page cannot reach this endpoint by pointing a name of its own at this machine ` +
      '(DNS rebinding).'
    );
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const page = origin.toLowerCase().startsWith('http://')
    ? parseAuthority(origin.slice('http://'.length), 80)
    : undefined;
  if (page && isOwnAuthority(page, server)) return undefined;
  if (allowedOrigins.length > 0 && isAllowedOrigin(origin, allowedOrigins)) return undefined;
  return (
    `Refused: the request comes from the web page origin '${origin}'. This endpoint runs only requests sent by ` +
    `tools on this machine (without an Origin header)` +
    (allowedOrigins.length > 0
      ? `, by pages of ${own} itself, or by pages of the allowed origins (${allowedOrigins.join(', ')}).`
      : ` or by pages of ${own} itself.`)
  );
}

/** The media type of a request's body (`Content-Type` without parameters, lower case), or undefined. */
export function mediaTypeOf(headers: IncomingHttpHeaders): string | undefined {
  const type = headers['content-type'];
  if (type === undefined) return undefined;
  const media = type.split(';', 1)[0].trim().toLowerCase();
  return media === '' ? undefined : media;
}

/** Whether a request declares a JSON body (`application/json`, with or without parameters such as `charset`). */
export function hasJsonContentType(headers: IncomingHttpHeaders): boolean {
  return mediaTypeOf(headers) === 'application/json';
}
