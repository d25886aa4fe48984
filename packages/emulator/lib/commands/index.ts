/**
 * Management commands: parses a command's verb and entity, and hands it to the family that runs it.
 * Anything the emulator does not implement fails with `notSupported` naming the command.
 */
import { notSupported, syntaxError } from '../errors';
import type { ResultTable } from '../kql';
import type { Table } from '../model';
import { CommandReader } from './commandReader';
import { queryCommandResult, topLevelPipe } from './commandResultQuery';
import { type CommandContext, contextDatabase } from './context';
import { getCommand } from './dataManagementCommands';
import { ingestFromQuery, ingestInline } from './dataCommands';
import {
  createDatabase,
  dropDatabase,
  showCluster,
  showDatabase,
  showDatabases,
  showVersion,
} from './databaseCommands';
import { showDatabaseSchema } from './databaseSchema';
import { changePrincipals, expectRole, isDatabaseRole, showPrincipals } from '../identity/principals';
import { alterFunction, defineFunction, dropFunctions, showFunction, showFunctions } from './functionCommands';
import { databaseMappingsNotSupported, defineMapping, dropMapping, showMappings } from './mappingCommands';
import { policyCommand } from './policyCommands';
import {
  alterTableProperty,
  clearTableData,
  defineTables,
  dropTables,
  renameTables,
  showTables,
  showTableSchema,
} from './tableCommands';

export type { CommandContext } from './context';

/** The command's name for messages: its verb and the keywords after it (`.show principals`). */
function commandName(text: string): string {
  const reader = new CommandReader(text);
  const words: string[] = [];
  try {
    while (words.length < 3 && reader.peek().kind === 'word') words.push(reader.next().value);
  } catch {
    // A malformed tail does not matter for a name.
  }
  return words.join(' ');
}

function unsupported(text: string): never {
  throw notSupported(`The '${commandName(text)}' command`);
}

/** A table-scoped command (`.alter table T …`, `.show table T …`): reads the table and what follows it. */
function tableCommand(context: CommandContext, reader: CommandReader, verb: string): ResultTable {
  const database = contextDatabase(context);
  const start = reader.position;
  const name = reader.expectName('table');
  const table = (): Table => context.catalog.requireTable(database, name);
  if (reader.acceptWord('ingestion')) {
    if (verb === 'create' || verb === 'create-or-alter' || verb === 'alter')
      return defineMapping(context, table(), reader, verb);
    if (verb === 'drop') return dropMapping(context, table(), reader);
    if (verb === 'show') return showMappings(context, table(), reader);
    return unsupported(reader.text);
  }
  if (reader.acceptWord('policy')) {
    if (verb === 'alter' || verb === 'alter-merge' || verb === 'delete' || verb === 'show') {
      return policyCommand(context, { kind: 'Table', database, table: table() }, verb, reader);
    }
    return unsupported(reader.text);
  }
  switch (verb) {
    case 'create':
    case 'create-merge':
    case 'alter':
    case 'alter-merge':
      if (verb === 'alter' && (reader.isWord('docstring') || reader.isWord('folder'))) {
        const property = reader.next().value.toLowerCase() as 'docstring' | 'folder';
        return alterTableProperty(context, table(), property, reader);
      }
      reader.seek(start);
      return defineTables(context, reader, verb, false);
    case 'drop':
      reader.seek(start);
      return dropTables(context, reader, false);
    case 'rename':
      reader.seek(start);
      return renameTables(context, reader, false);
    case 'clear':
      reader.expectWord('data');
      reader.expectEnd();
      return clearTableData(context, table());
    case 'show':
      if (reader.isWord('cslschema') || reader.isWord('schema')) return showTableSchema(context, table(), reader);
      return unsupported(reader.text);
    default:
      return unsupported(reader.text);
  }
}

