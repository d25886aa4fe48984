/** The worker side of @azure/functions: a stand-in for `@azure/functions-core`, used by the local host and tests. */
export * from './coreTypes';
export * from './FunctionsWorker';
export * from './rpc';
