/**
 * The data management service's own commands, which azure-kusto-ingest runs on the DM's /v1/rest/mgmt:
 * `.get ingestion resources` (where to upload data and post messages) and `.get kusto identity token`
 * (the token messages carry). They answer only when the command context carries the emulator's DM service.
 */
import { notSupported } from '../errors';
import type { ResultTable } from '../kql';
import { readWithProperties, type CommandReader } from './commandReader';
import { type CommandContext, type IngestionResources, resultTable } from './context';

/** What separates the identity token from the principal it was handed to (see ingestBlob). */
export const PRINCIPAL_MARK = ';principal=';

function resourcesOf(context: CommandContext): IngestionResources {
  const resources = context.ingestionResources;
  if (!resources) {
    throw notSupported(
      'Queued ingestion without the data management service (start the emulator with startEmulator to have one)',
    );
  }
  return resources;
}

/**
 * `.get ingestion resources [with (…)]` and `.get kusto identity token`; the reader is just after `.get`.
 * Returns undefined for any other `.get` command, for the caller to reject.
 */
export function getCommand(context: CommandContext, reader: CommandReader): ResultTable | undefined {
  if (reader.acceptWord('ingestion')) {
    if (!reader.acceptWord('resources')) return undefined;
    // The browser client asks for CORS (EnableBlobCors='true', …): the emulator sends no CORS headers either way.
    readWithProperties(reader);
    reader.expectEnd();
    return resultTable(
      [
        ['ResourceTypeName', 'string'],
        ['StorageRoot', 'string'],
      ],
      resourcesOf(context).resourceRows(),
    );
  }
  if (reader.acceptWord('kusto')) {
    if (!reader.acceptWord('identity')) return undefined;
    reader.expectWord('token');
    reader.expectEnd();
    const token = resourcesOf(context).authorizationContext;
    // A principal's messages carry its name (not its bearer token), for the ingestion to be held to its roles.
    return resultTable(
      [['AuthorizationContext', 'string']],
      [[context.caller === undefined ? token : `${token}${PRINCIPAL_MARK}${context.caller}`]],
    );
  }
  return undefined;
}
