/**
 * Table commands: create / create-merge / alter / alter-merge / drop / rename / clear, and the `.show` commands
 * that describe tables.
 */
import { randomUUID } from 'node:crypto';
import { checkEntityName } from '../catalog';
import { entityNotFound, KustoEmulatorError, syntaxError } from '../errors';
import type { ResultTable } from '../kql';
import type { Column, Database, Table, Value } from '../model';
import { requireScalarType, schemaTypeOf } from '../typeNames';
import { CommandReader, readWithProperties } from './commandReader';
import { type CommandContext, contextDatabase, resultTable } from './context';

/** The value a column holds where a row has none: Kusto's null, or the empty string for strings. */
export function emptyValue(column: Column): Value {
  return column.type === 'string' ? '' : null;
}

/** Reads a column list `(a:long, ['b c']:string)`. */
export function readColumns(reader: CommandReader): Column[] {
  reader.expectPunct('(');
  const columns: Column[] = [];
  if (!reader.isPunct(')')) {
    do {
      const name = reader.expectName('column');
      reader.expectPunct(':');
      const typeName = reader.expectName('column type');
      columns.push({ name, type: requireScalarType(typeName, `for column '${name}'`) });
    } while (reader.acceptPunct(','));
  }
  reader.expectPunct(')');
  checkColumns(columns);
  return columns;
}

/** Fails on invalid or duplicate column names. */
export function checkColumns(columns: Column[]): void {
  const seen = new Set<string>();
  for (const column of columns) {
    checkEntityName('Column', column.name);
    if (seen.has(column.name)) throw syntaxError(`Column '${column.name}' is declared more than once.`);
    seen.add(column.name);
  }
}

/** A new empty table. */
export function newTable(name: string, columns: Column[]): Table {
  checkEntityName('Table', name);
  return { name, columns, extents: [], mappings: new Map(), policies: new Map() };
}

/** `Name:type, …` as `.show table T cslschema` writes it. */
export function cslSchema(columns: Column[]): string {
  return columns.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ');
}

/** A name as it must be written in a command or query: bracketed when not a plain identifier. */
export function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/'/g, "\\'")}']`;
}

function schemaJson(table: Table): string {
  return JSON.stringify({
    Name: table.name,
    OrderedColumns: table.columns.map((c) => ({ Name: c.name, Type: schemaTypeOf(c.type), CslType: c.type })),
  });
}

/** The `schema as json` / `cslschema` result for tables. */
function schemaResult(database: Database, tables: Table[], format: 'json' | 'csl'): ResultTable {
  return resultTable(
    [
      ['TableName', 'string'],
      ['Schema', 'string'],
      ['DatabaseName', 'string'],
      ['Folder', 'string'],
      ['DocString', 'string'],
    ],
    tables.map((t) => [
      t.name,
      format === 'json' ? schemaJson(t) : cslSchema(t.columns),
      database.name,
      t.folder ?? '',
      t.docString ?? '',
    ]),
  );
}

function tablesResult(database: Database, tables: Iterable<Table>): ResultTable {
  return resultTable(
    [
      ['TableName', 'string'],
      ['DatabaseName', 'string'],
      ['Folder', 'string'],
      ['DocString', 'string'],
    ],
    [...tables].map((t) => [t.name, database.name, t.folder ?? '', t.docString ?? '']),
  );
}

function applyTableProperties(table: Table, properties: Map<string, string>): void {
  for (const [name, value] of properties) {
    if (name === 'docstring') table.docString = value;
    else if (name === 'folder') table.folder = value;
    else throw syntaxError(`Unknown table property '${name}': expected docstring or folder.`);
  }
}

/**
 * Rewrites every row of `table` for a new column list: values move by column name, new columns are empty.
 * Fails when a kept column would change type (Kusto refuses that too).
 */
export function reshapeTable(table: Table, columns: Column[]): void {
  const sources = columns.map((column) => {
    const index = table.columns.findIndex((c) => c.name === column.name);
    if (index >= 0 && table.columns[index].type !== column.type) {
      throw new KustoEmulatorError(
        `Column '${column.name}' of table '${table.name}' is of type '${table.columns[index].type}' and cannot be changed to '${column.type}'.`,
        { code: 'BadRequest_BadArgument' },
      );
    }
    return index;
  });
  const same = sources.length === table.columns.length && sources.every((s, i) => s === i);
  if (!same) {
    // New extents, not rewritten ones: extents are immutable once stored (persistence logs them by identity).
    table.extents = table.extents.map((extent) => ({
      ...extent,
      rows: extent.rows.map((row) => sources.map((s, i) => (s >= 0 ? row[s] : emptyValue(columns[i])))),
    }));
  }
  table.columns = columns;
}

/** The columns of `table` merged with `declared`: new ones appended, existing ones must keep their type. */
function mergedColumns(table: Table, declared: Column[]): Column[] {
  const merged = [...table.columns];
  for (const column of declared) {
    const existing = merged.find((c) => c.name === column.name);
    if (!existing) merged.push(column);
    else if (existing.type !== column.type) {
      throw new KustoEmulatorError(
        `Column '${column.name}' of table '${table.name}' is of type '${existing.type}' and cannot be merged with type '${column.type}'.`,
        { code: 'BadRequest_BadArgument' },
      );
    }
  }
  return merged;
}