/** A database-scoped command (`.alter database D policy …`, `.show database D …`). */
function databaseCommand(context: CommandContext, reader: CommandReader, verb: string): ResultTable {
  if (verb === 'create') return createDatabase(context, reader);
  if (verb === 'drop' || verb === 'add' || verb === 'set') {
    // `.drop database X` drops it; `.add|.drop|.set database X <role> (…)` change its principals.
    const start = reader.position;
    const name = reader.expectName('database');
    if (reader.peek().kind === 'word' && isDatabaseRole(reader.peek().value)) {
      const role = expectRole(reader.next().value);
      return changePrincipals(context, context.catalog.require(name), verb, role, reader);
    }
    if (verb !== 'drop') reader.fail('a role (admins, users, viewers, unrestrictedviewers, ingestors or monitors)');
    reader.seek(start);
    return dropDatabase(context, reader);
  }
  if (verb === 'show' && reader.atEnd()) return showDatabase(context, reader);
  const database = context.catalog.require(reader.expectName('database'));
  if (
    reader.acceptWord('policy') &&
    (verb === 'alter' || verb === 'alter-merge' || verb === 'delete' || verb === 'show')
  ) {
    return policyCommand(context, { kind: 'Database', database }, verb, reader);
  }
  if (reader.isWord('ingestion')) return databaseMappingsNotSupported();
  if (verb === 'show' && reader.acceptWord('schema')) return showDatabaseSchema(database, reader);
  if (verb === 'show' && reader.acceptWord('principals')) return showPrincipals(context, database, reader);
  return unsupported(reader.text);
}

/**
 * Runs one management command against the catalog and returns its result table.
 * Throws a `KustoEmulatorError` for bad syntax, unknown entities and unsupported commands.
 */
export function executeCommand(context: CommandContext, text: string): ResultTable {
  const reader = new CommandReader(text);
  const first = reader.next();
  if (first.kind !== 'word' || !first.value.startsWith('.')) {
    throw syntaxError(
      `Syntax error: a management command starts with '.' (for example '.show tables'), found '${text.trim().slice(0, 40)}'.`,
    );
  }
  const verb = first.value.slice(1).toLowerCase();
  if (verb === 'show') {
    const pipe = topLevelPipe(text);
    if (pipe >= 0)
      return queryCommandResult(context, executeCommand(context, text.slice(0, pipe)), text.slice(pipe + 1));
  }
  const run = (nested: string): ResultTable => executeCommand(context, nested);
  // `.set database X <role> (…)` sets principals; any other `.set` ingests from a query.
  if (verb === 'set' && reader.isWord('database')) {
    reader.next();
    return databaseCommand(context, reader, verb);
  }
  switch (verb) {
    case 'set':
    case 'append':
    case 'set-or-append':
    case 'set-or-replace':
      return ingestFromQuery(context, reader, verb, run);
    case 'ingest':
      if (reader.acceptWord('inline')) return ingestInline(context, reader);
      throw notSupported(
        "Ingestion from storage ('.ingest into … (uri)'); use '.ingest inline' or streaming ingestion",
      );
  }
  if (verb === 'get') {
    // `.get ingestion resources` / `.get kusto identity token`: the data management service's commands.
    const result = getCommand(context, reader);
    if (result) return result;
    throw notSupported(`The '${commandName(text)}' command`);
  }
  const entity = reader.peek().kind === 'word' ? reader.next().value.toLowerCase() : '';
  switch (`${verb} ${entity}`) {
    case 'show databases':
      return showDatabases(context, reader);
    case 'show tables':
      return showTables(context, reader);
    case 'show functions':
      return showFunctions(context, reader);
    case 'show function':
      return showFunction(context, reader);
    case 'show version':
      return showVersion(reader);
    case 'show cluster':
      return showCluster(reader);
    case 'create tables':
    case 'create-merge tables':
      return defineTables(context, reader, verb as 'create' | 'create-merge', true);
    case 'drop tables':
      return dropTables(context, reader, true);
    case 'rename tables':
      return renameTables(context, reader, true);
    case 'create function':
    case 'create-or-alter function':
      return defineFunction(context, reader, verb as 'create' | 'create-or-alter');
    case 'alter function':
      return alterFunction(context, reader);
    case 'drop function':
    case 'drop functions':
      return dropFunctions(context, reader, entity === 'functions');
  }
  if (entity === 'table') return tableCommand(context, reader, verb);
  if (entity === 'database') return databaseCommand(context, reader, verb);
  return unsupported(text);
}
