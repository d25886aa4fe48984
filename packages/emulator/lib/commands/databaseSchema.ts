/**
 * `.show database D schema as json`: the database's tables (with their columns) and stored functions as one JSON
 * document in a `DatabaseSchema` column, shaped as Kusto's, so that tools that export a schema from a cluster
 * (`kusto-functions check --schema`, `--connection`) read the emulator's the same way.
 */
import { syntaxError } from '../errors';
import type { ResultTable } from '../kql';
import type { Database } from '../model';
import { schemaTypeOf, scalarTypeOf } from '../typeNames';
import type { CommandReader } from './commandReader';
import { resultTable } from './context';

/** Splits a parameter list's text at its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((p) => p.trim());
}

function columnJson(name: string, cslType: string): Record<string, unknown> {
  const type = scalarTypeOf(cslType);
  return { Name: name, Type: type ? schemaTypeOf(type) : 'System.Object', CslType: type ?? cslType };
}

/** `(a:string, T:(x:long), b:long=5)` as Kusto's InputParameters. */
function inputParameters(parameters: string): Record<string, unknown>[] {
  const inner = parameters.trim().replace(/^\(/, '').replace(/\)$/, '');
  return splitTopLevel(inner).map((param) => {
    const colon = param.indexOf(':');
    const name = param.slice(0, colon).trim();
    const rest = param.slice(colon + 1).trim();
    if (rest.startsWith('(')) {
      const columns = splitTopLevel(rest.slice(1, rest.lastIndexOf(')'))).map((c) => {
        const [n, t] = c.split(':').map((s) => s.trim());
        return columnJson(n, t);
      });
      return { Name: name, Columns: columns };
    }
    const eq = rest.indexOf('=');
    const type = (eq < 0 ? rest : rest.slice(0, eq)).trim();
    const json = columnJson(name, type);
    if (eq >= 0) json.CslDefaultValue = rest.slice(eq + 1).trim();
    return json;
  });
}

/** The JSON `.show database D schema as json` returns. */
export function databaseSchemaJson(database: Database): string {
  const tables: Record<string, unknown> = {};
  for (const table of database.tables.values()) {
    tables[table.name] = {
      Name: table.name,
      DefaultColumn: null,
      OrderedColumns: table.columns.map((c) => columnJson(c.name, c.type)),
      Folder: table.folder ?? null,
      DocString: table.docString ?? null,
    };
  }
  const functions: Record<string, unknown> = {};
  for (const fn of database.functions.values()) {
    functions[fn.name] = {
      Name: fn.name,
      InputParameters: inputParameters(fn.parameters),
      Body: fn.body,
      Folder: fn.folder ?? null,
      DocString: fn.docString ?? null,
      FunctionKind: 'Unknown',
      OutputColumns: [],
    };
  }
  return JSON.stringify({
    Databases: {
      [database.name]: {
        Name: database.name,
        Tables: tables,
        PrettyName: null,
        MajorVersion: 1,
        MinorVersion: database.schemaVersion,
        Functions: functions,
        MaterializedViews: {},
        ExternalTables: {},
      },
    },
  });
}

/** `.show database D schema as json` (after `schema`): one row, one `DatabaseSchema` cell. */
export function showDatabaseSchema(database: Database, reader: CommandReader): ResultTable {
  reader.acceptWord('details');
  reader.expectWord('as');
  const format = reader.expectName('schema format').toLowerCase();
  reader.expectEnd();
  if (format !== 'json')
    throw syntaxError(`'.show database ${database.name} schema as ${format}' is not supported: use 'as json'.`);
  return resultTable([['DatabaseSchema', 'string']], [[databaseSchemaJson(database)]]);
}
