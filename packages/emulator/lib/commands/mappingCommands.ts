/**
 * Ingestion mapping commands on tables: `.create` / `.create-or-alter` / `.alter` / `.drop` / `.show`.
 */
import { checkEntityName } from '../catalog';
import { KustoEmulatorError, notSupported } from '../errors';
import type { ResultTable } from '../kql';
import type { IngestionMapping, Table } from '../model';
import { mappingDefinitionText, mappingKey, parseMappingEntries, parseMappingKind } from '../ingest/mapping';
import { CommandReader } from './commandReader';
import { type CommandContext, contextDatabase, resultTable } from './context';

// When each mapping was last changed, for `.show … mappings` (kept beside the model, which has no field for it).
const lastUpdated = new WeakMap<IngestionMapping, bigint>();

function mappingsResult(context: CommandContext, table: Table, mappings: IngestionMapping[]): ResultTable {
  const database = contextDatabase(context);
  return resultTable(
    [
      ['Name', 'string'],
      ['Kind', 'string'],
      ['Mapping', 'string'],
      ['LastUpdatedOn', 'datetime'],
      ['Database', 'string'],
      ['Table', 'string'],
    ],
    mappings.map((m) => [
      m.name,
      m.kind,
      mappingDefinitionText(m),
      lastUpdated.get(m) ?? null,
      database.name,
      table.name,
    ]),
  );
}

/**
 * `.create|.create-or-alter|.alter table T ingestion <kind> mapping 'name' '<definition>'`; the reader is
 * just after `ingestion`.
 */
export function defineMapping(
  context: CommandContext,
  table: Table,
  reader: CommandReader,
  verb: 'create' | 'create-or-alter' | 'alter',
): ResultTable {
  const database = contextDatabase(context);
  const kind = parseMappingKind(reader.expectName('mapping kind'));
  reader.expectWord('mapping');
  const name = reader.expectNameOrString('mapping name');
  checkEntityName('Mapping', name);
  const definition = reader.expectString('mapping definition');
  reader.expectEnd();
  const entries = parseMappingEntries(kind, name, definition);
  for (const entry of entries) {
    if (!table.columns.some((c) => c.name === entry.column) && !entry.datatype) {
      throw new KustoEmulatorError(
        `Ingestion mapping '${name}' maps column '${entry.column}', which table '${table.name}' does not have (and gives no datatype to create it with).`,
        { code: 'BadRequest_InvalidMapping' },
      );
    }
  }
  const key = mappingKey(kind, name);
  const exists = table.mappings.has(key);
  if (verb === 'create' && exists) {
    throw new KustoEmulatorError(
      `Ingestion mapping '${name}' of kind '${kind}' already exists on table '${table.name}'.`,
      {
        code: 'BadRequest_EntityAlreadyExists',
        kustoType: 'Kusto.Data.Exceptions.EntityAlreadyExistsException',
      },
    );
  }
  if (verb === 'alter' && !exists) {
    throw new KustoEmulatorError(
      `Ingestion mapping '${name}' of kind '${kind}' was not found on table '${table.name}'.`,
      {
        code: 'BadRequest_EntityNotFound',
        kustoType: 'Kusto.Data.Exceptions.EntityNotFoundException',
      },
    );
  }
  const mapping: IngestionMapping = { name, kind, entries };
  lastUpdated.set(mapping, context.now);
  table.mappings.set(key, mapping);
  context.catalog.markChanged(database);
  return mappingsResult(context, table, [mapping]);
}

/** `.drop table T ingestion <kind> mapping 'name'`; the reader is just after `ingestion`. */
export function dropMapping(context: CommandContext, table: Table, reader: CommandReader): ResultTable {
  const database = contextDatabase(context);
  const kind = parseMappingKind(reader.expectName('mapping kind'));
  reader.expectWord('mapping');
  const name = reader.expectNameOrString('mapping name');
  reader.expectEnd();
  const key = mappingKey(kind, name);
  if (!table.mappings.delete(key)) {
    throw new KustoEmulatorError(
      `Ingestion mapping '${name}' of kind '${kind}' was not found on table '${table.name}'.`,
      {
        code: 'BadRequest_EntityNotFound',
        kustoType: 'Kusto.Data.Exceptions.EntityNotFoundException',
      },
    );
  }
  context.catalog.markChanged(database);
  return mappingsResult(context, table, [...table.mappings.values()]);
}

/**
 * `.show table T ingestion [kind] mappings` and `.show table T ingestion kind mapping 'name'`; the reader is
 * just after `ingestion`.
 */
export function showMappings(context: CommandContext, table: Table, reader: CommandReader): ResultTable {
  let kind: string | undefined;
  if (!reader.isWord('mappings')) kind = parseMappingKind(reader.expectName('mapping kind'));
  let mappings = [...table.mappings.values()].filter((m) => !kind || m.kind === kind);
  if (reader.acceptWord('mapping')) {
    if (!kind) reader.fail('a mapping kind before "mapping"');
    const name = reader.expectNameOrString('mapping name');
    mappings = mappings.filter((m) => m.name === name);
    if (mappings.length === 0) {
      throw new KustoEmulatorError(
        `Ingestion mapping '${name}' of kind '${kind}' was not found on table '${table.name}'.`,
        {
          code: 'BadRequest_EntityNotFound',
          kustoType: 'Kusto.Data.Exceptions.EntityNotFoundException',
        },
      );
    }
  } else {
    reader.expectWord('mappings');
  }
  reader.expectEnd();
  return mappingsResult(context, table, mappings);
}

/** Database-level mappings are not kept by the emulator. */
export function databaseMappingsNotSupported(): never {
  throw notSupported('Database-level ingestion mappings (use table-level mappings)');
}
