/**
 * The lowest layer of the binding engine: connection settings, authentication, shared clients and secret scrubbing.
 * Internal to the package (the public API is lib/index.ts). Importing it loads none of the Kusto or identity
 * packages; they load when a client or credential is first made.
 */
export type { KustoAuth, KustoAuthKind } from './auth';
export {
  DEFAULT_CONNECTION_SETTING,
  hasIdentityEndpoint,
  resolveConnection,
  type KustoConnection,
  type KustoEndpoint,
  type KustoQueryConsistency,
  type ResolveConnectionOptions,
} from './connection';
export { KustoClientPool, type KustoClientPoolOptions, type KustoIngestClients, type KustoIngestKind } from './clients';
export { createCredential, StaticTokenCredential } from './credentials';
export {
  KUSTO_KEYWORDS,
  lookupKeyword,
  tokenizeConnectionString,
  type ConnectionStringPair,
  type KeywordSpec,
  type KeywordSupport,
  type KustoKeyword,
  type TokenizedConnectionString,
} from './connectionString';
export { scrubError, scrubSecrets, SECRET_MASK, toSecureString } from './secrets';
export {
  applyConnectorDetails,
  CONNECTOR_NAME,
  newClientRequestId,
  newClientRequestProperties,
  packageVersion,
  type KustoBindingDirection,
} from './tracing';
export { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
