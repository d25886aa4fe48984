/**
 * What the local host does for an app that declares managed identities: serves them on the process's identity
 * endpoint and sets IDENTITY_ENDPOINT / IDENTITY_HEADER, as App Service and Azure Functions set them for an app.
 */
import type { LocalIdentity } from './identities';
import {
  removeIdentityListener,
  sharedIdentityEndpoint,
  type IdentityEndpoint,
  type IdentityEndpointEvent,
} from './identityEndpoint';

/** The identities of a running host, served until {@link AttachedIdentities.detach}. */
export interface AttachedIdentities {
  /** The endpoint serving them. */
  readonly endpoint: IdentityEndpoint;
  /** Stops serving them, and puts back process.env's IDENTITY_* when no other host serves identities. */
  detach(): void;
}

const NAMES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'] as const;
let attached = 0;
let savedProcessEnv: Record<string, string | undefined> | undefined;

/**
 * Serves an app's identities and sets IDENTITY_ENDPOINT / IDENTITY_HEADER in its settings (`env`) and in
 * process.env, which @azure/identity reads whatever settings object the host was given.
 *
 * @param log - told of each token issued or request refused (never the token).
 */
export async function attachIdentities(
  identities: readonly LocalIdentity[],
  env: NodeJS.ProcessEnv,
  log: (level: 'debug' | 'warning', message: string) => void,
): Promise<AttachedIdentities> {
  const listener = (event: IdentityEndpointEvent) => {
    if (event.status === 200) {
      log('debug', `Identity: issued a token for client id ${event.clientId} (audience ${event.resource}).`);
    } else log('warning', `Identity: refused a token request (${event.status}): ${event.problem}`);
  };
  const endpoint = await sharedIdentityEndpoint(listener);
  const unregister = endpoint.register(identities);
  if (attached++ === 0) savedProcessEnv = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
  for (const target of env === process.env ? [env] : [env, process.env]) {
    target.IDENTITY_ENDPOINT = endpoint.endpoint;
    target.IDENTITY_HEADER = endpoint.header;
  }
  let detached = false;
  return {
    endpoint,
    detach() {
      if (detached) return;
      detached = true;
      unregister();
      removeIdentityListener(listener);
      if (--attached === 0 && savedProcessEnv) {
        for (const name of NAMES) {
          if (process.env[name] !== (name === 'IDENTITY_ENDPOINT' ? endpoint.endpoint : endpoint.header)) continue;
          if (savedProcessEnv[name] === undefined) delete process.env[name];
          else process.env[name] = savedProcessEnv[name];
        }
        savedProcessEnv = undefined;
      }
    },
  };
}
