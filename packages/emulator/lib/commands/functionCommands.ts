/**
 * Stored function commands: `.create function`, `.create-or-alter function`, `.alter function`,
 * `.drop function(s)`, `.show functions`, `.show function F`.
 */
import { checkEntityName } from '../catalog';
import { entityNotFound, KustoEmulatorError, syntaxError } from '../errors';
import type { ResultTable } from '../kql';
import type { Database, StoredFunction } from '../model';
import { booleanProperty, CommandReader, readWithProperties } from './commandReader';
import { type CommandContext, contextDatabase, resultTable } from './context';

function functionsResult(functions: StoredFunction[]): ResultTable {
  return resultTable(
    [
      ['Name', 'string'],
      ['Parameters', 'string'],
      ['Body', 'string'],
      ['Folder', 'string'],
      ['DocString', 'string'],
    ],
    functions.map((f) => [f.name, f.parameters, f.body, f.folder ?? '', f.docString ?? '']),
  );
}

function requireFunction(database: Database, name: string): StoredFunction {
  const fn = database.functions.get(name);
  if (!fn) throw entityNotFound('Function', name);
  return fn;
}

/** `.create function [ifnotexists] [with (…)] F(params) { body }`, and its `create-or-alter` / `alter` forms. */
export function defineFunction(
  context: CommandContext,
  reader: CommandReader,
  verb: 'create' | 'create-or-alter' | 'alter',
): ResultTable {
  const database = contextDatabase(context);
  const ifNotExists = verb === 'create' && reader.acceptWord('ifnotexists');
  const properties = readWithProperties(reader);
  const name = reader.expectName('function');
  checkEntityName('Function', name);
  const parameters = reader.balanced('(');
  const body = reader.balanced('{');
  reader.expectEnd();
  const existing = database.functions.get(name);
  if (verb === 'alter' && !existing) throw entityNotFound('Function', name);
  if (verb === 'create' && existing) {
    if (ifNotExists) return functionsResult([existing]);
    throw new KustoEmulatorError(`Function '${name}' already exists; use .create-or-alter function to change it.`, {
      code: 'BadRequest_EntityAlreadyExists',
      kustoType: 'Kusto.Data.Exceptions.EntityAlreadyExistsException',
    });
  }
  if (database.tables.has(name)) {
    throw new KustoEmulatorError(`Cannot create function '${name}': a table of that name exists.`, {
      code: 'BadRequest_EntityNameIsNotValid',
    });
  }
  const fn: StoredFunction = { name, parameters, body };
  for (const [key, value] of properties) {
    if (key === 'docstring') fn.docString = value;
    else if (key === 'folder') fn.folder = value;
    else if (key === 'skipvalidation' || key === 'view') booleanProperty(properties, key);
    else throw syntaxError(`Unknown function property '${key}': expected docstring, folder, skipvalidation or view.`);
  }
  // `.alter function` keeps the docstring and folder it is not given, as Kusto does.
  if (existing && verb === 'alter') {
    fn.docString ??= existing.docString;
    fn.folder ??= existing.folder;
  }
  database.functions.set(name, fn);
  context.catalog.schemaChanged(database);
  return functionsResult([fn]);
}

/** `.alter function F docstring "…"` / `.alter function F folder "…"`. */
export function alterFunctionProperty(context: CommandContext, reader: CommandReader): ResultTable {
  const database = contextDatabase(context);
  const name = reader.expectName('function');
  const fn = requireFunction(database, name);
  const property = reader.expectName('docstring or folder').toLowerCase();
  const value = reader.expectString(property);
  reader.expectEnd();
  if (property === 'docstring') fn.docString = value;
  else if (property === 'folder') fn.folder = value;
  else throw syntaxError(`Expected docstring or folder after '.alter function ${name}', found '${property}'.`);
  context.catalog.schemaChanged(database);
  return functionsResult([fn]);
}

/** `.alter function` in any form: a new definition, or a docstring / folder change. */
export function alterFunction(context: CommandContext, reader: CommandReader): ResultTable {
  const rest = reader.rest();
  const probe = new CommandReader(rest);
  const first = probe.next();
  const second = probe.peek();
  const isProperty =
    (first.kind === 'word' || first.kind === 'name') &&
    second.kind === 'word' &&
    ['docstring', 'folder'].includes(second.value.toLowerCase());
  const fresh = new CommandReader(rest);
  return isProperty ? alterFunctionProperty(context, fresh) : defineFunction(context, fresh, 'alter');
}

/** `.drop function F [ifexists]` / `.drop functions (F, G) [ifexists]`. */
export function dropFunctions(context: CommandContext, reader: CommandReader, plural: boolean): ResultTable {
  const database = contextDatabase(context);
  const names: string[] = [];
  if (plural) {
    reader.expectPunct('(');
    do names.push(reader.expectName('function'));
    while (reader.acceptPunct(','));
    reader.expectPunct(')');
  } else {
    names.push(reader.expectName('function'));
  }
  const ifExists = reader.acceptWord('ifexists');
  reader.expectEnd();
  if (!ifExists) for (const name of names) requireFunction(database, name);
  const dropped = names.filter((n) => database.functions.delete(n));
  context.catalog.schemaChanged(database);
  return resultTable(
    [['Name', 'string']],
    dropped.map((n) => [n]),
  );
}

/** `.show functions`. */
export function showFunctions(context: CommandContext, reader: CommandReader): ResultTable {
  const database = contextDatabase(context);
  reader.expectEnd();
  return functionsResult([...database.functions.values()]);
}

/** `.show function F`. */
export function showFunction(context: CommandContext, reader: CommandReader): ResultTable {
  const database = contextDatabase(context);
  const name = reader.expectName('function');
  readWithProperties(reader);
  reader.expectEnd();
  return functionsResult([requireFunction(database, name)]);
}
