/**
 * What a management command needs of its caller (role-based-access-control.md): `.show` commands are metadata
 * (viewers, users, monitors, admins); ingestion commands need ingestors or admins (users do not ingest); users may
 * create tables and functions; creating or dropping a database is a cluster role's; everything else is the
 * database admin's. `.get ingestion resources` / `.get kusto identity token` (the data management service's) need a
 * valid token only: the ingestion they lead to is checked against the target database when it is processed.
 */
import { CommandReader } from '../commands/commandReader';
import { isDatabaseRole, type Permission } from './principals';

/** A command's required permission, the database it is checked in, and its name for messages. */
export interface CommandPermission {
  permission: Permission;
  database: string;
  action: string;
}

const INGEST_VERBS = new Set(['set', 'append', 'set-or-append', 'set-or-replace', 'ingest']);
const CREATE_ENTITIES = new Set(['table', 'tables', 'function']);

/** What running `text` in `requestDatabase` needs. Text that does not parse needs admin (the command then reports). */
export function commandPermission(text: string, requestDatabase: string): CommandPermission {
  const reader = new CommandReader(text);
  const words: string[] = [];
  let database = requestDatabase;
  let permission: Permission = 'admin';
  try {
    const verb = reader.next().value.replace(/^\./, '').toLowerCase();
    words.push(`.${verb}`);
    const entity = reader.peek().kind === 'word' ? reader.peek().value.toLowerCase() : '';
    if (entity !== '') words.push(entity);
    if (verb === 'get') permission = 'none';
    else if (entity === 'database') {
      reader.next();
      if (reader.atEnd()) permission = verb === 'show' ? 'show' : 'admin';
      else {
        database = reader.expectName('database');
        const next = reader.peek().kind === 'word' ? reader.peek().value.toLowerCase() : '';
        if (next !== '') words.push(next);
        if (verb === 'show') permission = 'show';
        else if (isDatabaseRole(next)) permission = 'admin';
        else if (verb === 'create' || verb === 'drop') permission = 'cluster';
        else permission = 'admin';
      }
    } else if (verb === 'show') {
      // `.show databases`, `.show version`, `.show cluster`: about the cluster, for any signed-in caller.
      permission = entity === 'databases' || entity === 'version' || entity === 'cluster' ? 'none' : 'show';
    } else if (INGEST_VERBS.has(verb)) permission = 'ingest';
    else if ((verb === 'create' || verb === 'create-merge') && CREATE_ENTITIES.has(entity)) permission = 'create';
  } catch {
    // Unreadable: admin, and the command itself says what is wrong with it.
  }
  return { permission, database, action: `run '${words.join(' ')}'` };
}
