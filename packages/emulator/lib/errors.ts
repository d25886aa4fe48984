/**
 * A failure the emulator reports to its client in Kusto's error shape.
 *
 * Every part of the emulator throws this (never a bare Error) for anything the client did wrong,
 * so the server can answer with the right HTTP status and Kusto's `error.code` / `@type`.
 */
export class KustoEmulatorError extends Error {
  /** HTTP status the server answers with (400 for bad requests, 404 for unknown entities, …). */
  readonly status: number;
  /** Kusto's `error.code`, for example `General_BadRequest` or `BadRequest_EntityNotFound`. */
  readonly code: string;
  /** Kusto's `@type`, for example `Kusto.Data.Exceptions.SyntaxException`. */
  readonly kustoType: string;
  /** Whether retrying the same request can succeed (`@permanent: false`). */
  readonly permanent: boolean;
  /**
   * The error's own code and text, reported as the error object's `innererror` as Kusto does for query errors
   * (`code` and `@errorCode` such as `KS142`, the KQL analyser's diagnostic code).
   */
  readonly inner?: InnerErrorDetails;

  constructor(
    message: string,
    options: {
      status?: number;
      code?: string;
      kustoType?: string;
      permanent?: boolean;
      inner?: InnerErrorDetails;
    } = {},
  ) {
    super(message);
    this.name = 'KustoEmulatorError';
    this.status = options.status ?? 400;
    this.code = options.code ?? 'General_BadRequest';
    this.kustoType = options.kustoType ?? 'Kusto.Data.Exceptions.KustoBadRequestException';
    this.permanent = options.permanent ?? true;
    if (options.inner) this.inner = options.inner;
  }
}

/** What an error's `innererror` says: the specific code and message under the outer, general one. */
export interface InnerErrorDetails {
  /** The specific error code (`@errorCode`): for KQL errors, Kusto.Language's diagnostic code such as `KS142`. */
  code: string;
  /** The specific message, without the "Semantic error: " prefix (`@errorMessage`). */
  message: string;
}

/** A KQL syntax or semantic error: HTTP 400, `@type` SyntaxException, message worded like Kusto's. */
export function syntaxError(message: string): KustoEmulatorError {
  return new KustoEmulatorError(message, {
    status: 400,
    code: 'General_BadRequest',
    kustoType: 'Kusto.Data.Exceptions.SyntaxException',
  });
}

/**
 * A KQL semantic error (an unknown name, a type mismatch: the query parses but does not resolve): HTTP 400,
 * `@type` SemanticException, and an `innererror` with the analyser's diagnostic `code`, as Kusto reports them.
 */
export function semanticError(message: string, inner: InnerErrorDetails): KustoEmulatorError {
  return new KustoEmulatorError(message, {
    status: 400,
    code: 'General_BadRequest',
    kustoType: 'Kusto.Data.Exceptions.SemanticException',
    inner,
  });
}

/** A KQL syntax error with the analyser's diagnostic code in its `innererror`. */
export function syntaxErrorWithCode(message: string, inner: InnerErrorDetails): KustoEmulatorError {
  return new KustoEmulatorError(message, {
    status: 400,
    code: 'General_BadRequest',
    kustoType: 'Kusto.Data.Exceptions.SyntaxException',
    inner,
  });
}

/** An entity (database, table, function, mapping) that does not exist: HTTP 400 as Kusto answers. */
export function entityNotFound(kind: string, name: string): KustoEmulatorError {
  return new KustoEmulatorError(`${kind} '${name}' was not found.`, {
    status: 400,
    code: 'BadRequest_EntityNotFound',
    kustoType: `Kusto.Data.Exceptions.${kind.replace(/\s+/g, '')}NotFoundException`,
  });
}

/** A command or feature the emulator does not implement: never a silent success. */
export function notSupported(what: string): KustoEmulatorError {
  return new KustoEmulatorError(`${what} is not supported by the emulator.`, {
    status: 400,
    code: 'BadRequest_NotSupported',
    kustoType: 'Kusto.Data.Exceptions.KustoBadRequestException',
  });
}

/**
 * Streaming ingestion into a table whose (or whose database's) streaming ingestion policy is not enabled: refused
 * as Kusto refuses it, with its error code, so that clients fall back to queued ingestion as they do in Azure.
 */
export function streamingIngestionNotEnabled(database: string, table: string): KustoEmulatorError {
  return new KustoEmulatorError(
    `Streaming ingestion policy is not enabled for table '${table}' in database '${database}': ` +
      `run '.alter table ${table} policy streamingingestion enable' (or enable it on the database), or use queued ingestion.`,
    {
      status: 400,
      code: 'BadRequest_StreamingIngestionPolicyNotEnabled',
      kustoType: 'Kusto.DataNode.Exceptions.StreamingIngestionPolicyNotEnabledException',
    },
  );
}
