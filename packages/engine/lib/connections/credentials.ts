/**
 * The Microsoft Entra ID credential for each authentication kind of a resolved connection.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { KustoAuth } from './auth';
import { loadIdentity } from './modules';

/**
 * A credential that always returns one fixed bearer token (the `User Token` or `Application Token` of a connection
 * string). It cannot refresh: when the token expires, requests fail with 401 until the setting changes.
 */
export class StaticTokenCredential implements TokenCredential {
  readonly #token: string;
  readonly #expiresOnTimestamp: number | undefined;

  /** @param token the bearer token, without the `Bearer ` prefix. */
  constructor(token: string) {
    this.#token = token;
    this.#expiresOnTimestamp = jwtExpiry(token);
  }

  /** Returns the fixed token; its expiry is the JWT's `exp` when it has one, else an hour from now. */
  getToken(): Promise<AccessToken> {
    return Promise.resolve({
      token: this.#token,
      tokenType: 'Bearer',
      expiresOnTimestamp: this.#expiresOnTimestamp ?? Date.now() + 3_600_000,
    });
  }
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates the credential an authentication kind calls for, loading @azure/identity on first use:
 * `appKey` → ClientSecretCredential, `appCertificate` → ClientCertificateCredential (PEM text),
 * `userToken` / `appToken` → {@link StaticTokenCredential}, `systemManagedIdentity` → ManagedIdentityCredential,
 * `userManagedIdentity` → ManagedIdentityCredential with the client id (or resource id),
 * `defaultAzureCredential` → DefaultAzureCredential, `none` → undefined.
 *
 * @param secret the AppKey, PEM text or token the kind needs (undefined for the others).
 */
export function createCredential(auth: KustoAuth, secret: string | undefined): TokenCredential | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'userToken':
    case 'appToken':
      return new StaticTokenCredential(requireSecret(secret, auth.kind));
    case 'appKey':
      return new (loadIdentity().ClientSecretCredential)(
        auth.authorityId,
        auth.applicationClientId,
        requireSecret(secret, auth.kind),
      );
    case 'appCertificate':
      return new (loadIdentity().ClientCertificateCredential)(
        auth.authorityId,
        auth.applicationClientId,
        { certificate: requireSecret(secret, auth.kind) },
        { sendCertificateChain: auth.sendX5c },
      );
    case 'systemManagedIdentity':
      return new (loadIdentity().ManagedIdentityCredential)();
    case 'userManagedIdentity': {
      const { ManagedIdentityCredential } = loadIdentity();
      return auth.resourceId !== undefined
        ? new ManagedIdentityCredential({ resourceId: auth.resourceId })
        : new ManagedIdentityCredential({ clientId: auth.clientId as string });
    }
    case 'defaultAzureCredential':
      return new (loadIdentity().DefaultAzureCredential)(auth.tenantId ? { tenantId: auth.tenantId } : undefined);
  }
}

function requireSecret(secret: string | undefined, kind: string): string {
  // resolveConnection guarantees the secret for these kinds; this guards direct callers.
  if (!secret) throw new TypeError(`The '${kind}' authentication needs its secret.`);
  return secret;
}
