/**
 * Error classes of kusto-functions. Messages name the class, method, option or setting at fault and
 * say what to do; they never contain secrets.
 */

/**
 * A configuration mistake found before anything runs: a decorator option, a binding property or an
 * app setting that is missing or malformed. Thrown by `registerFunctions` and when connections resolve.
 */
export class KustoConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KustoConfigurationError';
  }
}

/**
 * A failure while a Kusto binding runs for one invocation: a query or an ingestion that failed, or
 * a value that could not be mapped. The invocation fails with it; nothing is silently dropped.
 */
export class KustoBindingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KustoBindingError';
  }
}
