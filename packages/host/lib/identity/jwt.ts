/**
 * RS256 JSON Web Tokens, signed with node:crypto (a JWT library would add a dependency for two base64url joins and
 * one signature).
 */
import { createHash, createSign, type KeyObject } from 'node:crypto';

/** The claims of an access token from the local identity endpoint (those Entra puts in an app-only token). */
export interface AccessTokenClaims {
  /** Issuer: the identity endpoint's origin, with a trailing slash. */
  iss: string;
  /** Audience: the resource the token was asked for. */
  aud: string;
  /** The identity's client id. */
  appid: string;
  /** The identity's client id (v2 name). */
  azp: string;
  /** The identity's object id. */
  oid: string;
  /** Subject: the identity's object id. */
  sub: string;
  /** The tenant id. */
  tid: string;
  /** `app`: an application (not a user) token. */
  idtyp: 'app';
  /** Issued at (seconds since the epoch). */
  iat: number;
  /** Not before. */
  nbf: number;
  /** Expiry. */
  exp: number;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A key id for a public key: the base64url SHA-256 of its SPKI DER form, shortened as key ids are. */
export function keyIdOf(publicKey: KeyObject): string {
  return base64url(
    createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest(),
  ).slice(0, 27);
}

/** Signs claims as a compact RS256 JWT whose header names the key id. */
export function signJwt(claims: AccessTokenClaims, privateKey: KeyObject, kid: string): string {
  const head = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(head).sign(privateKey);
  return `${head}.${base64url(signature)}`;
}
