/**
 * The Kusto client packages, loaded on first use (through lib/kusto's loaders) and then kept: a `require()` of these
 * ES modules costs tens of microseconds every time, which per invocation is a measurable share of a query.
 */
import type { ClientRequestProperties } from 'azure-kusto-data';
import { newClientRequestId, type KustoBindingDirection, type KustoConnection } from '../kusto';
import { loadKustoData, loadKustoIngest, type KustoDataModule, type KustoIngestModule } from '../kusto/modules';

let data: KustoDataModule | undefined;
let ingest: KustoIngestModule | undefined;

/** azure-kusto-data, loaded once. */
export function kustoData(): KustoDataModule {
  return (data ??= loadKustoData());
}

/** azure-kusto-ingest, loaded once. */
export function kustoIngest(): KustoIngestModule {
  return (ingest ??= loadKustoIngest());
}

/**
 * What lib/kusto's newClientRequestProperties makes (the extension's client request id, the connection's query
 * consistency), with the module loaded once.
 */
export function requestProperties(
  direction: KustoBindingDirection,
  connection: Pick<KustoConnection, 'queryConsistency'>,
): ClientRequestProperties {
  const properties = new (kustoData().ClientRequestProperties)();
  properties.clientRequestId = newClientRequestId(direction);
  if (connection.queryConsistency) properties.setOption('queryconsistency', connection.queryConsistency);
  return properties;
}
