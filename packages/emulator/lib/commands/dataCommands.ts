/**
 * Data commands: `.ingest inline into table T <| data` and ingestion from a query
 * (`.set`, `.append`, `.set-or-append`, `.set-or-replace T <| query`).
 */
import { randomUUID } from 'node:crypto';
import { KustoEmulatorError, notSupported, syntaxError } from '../errors';
import { ingestData, msToTicks, resolveMapping } from '../ingest/ingestData';
import { parseFormat } from '../ingest/formats';
import { parseMappingEntries } from '../ingest/mapping';
import { executeQuery, type ResultTable } from '../kql';
import {
  type Column,
  type Database,
  type Extent,
  type KustoScalarType,
  NUMERIC_TYPES,
  type Table,
  type Value,
} from '../model';
import { decimalFromLong, decimalFromNumber, decimalToLong } from '../values/decimalValue';
import { toDynamic, toText } from '../values/valueWriters';
import { dynamicDepthExceeds, dynamicTooDeep } from '../limits';
import { booleanProperty, CommandReader, readWithProperties } from './commandReader';
import { type CommandContext, contextDatabase, resultTable } from './context';
import { checkColumns, newTable } from './tableCommands';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * Refuses a query result holding a dynamic value nested deeper than any ingestion path accepts (a query can build one
 * with pack() of pack() …), before anything is created or replaced.
 */
function checkDynamicDepth(source: ResultTable): void {
  const dynamicColumns = source.columns.flatMap((column, i) => (column.type === 'dynamic' ? [i] : []));
  if (dynamicColumns.length === 0) return;
  source.rows.forEach((row, r) => {
    for (const i of dynamicColumns) {
      if (dynamicDepthExceeds(row[i])) throw dynamicTooDeep(`Row ${r + 1}, column '${source.columns[i].name}'`);
    }
  });
}

/** Parses a property holding a JSON array of strings (`tags`, `ingestIfNotExists`). */
function stringArrayProperty(properties: Map<string, string>, name: string): string[] {
  const text = properties.get(name);
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw syntaxError(
      `Property '${name}' must be a JSON array of strings, such as '["a","b"]', not ${JSON.stringify(text)}.`,
    );
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw syntaxError(`Property '${name}' must be a JSON array of strings, such as '["a","b"]'.`);
  }
  return value as string[];
}

/** Whether an extent of the table carries one of the `ingest-by:` tags `ingestIfNotExists` names. */
function alreadyIngested(table: Table, ingestIfNotExists: string[]): boolean {
  if (ingestIfNotExists.length === 0) return false;
  const wanted = new Set(ingestIfNotExists.map((v) => `ingest-by:${v}`));
  return table.extents.some((e) => e.tags.some((t) => wanted.has(t)));
}

function checkProperties(properties: Map<string, string>, allowed: string[], command: string): void {
  for (const name of properties.keys()) {
    if (!allowed.includes(name)) {
      throw syntaxError(
        `Property '${name}' is not supported by ${command}: the emulator accepts ${allowed.join(', ')}.`,
      );
    }
  }
}

/** The data after `<|`: the rest of the `<|` line is dropped when blank, as are trailing blank lines. */
function inlineData(raw: string): string {
  let data = raw.replace(/^[ \t]*/, '');
  if (data.startsWith('\r\n')) data = data.slice(2);
  else if (data.startsWith('\n')) data = data.slice(1);
  return data.replace(/(\r?\n[ \t]*)+$/, '');
}

