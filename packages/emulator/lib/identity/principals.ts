/**
 * Kusto's database security roles: `.add|.drop|.set database X <role> ('<principal>', …) ['notes']` and
 * `.show database X principals`, kept with the database (durable through its write-ahead log like every change),
 * and the check of a caller's role before a request runs (only when the emulator checks identities).
 */
import { KustoEmulatorError, syntaxError } from '../errors';
import type { Catalog } from '../catalog';
import type { ResultTable } from '../kql';
import type { Database } from '../model';
import type { CommandReader } from '../commands/commandReader';
import { type CommandContext, resultTable } from '../commands/context';
import type { Caller } from './tokens';

/** A database role, as the commands spell it. */
export type DatabaseRole = 'admins' | 'users' | 'viewers' | 'unrestrictedviewers' | 'ingestors' | 'monitors';

const ROLE_NAMES: Record<DatabaseRole, string> = {
  admins: 'Admin',
  users: 'User',
  viewers: 'Viewer',
  unrestrictedviewers: 'UnrestrictedViewer',
  ingestors: 'Ingestor',
  monitors: 'Monitor',
};

/** Whether a word is a database role of the commands. */
export function isDatabaseRole(word: string): word is DatabaseRole {
  return Object.hasOwn(ROLE_NAMES, word.toLowerCase());
}

/** One grant: a principal in a role of a database. */
export interface PrincipalGrant {
  /** The role granted. */
  role: DatabaseRole;
  /** `aadapp=<id>;<tenant>`, `aaduser=<upn>`, `aadgroup=…`, as given (kind in lower case). */
  fqn: string;
  /** The description given with the grant (`.add … ('…') 'notes'`), shown by `.show database X principals`. */
  notes: string;
}

const KINDS: Record<string, string> = {
  aadapp: 'AAD Application',
  aaduser: 'AAD User',
  aadgroup: 'AAD Group',
};

/** The principal of a `'aadapp=…;…'` literal, its kind in lower case; a clear error for anything else. */
function parsePrincipal(text: string): string {
  const match = /^\s*(aadapp|aaduser|aadgroup)\s*=\s*([^;\s]+)\s*(?:;\s*([^;\s]+)\s*)?$/i.exec(text);
  if (!match) {
    throw syntaxError(
      `'${text.slice(0, 80)}' is not a principal Kusto knows: write 'aadapp=<client id>;<tenant>', 'aaduser=<upn>' or 'aadgroup=<name>'.`,
    );
  }
  return `${match[1].toLowerCase()}=${match[2]}${match[3] ? `;${match[3]}` : ''}`;
}

/** The principal and tenant parts of an FQN, in lower case, for comparing. */
function keyOf(fqn: string): { id: string; tenant?: string } {
  const [id, tenant] = fqn.toLowerCase().split(';');
  return { id, tenant };
}

/** Whether a grant's principal is `fqn` (a grant without a tenant is the cluster's own tenant: any). */
function samePrincipal(grant: string, fqn: string): boolean {
  const a = keyOf(grant);
  const b = keyOf(fqn);
  return a.id === b.id && (a.tenant === undefined || b.tenant === undefined || a.tenant === b.tenant);
}

/** Whether `fqn` holds any role in the database (what `.show databases` lists for a principal, as Kusto does). */
export function holdsAnyRole(catalog: Catalog, database: Database, fqn: string): boolean {
  return grantsOf(catalog, database).some((g) => samePrincipal(g.fqn, fqn));
}

/** The grants of a database (kept in its catalog info). */
export function grantsOf(catalog: Catalog, database: Database): PrincipalGrant[] {
  const info = catalog.info(database);
  info.principals ??= [];
  return info.principals;
}

function principalsTable(database: Database, grants: PrincipalGrant[]): ResultTable {
  return resultTable(
    [
      ['Role', 'string'],
      ['PrincipalType', 'string'],
      ['PrincipalDisplayName', 'string'],
      ['PrincipalObjectId', 'string'],
      ['PrincipalFQN', 'string'],
      ['Notes', 'string'],
    ],
    grants.map((g) => {
      const [kind, rest] = g.fqn.split('=', 2);
      const id = rest.split(';')[0];
      return [
        `Database ${database.name} ${ROLE_NAMES[g.role]}`,
        KINDS[kind] ?? kind,
        // No directory to look a name up in: the principal's id stands for its display name.
        kind === 'aadapp' ? `app ${id}` : id,
        kind === 'aadapp' ? id : '',
        g.fqn,
        g.notes,
      ];
    }),
  );
}

