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

  constructor(
    message: string,
    options: { status?: number; code?: string; kustoType?: string; permanent?: boolean } = {},
  ) {
    super(message);
    this.name = 'KustoEmulatorError';
    this.status = options.status ?? 400;
    this.code = options.code ?? 'General_BadRequest';
    this.kustoType = options.kustoType ?? 'Kusto.Data.Exceptions.KustoBadRequestException';
    this.permanent = options.permanent ?? true;
  }
}

/** A KQL syntax or semantic error: HTTP 400, `@type` SyntaxException, message worded like Kusto's. */
export function syntaxError(message: string): KustoEmulatorError {
  return new KustoEmulatorError(message, {
    status: 400,
    code: 'General_BadRequest',
    kustoType: 'Kusto.Data.Exceptions.SyntaxException',
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
