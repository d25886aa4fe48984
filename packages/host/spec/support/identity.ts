import type { IdentityEndpoint } from '../../lib/identity';

/**
 * Points process.env's IDENTITY_ENDPOINT / IDENTITY_HEADER at an endpoint, as App Service does (@azure/identity
 * reads them there), and returns what puts the previous values back.
 */
export function withIdentityEnvironment(endpoint: IdentityEndpoint): () => void {
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  process.env.IDENTITY_ENDPOINT = endpoint.endpoint;
  process.env.IDENTITY_HEADER = endpoint.header;
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
