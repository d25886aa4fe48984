/**
 * CORS on the HTTP function routes, as Core Tools applies `--cors` / local.settings.json `Host.CORS` (ASP.NET Core's
 * CORS middleware): a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by the host
 * itself, and other requests from an allowed origin get `Access-Control-Allow-Origin`. The admin API never takes part:
 * its own origin rule is kusto-emulator's (requestOrigin), which the emulator applies too.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Which browser origins may call the HTTP functions. */
export interface CorsPolicy {
  /** Allowed origins (`scheme://host[:port]`, lower case, no trailing slash), or `*` for any. */
  readonly origins: readonly string[];
  /** Whether cross-origin requests may carry credentials (`Access-Control-Allow-Credentials: true`). */
  readonly credentials: boolean;
}

const ORIGIN = /^https?:\/\/[^/?#\s]+$/i;

/**
 * Reads a comma-separated origin list (`https://a.example,http://localhost:3000`, or `*`).
 *
 * @throws Error naming an entry that is neither `*` nor an origin.
 */
export function parseCorsOrigins(text: string): string[] {
  const origins = text
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter((entry) => entry !== '');
  if (origins.length === 0) throw new Error('give one or more origins, comma-separated, or *.');
  for (const origin of origins) {
    if (origin !== '*' && !ORIGIN.test(origin)) {
      throw new Error(`'${origin}' is not an origin: use scheme://host[:port] (e.g. http://localhost:3000) or *.`);
    }
  }
  return origins.map((origin) => origin.toLowerCase());
}

/** The policy for the given origins, or undefined (no CORS headers at all) when there are none. */
export function corsPolicy(origins: readonly string[] | undefined, credentials = false): CorsPolicy | undefined {
  return origins && origins.length > 0 ? { origins, credentials } : undefined;
}

function allowedOrigin(policy: CorsPolicy, origin: string): string | undefined {
  if (policy.origins.includes('*')) {
    // Browsers refuse `*` on a request with credentials: echo the origin then, as ASP.NET Core does.
    return policy.credentials ? origin : '*';
  }
  return policy.origins.includes(origin.toLowerCase()) ? origin : undefined;
}

function credentialHeaders(policy: CorsPolicy, allow: string): Record<string, string> {
  const headers: Record<string, string> = { 'access-control-allow-origin': allow };
  if (policy.credentials) headers['access-control-allow-credentials'] = 'true';
  // A response that depends on Origin must not be cached for another origin.
  if (allow !== '*') headers.vary = 'Origin';
  return headers;
}

/** Whether a request is a CORS preflight (which the policy, not a function, answers). */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

/**
 * The headers of the answer to a preflight: none when the origin is not allowed (the browser then blocks the call),
 * else the origin, the method asked for and the headers asked for.
 */
export function preflightHeaders(policy: CorsPolicy, headers: IncomingHttpHeaders): Record<string, string> {
  const allow = allowedOrigin(policy, String(headers.origin));
  if (allow === undefined) return {};
  const result = credentialHeaders(policy, allow);
  result['access-control-allow-methods'] = String(headers['access-control-request-method']).toUpperCase();
  const requested = headers['access-control-request-headers'];
  if (requested !== undefined && requested.trim() !== '') result['access-control-allow-headers'] = requested;
  return result;
}

/** The headers added to an actual request's response: none without an `Origin` or for an origin not allowed. */
export function responseCorsHeaders(policy: CorsPolicy, headers: IncomingHttpHeaders): Record<string, string> {
  if (headers.origin === undefined) return {};
  const allow = allowedOrigin(policy, headers.origin);
  return allow === undefined ? {} : credentialHeaders(policy, allow);
}