/** `.ingest inline into table T [with (…)] <| data`; the reader is just after `inline`. */
export function ingestInline(context: CommandContext, reader: CommandReader): ResultTable {
  const started = Date.now();
  const database = contextDatabase(context);
  reader.expectWord('into');
  reader.expectWord('table');
  const table = context.catalog.requireTable(database, reader.expectName('table'));
  const properties = readWithProperties(reader);
  checkProperties(
    properties,
    [
      'format',
      'ingestionmappingreference',
      'ingestionmapping',
      'ingestionmappingtype',
      'ignorefirstrecord',
      'tags',
      'ingestifnotexists',
      'creationtime',
    ],
    '.ingest inline',
  );
  if (!reader.acceptPunct('<|')) {
    if (reader.isPunct('[')) throw notSupported("'.ingest inline' with bracketed data (use '<|')");
    reader.fail("'<|' followed by the data");
  }
  const data = inlineData(reader.rest());
  const format = parseFormat(properties.get('format') ?? 'csv');
  const mappingName = properties.get('ingestionmappingreference');
  const inlineMapping = properties.get('ingestionmapping');
  if (mappingName && inlineMapping)
    throw syntaxError('Give either ingestionMappingReference or ingestionMapping, not both.');
  const mapping = mappingName
    ? resolveMapping(table, format, mappingName)
    : inlineMapping
      ? {
          name: '(inline)',
          entries: parseMappingEntries(format.endsWith('json') ? 'Json' : 'Csv', '(inline)', inlineMapping),
        }
      : undefined;
  const tags = stringArrayProperty(properties, 'tags');
  let extent: Extent | undefined;
  if (!alreadyIngested(table, stringArrayProperty(properties, 'ingestifnotexists'))) {
    extent = ingestData({
      table,
      data,
      format,
      mapping,
      ignoreFirstRecord: booleanProperty(properties, 'ignorefirstrecord'),
      sourceLocation: 'inline',
      now: context.now,
      tags,
    });
    if (extent) context.catalog.markChanged(database);
  }
  return resultTable(
    [
      ['ExtentId', 'guid'],
      ['ItemLoaded', 'string'],
      ['Duration', 'timespan'],
      ['HasErrors', 'bool'],
      ['OperationId', 'guid'],
    ],
    [[extent ? randomUUID() : EMPTY_GUID, 'inline', msToTicks(Date.now() - started), false, randomUUID()]],
  );
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Converts a query result value to a table column's type, where Kusto converts implicitly. */
function convertValue(from: KustoScalarType, to: Column, value: Value, column: number): Value {
  if (from === to.type) return value;
  if (value === null) return to.type === 'string' ? '' : null;
  const fail = (): never => {
    throw new KustoEmulatorError(
      `The query's column ${column + 1} is of type '${from}', which cannot be stored in column '${to.name}' of type '${to.type}'.`,
      { code: 'BadRequest_BadArgument' },
    );
  };
  const numeric = NUMERIC_TYPES.has(from);
  switch (to.type) {
    case 'string':
      return toText(from, value);
    case 'dynamic':
      return toDynamic(from, value);
    case 'long':
      if (from === 'int') return BigInt(value as number);
      if (from === 'real' && Number.isFinite(value)) return BigInt(Math.trunc(value as number));
      if (from === 'decimal') return decimalToLong(value as string) ?? fail();
      return fail();
    case 'int': {
      const n = numeric ? Number(value) : NaN;
      if (Number.isFinite(n) && Math.trunc(n) >= INT32_MIN && Math.trunc(n) <= INT32_MAX) return Math.trunc(n);
      return fail();
    }
    case 'real':
      return numeric ? Number(value) : fail();
    case 'decimal':
      if (from === 'long') return decimalFromLong(value as bigint);
      return numeric ? (decimalFromNumber(value as number) ?? fail()) : fail();
    default:
      return fail();
  }
}

/**
 * The source's rows as the table stores them: its own arrays (a query's result rows are fresh arrays, never the
 * plans' or a table's), converted in place in the columns whose type differs from the table's. Converting only those,
 * rather than copying every row, keeps a large `.set-or-append` from holding three copies of its rows.
 */
function storedRows(source: ResultTable, columns: Column[]): Value[][] {
  const width = columns.length;
  const converted = columns.flatMap((column, i) => (source.columns[i].type === column.type ? [] : [i]));
  for (const row of source.rows) {
    for (let i = row.length; i < width; i++) row[i] = null;
    for (const i of converted) row[i] = convertValue(source.columns[i].type, columns[i], row[i] ?? null, i);
  }
  return source.rows;
}

/** Rows {@link estimatedSize} looks at: an even sample of a larger extent, scaled up. */
const SIZE_SAMPLE = 4096;

/**
 * The rows' size in bytes as the command reports it (OriginalSize, ExtentSize, ColumnSize): an estimate, as the
 * emulator has no storage format to measure: two bytes a string character, eight a number, a datetime or a timespan,
 * one a bool, the JSON text of a dynamic value; over an even sample of {@link SIZE_SAMPLE} rows of a larger extent.
 */
function estimatedSize(rows: Value[][]): number {
  const stride = Math.max(1, Math.floor(rows.length / SIZE_SAMPLE));
  let size = 0;
  let sampled = 0;
  for (let r = 0; r < rows.length; r += stride) {
    sampled++;
    for (const v of rows[r]) {
      if (typeof v === 'string') size += 2 * v.length;
      else if (typeof v === 'number' || typeof v === 'bigint') size += 8;
      else if (typeof v === 'boolean') size += 1;
      else if (v !== null) size += JSON.stringify(v).length;
    }
  }
  return sampled === 0 ? 0 : Math.round((size * rows.length) / sampled);
}

/** Runs the query (or `.show` command) after `<|` and returns its first result table. */
function runSource(
  context: CommandContext,
  database: Database,
  text: string,
  run: (text: string) => ResultTable,
): ResultTable {
  if (text.trimStart().startsWith('.')) {
    if (!/^\s*\.show\b/i.test(text))
      throw syntaxError('Only .show commands can be the source of an ingestion command.');
    // Row arrays of the table's own, as a query's are (storedRows keeps them).
    const shown = run(text);
    return { ...shown, rows: shown.rows.map((row) => row.slice()) };
  }
  const results = executeQuery({
    catalog: context.catalog,
    database,
    text,
    parameters: context.parameters,
    options: context.options,
    now: context.now,
  });
  if (results.length === 0) throw syntaxError('The query after <| produced no tabular result to ingest.');
  return results[0];
}

/**
 * `.set`, `.append`, `.set-or-append`, `.set-or-replace` `[async] T [with (…)] <| query`; the reader is just
 * after the verb. `run` executes a `.show` command used as the source.
 */
export function ingestFromQuery(
  context: CommandContext,
  reader: CommandReader,
  verb: 'set' | 'append' | 'set-or-append' | 'set-or-replace',
  run: (text: string) => ResultTable,
): ResultTable {
  const database = contextDatabase(context);
  if (reader.isWord('async')) throw notSupported(`'.${verb} async'`);
  const name = reader.expectName('table');
  const properties = readWithProperties(reader);
  checkProperties(
    properties,
    [
      'tags',
      'ingestifnotexists',
      'folder',
      'docstring',
      'extend_schema',
      'recreate_schema',
      'distributed',
      'creationtime',
      'policy_ingestiontime',
      'persistdetails',
    ],
    `.${verb}`,
  );
  reader.expectPunct('<|');
  const source = runSource(context, database, reader.rest(), run);
  checkDynamicDepth(source);
  let table = database.tables.get(name);
  if (verb === 'set' && table) {
    throw new KustoEmulatorError(
      `Table '${name}' already exists; .set creates a new table (use .set-or-append or .set-or-replace).`,
      {
        code: 'BadRequest_EntityAlreadyExists',
        kustoType: 'Kusto.Data.Exceptions.EntityAlreadyExistsException',
      },
    );
  }
  if (verb === 'append' && !table) context.catalog.requireTable(database, name);
  let schemaChanged = false;
  if (!table) {
    const columns = source.columns.map((c) => ({ ...c }));
    checkColumns(columns);
    table = newTable(name, columns);
    database.tables.set(name, table);
    schemaChanged = true;
  } else if (verb === 'set-or-replace' && booleanProperty(properties, 'recreate_schema')) {
    table.columns = source.columns.map((c) => ({ ...c }));
    checkColumns(table.columns);
    table.extents = [];
    schemaChanged = true;
  } else if (booleanProperty(properties, 'extend_schema') && source.columns.length > table.columns.length) {
    const extra = source.columns.slice(table.columns.length).map((c) => ({ ...c }));
    checkColumns([...table.columns, ...extra]);
    // New extents, not rewritten ones: extents are immutable once stored (persistence logs them by identity).
    table.extents = table.extents.map((extent) => ({
      ...extent,
      rows: extent.rows.map((r) => [...r, ...extra.map((c) => (c.type === 'string' ? '' : null))]),
    }));
    table.columns = [...table.columns, ...extra];
    schemaChanged = true;
  }
  const target = table;
  if (source.columns.length !== target.columns.length) {
    throw new KustoEmulatorError(
      `The query's result has ${source.columns.length} columns but table '${target.name}' has ${target.columns.length}: columns are matched by position.`,
      { code: 'BadRequest_BadArgument' },
    );
  }
  const rows = storedRows(source, target.columns);

  if (properties.has('folder')) target.folder = properties.get('folder');
  if (properties.has('docstring')) target.docString = properties.get('docstring');
  // Checked before a replace clears the tags it looks at.
  const skip = alreadyIngested(target, stringArrayProperty(properties, 'ingestifnotexists'));
  if (verb === 'set-or-replace' && !skip) target.extents = [];
  let extent: Extent | undefined;
  if (rows.length > 0 && !skip) {
    extent = { ingestionTime: context.now, rows, tags: stringArrayProperty(properties, 'tags') };
    target.extents.push(extent);
  }
  if (schemaChanged || properties.has('folder') || properties.has('docstring')) context.catalog.schemaChanged(database);
  else context.catalog.markChanged(database);
  const size = extent ? estimatedSize(extent.rows) : 0;
  return resultTable(
    [
      ['ExtentId', 'guid'],
      ['OriginalSize', 'long'],
      ['ExtentSize', 'long'],
      ['ColumnSize', 'long'],
      ['IndexSize', 'long'],
      ['RowCount', 'long'],
    ],
    extent ? [[randomUUID(), BigInt(size), BigInt(size), BigInt(size), 0n, BigInt(rows.length)]] : [],
  );
}
