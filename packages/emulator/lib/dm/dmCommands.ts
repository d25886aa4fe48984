/**
 * The data management service's own commands, which azure-kusto-ingest runs on the DM's /v1/rest/mgmt:
 * `.get ingestion resources` (where to upload data and post messages) and `.get kusto identity token`
 * (the token messages carry). They answer only when the emulator runs a DM service for the catalog.
 */
import type { Catalog } from '../catalog';
import { notSupported } from '../errors';
import type { ResultTable } from '../kql';
import type { CommandReader } from '../commands/commandReader';
import { readWithProperties } from '../commands/commandReader';
import { type CommandContext, resultTable } from '../commands/context';

/** What the commands report: implemented by the DM service. */
export interface IngestionResources {
  /** `[ResourceTypeName, StorageRoot]` rows. */
  resourceRows(): [string, string][];
  /** The identity token ingestion messages carry. */
  readonly authorizationContext: string;
}

// Per catalog, so two emulators in one process answer with their own URLs.
const registry = new WeakMap<Catalog, IngestionResources>();

/** Makes `resources` the DM service of the emulator serving `catalog`. */
export function registerIngestionResources(catalog: Catalog, resources: IngestionResources): void {
  registry.set(catalog, resources);
}

function resourcesOf(context: CommandContext): IngestionResources {
  const resources = registry.get(context.catalog);
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
    return resultTable([['AuthorizationContext', 'string']], [[resourcesOf(context).authorizationContext]]);
  }
  return undefined;
}
