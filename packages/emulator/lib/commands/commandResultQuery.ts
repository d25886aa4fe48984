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
    // A new Database object each time is a new identity to the engine's plan cache (kql/schema.ts), so results of
    // different shapes never share a plan, without a version to keep.
    schemaVersion: 0,
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
