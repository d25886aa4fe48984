/**
 * Bearer tokens of a local identity issuer (the local Functions host's managed identity endpoint): RS256 JWTs checked
 * with node:crypto against the issuer's public key. Nothing else is accepted, so a JWT library's breadth (key sets,
 * other algorithms, discovery) would only widen what a forged token could try; the check is the few lines below.
 * Messages never hold the token's text: they say what is wrong with it.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { KustoEmulatorError } from '../errors';

/** The local issuer whose tokens the emulator accepts (EmulatorOptions.identity). */
export interface IdentityIssuer {
  /** The tokens' `iss` claim. */
  issuer: string;
  /** The issuer's public key, PEM (SPKI). */
  publicKey: string;
}

/** Who sent a request: the local developer (no token), or the principal a token names. */
export type Caller = { kind: 'developer' } | { kind: 'principal'; fqn: string; appId: string; tenant: string };

/** The local developer: a request without an Authorization header, as someone signed in on their own cluster. */
export const DEVELOPER: Caller = { kind: 'developer' };

// Entra's validators (Microsoft.IdentityModel) allow five minutes of clock skew on exp and nbf.
const CLOCK_SKEW_SECONDS = 300;

/** The caller a principal's FQN (`aadapp=<id>;<tenant>`) names. */
export function principalCaller(fqn: string): Caller {
  const [appId, tenant = ''] = fqn.replace(/^aadapp=/i, '').split(';');
  return { kind: 'principal', fqn, appId, tenant };
}

/** Kusto's answer to a request whose token is not accepted: 401 Unauthorized. */
export function unauthorized(reason: string): KustoEmulatorError {
  return new KustoEmulatorError(`Unauthorized (401-Unauthorized): ${reason}`, {
    status: 401,
    code: 'Unauthorized',
    kustoType: 'Kusto.Data.Exceptions.KustoRequestDeniedException',
  });
}

function decodePart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw unauthorized(`the bearer token's ${what} is not base64url-encoded JSON.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw unauthorized(`the bearer token's ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/** Checks the bearer tokens of requests against one issuer and the cluster's audience. */
export class TokenVerifier {
  private readonly key: KeyObject;
  /** Accepted audiences: the emulator's URL with and without a trailing slash (set once it listens). */
  private audiences: string[] = [];

  constructor(private readonly config: IdentityIssuer) {
    try {
      this.key = createPublicKey(config.publicKey);
    } catch (error) {
      throw new KustoEmulatorError(`identity.publicKey is not a PEM public key: ${(error as Error).message}`);
    }
    if (this.key.asymmetricKeyType !== 'rsa')
      throw new KustoEmulatorError(
        `identity.publicKey must be an RSA key (tokens are RS256); got ${this.key.asymmetricKeyType}.`,
      );
    if (typeof config.issuer !== 'string' || config.issuer === '')
      throw new KustoEmulatorError('identity.issuer must be the issuer URL its tokens carry in `iss`.');
  }

  /** The cluster's URL (no trailing slash), once set: what the auth metadata reports as the resource. */
  get resource(): string | undefined {
    return this.audiences[0];
  }

  /** The issuer's URL without a trailing slash: the login endpoint the auth metadata reports. */
  get loginEndpoint(): string {
    return this.config.issuer.replace(/\/+$/, '');
  }

  /** The cluster's own URL: the audience tokens must be for. */
  setAudience(url: string): void {
    const bare = url.replace(/\/+$/, '');
    this.audiences = [bare, `${bare}/`];
  }

  /** The caller of a request with this Authorization header (undefined: none, the local developer). */
  callerOf(authorization: string | undefined, nowSeconds = Date.now() / 1000): Caller {
    if (authorization === undefined) return DEVELOPER;
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthorized("the Authorization header is not 'Bearer <token>'.");
    const parts = match[1].split('.');
    if (parts.length !== 3) throw unauthorized('the bearer token is not a JWT (header.payload.signature).');
    const header = decodePart(parts[0], 'header');
    if (header.alg !== 'RS256') throw unauthorized(`the bearer token's algorithm is not RS256.`);
    let signed: boolean;
    try {
      signed = verify(
        'RSA-SHA256',
        Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
        this.key,
        Buffer.from(parts[2], 'base64url'),
      );
    } catch {
      signed = false;
    }
    if (!signed) throw unauthorized("the bearer token's signature does not verify with the local issuer's key.");
    const claims = decodePart(parts[1], 'payload');
    if (claims.iss !== this.config.issuer)
      throw unauthorized(`the bearer token was not issued by the local issuer '${this.config.issuer}'.`);
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS <= nowSeconds) {
      const when = typeof claims.exp === 'number' ? ` (expired at ${new Date(claims.exp * 1000).toISOString()})` : '';
      throw unauthorized(`the bearer token has expired${when}.`);
    }
    if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds)
      throw unauthorized(`the bearer token is not valid before ${new Date(claims.nbf * 1000).toISOString()}.`);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((aud) => typeof aud === 'string' && this.audiences.includes(aud))) {
      // The audience is a URL, not a secret: naming it says which cluster the token was asked for.
      const shown = audiences.filter((a) => typeof a === 'string').join(', ') || 'none';
      throw unauthorized(
        `the bearer token is for audience '${shown}', not this cluster ('${this.audiences[0] ?? '?'}').`,
      );
    }
    const appId = typeof claims.appid === 'string' ? claims.appid : claims.azp;
    const tenant = claims.tid;
    if (typeof appId !== 'string' || appId === '' || typeof tenant !== 'string' || tenant === '')
      throw unauthorized('the bearer token names no application (appid or azp) and tenant (tid).');
    return { kind: 'principal', fqn: `aadapp=${appId};${tenant}`, appId, tenant };
  }
}
