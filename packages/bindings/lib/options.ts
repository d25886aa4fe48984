/**
 * The options of the Kusto decorators, named exactly as the Functions host's Kusto extension reads them
 * (function.json / the Java annotations), and the bindings the SDK registers from them.
 */

/**
 * Ingestion formats an output binding can send. These are Kusto's text formats: a Functions handler produces
 * objects or text, so binary formats (avro, parquet, orc) are not offered.
 */
export type KustoDataFormat = 'json' | 'multijson' | 'csv' | 'tsv' | 'scsv' | 'sohsv' | 'psv' | 'tsve' | 'txt' | 'raw';

/** Every {@link KustoDataFormat}, for validation. */
export const KUSTO_DATA_FORMATS: readonly KustoDataFormat[] = [
  'json',
  'multijson',
  'csv',
  'tsv',
  'scsv',
  'sohsv',
  'psv',
  'tsve',
  'txt',
  'raw',
];

/**
 * How an output binding ingests: `managed` (the default) streams and falls back to queued ingestion on
 * transient failures or payloads over the streaming limit; `queued` always uses queued ingestion.
 */
export type KustoIngestionType = 'managed' | 'queued';

/** Every {@link KustoIngestionType}, for validation. */
export const KUSTO_INGESTION_TYPES: readonly KustoIngestionType[] = ['managed', 'queued'];

/**
 * `'system'` for the app's system-assigned managed identity, or the client id of a user-assigned identity.
 * The `string & {}` keeps editor completion for `'system'` while accepting any client id.
 */
export type KustoManagedIdentity = 'system' | (string & {});

/** Options both Kusto decorators share. */
export interface KustoCommonOptions {
  /**
   * Database to query or ingest into. Binding expressions such as `{tenant}` are resolved per invocation.
   */
  database: string;
  /**
   * Name of the app setting (an environment variable; `local.settings.json` Values locally) that holds the
   * Kusto connection string, for example `KustoConnectionString`. Never the connection string itself.
   */
  connection: string;
  /**
   * Use a managed identity instead of the credentials in the connection string: `'system'` for the
   * system-assigned identity, otherwise the client id of a user-assigned identity.
   */
  managedServiceIdentity?: KustoManagedIdentity;
  /**
   * Binding name in function.json. Defaults to `kustoInput<parameterIndex>` / `kustoOutput<parameterIndex>` /
   * `kustoOutputReturn`; set it when you want a stable name of your own (letters and digits only).
   */
  name?: string;
}

/**
 * Options of `@KustoInput`: a query (or management command) whose rows the handler receives.
 *
 * @example
 * ```ts
 * @KustoInput({
 *   database: 'productsdb',
 *   connection: 'KustoConnectionString',
 *   kqlCommand: 'declare query_parameters (productId:long);Products | where ProductID == productId',
 *   kqlParameters: '@productId={productId}',
 * }, Product)
 * ```
 */
export interface KustoInputOptions extends KustoCommonOptions {
  /**
   * The KQL query, or a management command when it starts with `.`. Values must not be written into it:
   * declare them with `declare query_parameters (…)` and pass them in {@link kqlParameters}.
   */
  kqlCommand: string;
  /**
   * Query parameters as `@name=value` pairs separated by commas, for example `@productId={productId}`.
   * Values may be binding expressions. A value containing `,` or `=` can be quoted: `@name="a,b"`.
   * Every name must be declared by the query's `declare query_parameters`, and the reverse.
   */
  kqlParameters?: string;
  /**
   * Client request properties as `@name=value` pairs, for example `@servertimeout=00:00:30`.
   */
  clientRequestProperties?: string;
}

/**
 * Options of `@KustoOutput`: a table the handler's values are ingested into.
 *
 * @example
 * ```ts
 * @KustoOutput({ database: 'productsdb', tableName: 'Products', connection: 'KustoConnectionString' })
 * ```
 */
export interface KustoOutputOptions extends KustoCommonOptions {
  /** Table to ingest into. */
  tableName: string;
  /** Name of an ingestion mapping defined on the table, for example `item_to_product_json`. */
  mappingRef?: string;
  /**
   * Format the values are sent in. Default: `json` for one row and `multijson` for several; strings are sent
   * as they are. With `csv`, objects are written as CSV rows in their property order.
   */
  dataFormat?: KustoDataFormat;
  /** `managed` (default) or `queued`. */
  ingestionType?: KustoIngestionType;
  /**
   * Queued ingestion settings as `@name=value` pairs: `@flushImmediately=true`, `@pollIntervalSeconds=15`,
   * `@pollTimeoutMinutes=5` (polling the ingestion status happens only when an interval is given).
   */
  ingestionProperties?: string;
}

/** Binding properties every Kusto binding registered with the Functions host carries. */
export interface KustoBindingBase {
  /** Always `kusto`: the extension's binding type. */
  type: 'kusto';
  /** Binding name, unique within the function. */
  name: string;
  /** Database (may contain binding expressions). */
  database: string;
  /** App setting name holding the connection string. */
  connection: string;
  /** Managed identity selector, when given. */
  managedServiceIdentity?: string;
}

/** A Kusto input binding as registered with the host (function.json properties, camelCase). */
export interface KustoInputBinding extends KustoBindingBase {
  /** Query or management command. */
  kqlCommand: string;
  /** `@name=value` query parameters. */
  kqlParameters?: string;
  /** `@name=value` client request properties. */
  clientRequestProperties?: string;
}

/** A Kusto output binding as registered with the host (function.json properties, camelCase). */
export interface KustoOutputBinding extends KustoBindingBase {
  /** Target table. */
  tableName: string;
  /** Ingestion mapping reference. */
  mappingRef?: string;
  /** Data format. */
  dataFormat?: KustoDataFormat;
  /** Ingestion type. */
  ingestionType?: KustoIngestionType;
  /** `@name=value` ingestion properties. */
  ingestionProperties?: string;
}

/** The option names each decorator accepts: anything else is rejected at registration. */
export const KUSTO_INPUT_OPTION_NAMES: readonly (keyof KustoInputOptions)[] = [
  'database',
  'connection',
  'kqlCommand',
  'kqlParameters',
  'clientRequestProperties',
  'managedServiceIdentity',
  'name',
];

/** The option names `@KustoOutput` accepts. */
export const KUSTO_OUTPUT_OPTION_NAMES: readonly (keyof KustoOutputOptions)[] = [
  'database',
  'connection',
  'tableName',
  'mappingRef',
  'dataFormat',
  'ingestionType',
  'ingestionProperties',
  'managedServiceIdentity',
  'name',
];
