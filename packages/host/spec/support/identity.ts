import { createRequire } from 'node:module';
import type { IdentityEndpoint } from '../../lib/identity';

/**
 * Makes @azure/msal-node (under @azure/identity) choose its managed identity source and start its token cache
 * afresh. It keeps both in static fields for the life of the process, as one process in App Service has one
 * endpoint; a spec run holds several (another package's specs start their own endpoint in the same mocha process),
 * so each spec that points IDENTITY_ENDPOINT somewhere forgets the previous one. Spec-only: it reaches into private
 * statics, which no product code may do.
 */
export function forgetManagedIdentitySource(): void {
  // The msal-node that @azure/identity itself loads.
  const msal = createRequire(require.resolve('@azure/identity'))('@azure/msal-node') as {
    ManagedIdentityApplication: new () => { managedIdentityClient: { constructor: object } };
  };
  const client = new msal.ManagedIdentityApplication().managedIdentityClient.constructor as Record<string, unknown>;
  client.identitySource = undefined;
  client.sourceName = undefined;
  (msal.ManagedIdentityApplication as unknown as Record<string, unknown>).nodeStorage = undefined;
}

/**
 * Points process.env's IDENTITY_ENDPOINT / IDENTITY_HEADER at an endpoint, as App Service does (@azure/identity
 * reads them there), and returns what puts the previous values back. Both forget msal-node's cached source.
 */
export function withIdentityEnvironment(endpoint: IdentityEndpoint): () => void {
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  forgetManagedIdentitySource();
  process.env.IDENTITY_ENDPOINT = endpoint.endpoint;
  process.env.IDENTITY_HEADER = endpoint.header;
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    forgetManagedIdentitySource();
  };
}