/** `.show database X principals`; the reader is after `principals`. */
export function showPrincipals(context: CommandContext, database: Database, reader: CommandReader): ResultTable {
  reader.expectEnd();
  return principalsTable(database, grantsOf(context.catalog, database));
}

/**
 * `.add|.drop|.set database X <role> ('p', …) [skip-results] ['notes']` (`.set … none` empties the role); the
 * reader is after the role. Returns the database's principals, or nothing with skip-results.
 */
export function changePrincipals(
  context: CommandContext,
  database: Database,
  verb: 'add' | 'drop' | 'set',
  role: DatabaseRole,
  reader: CommandReader,
): ResultTable {
  const given: string[] = [];
  if (verb === 'set' && reader.acceptWord('none')) {
    // `.set database X viewers none`: removes every principal of the role.
  } else {
    reader.expectPunct('(');
    do given.push(parsePrincipal(reader.expectString('principal')));
    while (reader.acceptPunct(','));
    reader.expectPunct(')');
  }
  const skipResults = reader.acceptWord('skip-results');
  const notes = reader.atEnd() ? '' : reader.expectString('description');
  reader.expectEnd();
  const grants = grantsOf(context.catalog, database);
  const named = (g: PrincipalGrant): boolean => g.role === role && given.some((p) => samePrincipal(g.fqn, p));
  const added = given.map((fqn) => ({ role, fqn, notes }));
  const next =
    verb === 'add'
      ? [...grants.filter((g) => !named(g)), ...added]
      : verb === 'drop'
        ? grants.filter((g) => !named(g))
        : [...grants.filter((g) => g.role !== role), ...added];
  grants.splice(0, grants.length, ...next);
  context.catalog.markChanged(database);
  if (skipResults) return resultTable([], []);
  return principalsTable(database, grants);
}

/** What a request needs, from least to most. */
export type Permission = 'none' | 'show' | 'read' | 'ingest' | 'create' | 'admin' | 'cluster';

// Which roles give each permission (role-based-access-control.md): viewers and users read; ingestors ingest without
// reading; users create tables and functions; monitors run `.show`; admins do everything in their database.
const GIVES: Record<Exclude<Permission, 'cluster' | 'none'>, DatabaseRole[]> = {
  show: ['admins', 'users', 'viewers', 'unrestrictedviewers', 'monitors'],
  read: ['admins', 'users', 'viewers', 'unrestrictedviewers'],
  ingest: ['admins', 'ingestors'],
  create: ['admins', 'users'],
  admin: ['admins'],
};

/** Kusto's 403: the principal lacks the role an action needs. */
export function forbiddenFor(
  caller: string,
  action: string,
  database?: string,
  roles?: DatabaseRole[],
): KustoEmulatorError {
  const needs =
    roles === undefined
      ? ': that needs a cluster role (AllDatabasesAdmin), which only the local developer (a request without a token) holds here.'
      : ` in database '${database}': that needs one of the roles ${roles.join(', ')}.`;
  return new KustoEmulatorError(
    `Forbidden (403-Forbidden): Principal '${caller}' is not authorized to ${action}${needs}`,
    {
      status: 403,
      code: 'Forbidden',
      kustoType: 'Kusto.Data.Exceptions.KustoRequestDeniedException',
    },
  );
}

/**
 * Fails with Kusto's 403 unless `caller` may do what `permission` covers in `databaseName` (the local developer may
 * do everything; 'none' needs only a valid token). A database that does not exist is left to the command to report.
 */
export function authorize(
  catalog: Catalog,
  caller: Caller,
  databaseName: string | undefined,
  permission: Permission,
  action: string,
): void {
  if (caller.kind === 'developer' || permission === 'none') return;
  if (permission === 'cluster') throw forbiddenFor(caller.fqn, action);
  const database = databaseName === undefined ? undefined : catalog.get(databaseName);
  if (!database) return;
  const roles = GIVES[permission];
  if (grantsOf(catalog, database).some((g) => roles.includes(g.role) && samePrincipal(g.fqn, caller.fqn))) return;
  throw forbiddenFor(caller.fqn, action, database.name, roles);
}

/** Throws when a role word is not one of the database roles. */
export function expectRole(word: string): DatabaseRole {
  if (!isDatabaseRole(word))
    throw syntaxError(`'${word}' is not a database role: use ${Object.keys(ROLE_NAMES).join(', ')}.`);
  return word.toLowerCase() as DatabaseRole;
}
