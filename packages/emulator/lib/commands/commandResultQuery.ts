/**
 * `.show … | <query>`: a `.show` command's result filtered or shaped by a query, as Kusto allows.
 * The result becomes a table of a throwaway database that the KQL engine queries.
 */
import { executeQuery, type ResultTable } from '../kql';
import type { Database, Table } from '../model';
import { CommandReader } from './commandReader';
import type { CommandContext } from './context';

/** The name the query sees the command's result under. */
const RESULT_TABLE = 'CommandResults';

// One schema version per distinct result shape: the engine caches plans by database name and version, so
// two shapes must never share one.
const versions = new Map<string, number>();

function versionOf(table: ResultTable): number {
  const signature = table.columns.map((c) => `${c.name}:${c.type}`).join(',');
  let version = versions.get(signature);
  if (version === undefined) {
    version = versions.size + 1;
    versions.set(signature, version);
  }
  return version;
}

/** The offset of the first `|` outside brackets, strings and comments, or -1. */
export function topLevelPipe(text: string): number {
  const reader = new CommandReader(text);
  let depth = 0;
  for (let token = reader.next(); token.kind !== 'end'; token = reader.next()) {
    if (token.kind !== 'punct') continue;
    if (token.value === '(' || token.value === '[' || token.value === '{') depth++;
    else if (token.value === ')' || token.value === ']' || token.value === '}') depth--;
    else if (token.value === '|' && depth === 0) return token.start;
  }
  return -1;
}

/** Runs `query` (the text after the `|`) over a command's result. */
export function queryCommandResult(context: CommandContext, result: ResultTable, query: string): ResultTable {
  const table: Table = {
    name: RESULT_TABLE,
    columns: result.columns,
    extents: [{ ingestionTime: context.now, rows: result.rows, tags: [] }],
    mappings: new Map(),
    policies: new Map(),
  };
  const database: Database = {
    name: '$command_results',
    persistent: false,
    tables: new Map([[RESULT_TABLE, table]]),
    functions: new Map(),
    schemaVersion: versionOf(result),
  };
  const results = executeQuery({
    catalog: context.catalog,
    database,
    text: `${RESULT_TABLE} | ${query}`,
    parameters: context.parameters,
    options: context.options,
    now: context.now,
  });
  return { ...results[0], name: 'Table_0' };
}
