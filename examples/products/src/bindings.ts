import type { KustoInputOptions, KustoOutputOptions } from 'kusto-functions';

/** The database every sample uses. */
export const DATABASE = 'productsdb';
/** The app setting holding the Kusto connection string. */
export const CONNECTION = 'KustoConnectionString';

/** Products by id, the query of the official GetProducts sample. */
export const productsById = (kqlParameters: string): KustoInputOptions => ({
  database: DATABASE,
  connection: CONNECTION,
  kqlCommand: 'declare query_parameters (productId:long);Products | where ProductID == productId',
  kqlParameters,
});

/** Products by name through the stored function GetProductsByName. */
export const productsByName = (kqlParameters: string): KustoInputOptions => ({
  database: DATABASE,
  connection: CONNECTION,
  kqlCommand: 'declare query_parameters (name:string);GetProductsByName(name)',
  kqlParameters,
});

/** Ingestion into a table of productsdb. */
export const intoTable = (tableName: string, more: Partial<KustoOutputOptions> = {}): KustoOutputOptions => ({
  database: DATABASE,
  connection: CONNECTION,
  tableName,
  ...more,
});