/** `.create table`, `.create tables`, `.create-merge table(s)`, `.alter table`, `.alter-merge table`. */
export function defineTables(
  context: CommandContext,
  reader: CommandReader,
  verb: 'create' | 'create-merge' | 'alter' | 'alter-merge',
  plural: boolean,
): ResultTable {
  const database = contextDatabase(context);
  const declared: { name: string; columns: Column[] }[] = [];
  do {
    const name = reader.expectName('table');
    declared.push({ name, columns: readColumns(reader) });
  } while (plural && reader.acceptPunct(','));
  const properties = readWithProperties(reader);
  reader.expectEnd();
  const touched: Table[] = [];
  for (const { name, columns } of declared) {
    let table = database.tables.get(name);
    if (!table) {
      if (verb === 'alter' || verb === 'alter-merge') throw entityNotFound('Table', name);
      table = newTable(name, columns);
      database.tables.set(name, table);
    } else if (verb === 'alter') {
      reshapeTable(table, columns);
    } else if (verb !== 'create') {
      reshapeTable(table, mergedColumns(table, columns));
    } else {
      // `.create table` on an existing table succeeds without changing it, as Kusto documents.
      touched.push(table);
      continue;
    }
    applyTableProperties(table, properties);
    touched.push(table);
  }
  context.catalog.schemaChanged(database);
  return schemaResult(database, touched, 'json');
}

/** `.alter table T docstring "…"` / `.alter table T folder "…"`. */
export function alterTableProperty(
  context: CommandContext,
  table: Table,
  property: 'docstring' | 'folder',
  reader: CommandReader,
): ResultTable {
  const database = contextDatabase(context);
  const value = reader.expectString(property);
  reader.expectEnd();
  if (property === 'docstring') table.docString = value;
  else table.folder = value;
  context.catalog.schemaChanged(database);
  return tablesResult(database, [table]);
}

/** `.drop table T [ifexists]` and `.drop tables (A, B) [ifexists]`. */
export function dropTables(context: CommandContext, reader: CommandReader, plural: boolean): ResultTable {
  const database = contextDatabase(context);
  const names: string[] = [];
  if (plural) {
    reader.expectPunct('(');
    do names.push(reader.expectName('table'));
    while (reader.acceptPunct(','));
    reader.expectPunct(')');
  } else {
    names.push(reader.expectName('table'));
  }
  const ifExists = reader.acceptWord('ifexists');
  reader.expectEnd();
  if (!ifExists) for (const name of names) context.catalog.requireTable(database, name);
  for (const name of names) database.tables.delete(name);
  context.catalog.schemaChanged(database);
  return resultTable(
    [
      ['TableName', 'string'],
      ['DatabaseName', 'string'],
    ],
    [...database.tables.values()].map((t) => [t.name, database.name]),
  );
}

/** `.rename table A to B` and `.rename tables B = A [ifexists], …` (swaps allowed). */
export function renameTables(context: CommandContext, reader: CommandReader, plural: boolean): ResultTable {
  const database = contextDatabase(context);
  const pairs: { from: string; to: string }[] = [];
  if (plural) {
    do {
      const to = reader.expectName('new table');
      reader.expectPunct('=');
      const from = reader.expectName('table');
      const ifExists = reader.acceptWord('ifexists');
      if (database.tables.has(from)) pairs.push({ from, to });
      else if (!ifExists) throw entityNotFound('Table', from);
    } while (reader.acceptPunct(','));
  } else {
    const from = reader.expectName('table');
    reader.expectWord('to');
    const to = reader.expectName('new table');
    context.catalog.requireTable(database, from);
    pairs.push({ from, to });
  }
  reader.expectEnd();
  const moving = pairs.map(({ from, to }) => {
    checkEntityName('Table', to);
    return { table: database.tables.get(from) as Table, to };
  });
  for (const { table } of moving) database.tables.delete(table.name);
  for (const { to } of moving) {
    if (database.tables.has(to) || moving.filter((m) => m.to === to).length > 1) {
      throw new KustoEmulatorError(`Cannot rename to '${to}': a table of that name already exists.`, {
        code: 'BadRequest_EntityAlreadyExists',
        kustoType: 'Kusto.Data.Exceptions.EntityAlreadyExistsException',
      });
    }
  }
  for (const { table, to } of moving) {
    table.name = to;
    database.tables.set(to, table);
  }
  context.catalog.schemaChanged(database);
  return tablesResult(
    database,
    moving.map((m) => m.table),
  );
}

/** `.clear table T data`. */
export function clearTableData(context: CommandContext, table: Table): ResultTable {
  const database = contextDatabase(context);
  const dropped = table.extents;
  table.extents = [];
  context.catalog.markChanged(database);
  return resultTable(
    [
      ['ExtentId', 'guid'],
      ['TableName', 'string'],
      ['CreatedOn', 'datetime'],
    ],
    dropped.map((e) => [randomUUID(), table.name, e.ingestionTime]),
  );
}

/** `.show tables [(A, B)]`. */
export function showTables(context: CommandContext, reader: CommandReader): ResultTable {
  const database = contextDatabase(context);
  let tables = [...database.tables.values()];
  if (reader.acceptPunct('(')) {
    const names: string[] = [];
    do names.push(reader.expectName('table'));
    while (reader.acceptPunct(','));
    reader.expectPunct(')');
    tables = names.map((n) => context.catalog.requireTable(database, n));
  }
  reader.expectEnd();
  return tablesResult(database, tables);
}

/** `.show table T schema as json` / `.show table T cslschema`. */
export function showTableSchema(context: CommandContext, table: Table, reader: CommandReader): ResultTable {
  const database = contextDatabase(context);
  if (reader.acceptWord('cslschema')) {
    reader.expectEnd();
    return schemaResult(database, [table], 'csl');
  }
  reader.expectWord('schema');
  reader.expectWord('as');
  const format = reader.expectName('schema format').toLowerCase();
  reader.expectEnd();
  if (format === 'json') return schemaResult(database, [table], 'json');
  if (format === 'csl') return schemaResult(database, [table], 'csl');
  throw syntaxError(`Unknown schema format '${format}': expected json or csl.`);
}
