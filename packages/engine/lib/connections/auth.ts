/**
 * How a resolved connection authenticates: the kinds (without their secrets) and the rule that chooses one from a
 * connection string's keywords and the binding's managedServiceIdentity. Its own module so that the connection and
 * the credentials it creates both import it, rather than each other.
 */
import { KUSTO_KEYWORDS, type KustoKeyword } from './connectionString';

/** How a connection authenticates. */
export type KustoAuthKind = KustoAuth['kind'];

/**
 * How a connection authenticates, without its secret. Chosen in this order:
 * 1. an `http://` Data Source on a loopback address (the emulator): `none`, unless the binding names a
 *    `managedServiceIdentity` and a local identity endpoint is set (`IDENTITY_ENDPOINT` and `IDENTITY_HEADER`, as
 *    the local host sets them when the app declares identities): then that identity, as in 2;
 * 2. the binding's `managedServiceIdentity`: `system` → `systemManagedIdentity`, any other value →
 *    `userManagedIdentity` with that client id (or Azure resource id); it overrides credentials in the string;
 * 3. `User Token` → `userToken`; `Application Token` → `appToken` (the Kusto docs' precedence);
 * 4. `AppClientId` + `AppKey` + `Authority Id` → `appKey`;
 * 5. `AppClientId` + `Application Certificate PrivateKey` (PEM) + `Authority Id` → `appCertificate`;
 * 6. nothing of these on https → `defaultAzureCredential` (with `Authority Id` as its tenant when given).
 *
 * `Fed` / `AAD Federated Security` must be true or false but does not choose the authentication, as in
 * azure-kusto-data. `User ID` is accepted as a hint and ignored (a function cannot prompt a user).
 */
export type KustoAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'appKey'; readonly applicationClientId: string; readonly authorityId: string }
  | {
      readonly kind: 'appCertificate';
      readonly applicationClientId: string;
      readonly authorityId: string;
      readonly sendX5c: boolean;
    }
  | { readonly kind: 'userToken' }
  | { readonly kind: 'appToken' }
  | { readonly kind: 'systemManagedIdentity' }
  | { readonly kind: 'userManagedIdentity'; readonly clientId?: string; readonly resourceId?: string }
  | { readonly kind: 'defaultAzureCredential'; readonly tenantId?: string };

/** Reports a problem with the connection setting (the message names the setting); never returns. */
export type SettingProblem = (problem: string) => never;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[0-9A-Za-z.-]+$/;
const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/.+/i;

/** The chosen authentication, with the secret it needs and the parts that identify it (for the pool key). */
export interface ChosenAuth {
  /** The authentication, without its secret. */
  auth: KustoAuth;
  /** The AppKey, PEM text or token the kind needs, if any. */
  secret: string | undefined;
  /** What identifies the identity, secret included: hashed into the connection's identity key. */
  identityParts: unknown[];
}

/**
 * Chooses how a connection authenticates, in the order {@link KustoAuth} gives.
 *
 * @param values - the connection string's keywords, by canonical name.
 * @param loopback - whether the Data Source is `http://` on a loopback address (the emulator).
 * @param identityEndpoint - whether `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set (a managed identity endpoint).
 */
export function chooseAuth(
  values: Map<KustoKeyword, string>,
  loopback: boolean,
  managedServiceIdentity: string | undefined,
  fail: SettingProblem,
  identityEndpoint = false,
): ChosenAuth {
  const get = (k: KustoKeyword): string | undefined => {
    const v = values.get(k);
    return v === undefined || v === '' ? undefined : v;
  };
  const secretKeywords = KUSTO_KEYWORDS.filter((k) => k.secret && get(k.name) !== undefined);
  const msi = managedServiceIdentity?.trim();
  if (loopback) {
    if (secretKeywords.length > 0) {
      fail(
        `names credentials (${secretKeywords.map((k) => k.display).join(', ')}) for a plain http:// endpoint: ` +
          'credentials are never sent over http. Remove them (the emulator needs none) or use https://.',
      );
    }
    // Without an identity endpoint nothing could sign in, so the binding's managedServiceIdentity is ignored and
    // one binding works on both the emulator and Azure. With one (the local host's), the identity signs in as in
    // Azure, so the emulator can check its grants.
    if (!msi || !identityEndpoint) return { auth: { kind: 'none' }, secret: undefined, identityParts: [] };
  }
  if (msi) {
    if (msi.toLowerCase() === 'system') {
      return { auth: { kind: 'systemManagedIdentity' }, secret: undefined, identityParts: ['system'] };
    }
    if (GUID.test(msi)) {
      return { auth: { kind: 'userManagedIdentity', clientId: msi }, secret: undefined, identityParts: [msi] };
    }
    if (RESOURCE_ID.test(msi)) {
      return { auth: { kind: 'userManagedIdentity', resourceId: msi }, secret: undefined, identityParts: [msi] };
    }
    fail(
      'is used with a managedServiceIdentity that is neither "system", a client id (GUID) nor a resource id ' +
        '(/subscriptions/…): set the binding option to "system" or to the client id of the user-assigned identity.',
    );
  }
  const userToken = get('userToken');
  if (userToken !== undefined) return { auth: { kind: 'userToken' }, secret: userToken, identityParts: [userToken] };
  const appToken = get('applicationToken');
  if (appToken !== undefined) return { auth: { kind: 'appToken' }, secret: appToken, identityParts: [appToken] };
  const clientId = get('applicationClientId');
  const appKey = get('applicationKey');
  const pem = get('applicationCertificatePrivateKey');
  const authority = get('authorityId');
  if (appKey !== undefined || pem !== undefined || clientId !== undefined) {
    const credentialName =
      appKey !== undefined ? 'AppKey' : pem !== undefined ? 'Application Certificate PrivateKey' : undefined;
    if (credentialName === undefined) {
      fail(
        'sets AppClientId without AppKey or Application Certificate PrivateKey. For a user-assigned managed ' +
          "identity, set the binding's managedServiceIdentity option to its client id instead.",
      );
    }
    if (clientId === undefined) fail(`sets ${credentialName} without AppClientId (the application's client id).`);
    if (!GUID.test(clientId as string)) fail('sets an AppClientId that is not a GUID.');
    if (authority === undefined) fail(`sets ${credentialName} without Authority Id (the tenant id or domain).`);
    if (!TENANT.test(authority as string)) fail('sets an Authority Id that is neither a tenant id nor a domain name.');
    if (appKey !== undefined) {
      return {
        auth: { kind: 'appKey', applicationClientId: clientId as string, authorityId: authority as string },
        secret: appKey,
        identityParts: [clientId, authority, appKey],
      };
    }
    const sendX5c = /^true$/i.test(get('applicationCertificateSendX5c') ?? 'false');
    return {
      auth: {
        kind: 'appCertificate',
        applicationClientId: clientId as string,
        authorityId: authority as string,
        sendX5c,
      },
      secret: pem,
      identityParts: [clientId, authority, pem, sendX5c],
    };
  }
  if (authority !== undefined && !TENANT.test(authority)) {
    fail('sets an Authority Id that is neither a tenant id nor a domain name.');
  }
  return {
    auth:
      authority !== undefined
        ? { kind: 'defaultAzureCredential', tenantId: authority }
        : { kind: 'defaultAzureCredential' },
    secret: undefined,
    identityParts: [authority ?? ''],
  };
}
