/**
 * What the Functions extension tells Kusto about each request, for the cluster's tracing: the client request id
 * (`AzFunctions.InputBinding;<version>;<guid>` / `AzFunctions.OutputBinding;…`) and the connector details of the
 * `x-ms-app` header (binding direction, Functions runtime, managed identity type).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientRequestProperties, KustoConnectionStringBuilder } from 'azure-kusto-data';
import type { KustoConnection } from './connection';
import { loadKustoData } from './modules';

/** Which way a binding moves data: `input` (query) or `output` (ingestion). */
export type KustoBindingDirection = 'input' | 'output';

/** The connector name the extension reports (`Kusto.AzFunctions.Client` in `x-ms-app`). */
export const CONNECTOR_NAME = 'AzFunctions.Client';

const PACKAGE_NAME = 'kusto-functions-engine';
let cachedVersion: string | undefined;

/** This package's version, read once from its package.json (`0.0.0` if it cannot be found). */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    cachedVersion = '0.0.0';
    // lib/kusto in the sources, dist/lib/kusto once built: the package root is a few levels up.
    let dir = __dirname;
    for (let level = 0; level < 6; level++) {
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') {
          cachedVersion = manifest.version;
          break;
        }
      } catch {
        // No package.json at this level: keep walking up.
      }
      dir = path.dirname(dir);
    }
  }
  return cachedVersion;
}

function bindingType(direction: KustoBindingDirection): string {
  return direction === 'input' ? 'InputBinding' : 'OutputBinding';
}

/**
 * A new client request id as the extension makes them: `AzFunctions.InputBinding;<version>;<guid>` for queries,
 * `AzFunctions.OutputBinding;<version>;<guid>` for ingestion (pass it to `ingestFromStream(…, clientRequestId)`).
 */
export function newClientRequestId(direction: KustoBindingDirection): string {
  return `AzFunctions.${bindingType(direction)};${packageVersion()};${randomUUID()}`;
}

/**
 * New azure-kusto-data ClientRequestProperties carrying {@link newClientRequestId} (loads azure-kusto-data), and the
 * connection's `Query Consistency` as the `queryconsistency` option when it sets one. Add the binding's parameters
 * and options to it.
 */
export function newClientRequestProperties(
  direction: KustoBindingDirection,
  connection?: Pick<KustoConnection, 'queryConsistency'>,
): ClientRequestProperties {
  const properties = new (loadKustoData().ClientRequestProperties)();
  properties.clientRequestId = newClientRequestId(direction);
  if (connection?.queryConsistency) properties.setOption('queryconsistency', connection.queryConsistency);
  return properties;
}

/**
 * Sets the extension's connector details on a builder: `Kusto.AzFunctions.Client:<version>`, the app (the
 * connection's `Application Name for Tracing`, else the Function App's `WEBSITE_SITE_NAME`), the user (sent, as the
 * extension does; `User Name for Tracing` overrides it), and the fields FunctionsRuntime, BindingType, MSI and
 * OSVersion, plus Sdk=kusto-functions so the cluster's traces tell this SDK from the .NET extension.
 */
export function applyConnectorDetails(
  kcsb: KustoConnectionStringBuilder,
  connection: Pick<KustoConnection, 'auth' | 'tracing'>,
  direction: KustoBindingDirection,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const fields: [string, string][] = [
    ['FunctionsRuntime', env.FUNCTIONS_WORKER_RUNTIME || 'node'],
    ['BindingType', bindingType(direction)],
  ];
  if (connection.auth.kind === 'systemManagedIdentity') fields.push(['MSI', 'SystemManagedIdentity']);
  if (connection.auth.kind === 'userManagedIdentity') fields.push(['MSI', 'UserManagedIdentity']);
  fields.push(['OSVersion', process.platform], ['Sdk', PACKAGE_NAME]);
  kcsb.setConnectorDetails(
    CONNECTOR_NAME,
    packageVersion(),
    connection.tracing.applicationName ?? (env.WEBSITE_SITE_NAME || undefined),
    undefined,
    true,
    connection.tracing.userName,
    fields,
  );
}
