/**
 * The local managed identities: what local.settings.json declares, and the endpoint that signs their tokens.
 *
 * @internal
 */
export { LOCAL_TENANT_ID, readManagedIdentities, type LocalIdentity } from './identities';
export {
  IDENTITY_API_VERSION,
  IDENTITY_HEADER_NAME,
  isLoopbackAddress,
  removeIdentityListener,
  sharedIdentityEndpoint,
  startIdentityEndpoint,
  TOKEN_LIFETIME_SECONDS,
  type IdentityEndpoint,
  type IdentityEndpointEvent,
  type IdentityEndpointOptions,
} from './identityEndpoint';
export { attachIdentities, type AttachedIdentities } from './hostIdentities';
