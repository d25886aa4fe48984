/**
 * Database and cluster commands: `.create database`, `.drop database`, `.show databases`, `.show database`,
 * `.show version`, `.show cluster`.
 */
import { hostname, totalmem, freemem, cpus } from 'node:os';
import { KustoEmulatorError } from '../errors';
import type { ResultTable } from '../kql';
import type { Database } from '../model';
import { databaseDirectory } from '../persistence';
import { CommandReader } from './commandReader';
import { type CommandContext, resultTable } from './context';
import { holdsAnyRole } from '../identity/principals';

/** The emulator's version, reported by `.show version`. */
export const EMULATOR_VERSION = '1.0.0';

const STARTED = BigInt(Date.now()) * 10_000n;

function databasesResult(context: CommandContext, databases: Database[]): ResultTable {
  return resultTable(
    [
      ['DatabaseName', 'string'],
      ['PersistentStorage', 'string'],
      ['Version', 'string'],
      ['IsCurrent', 'bool'],
      ['DatabaseAccessMode', 'string'],
      ['PrettyName', 'string'],
      ['DatabaseId', 'guid'],
      ['InTransitionTo', 'string'],
      ['SuspensionState', 'string'],
    ],
    databases.map((d) => [
      d.name,
      d.persistent && context.dataDir ? databaseDirectory(context.dataDir, d.name) : '',
      `v${d.schemaVersion}.0`,
      d.name.toLowerCase() === context.databaseName.toLowerCase(),
      'ReadWrite',
      '',
      context.catalog.info(d).id,
      '',
      '',
    ]),
  );
}

/**
 * `.create database X [volatile|persist (…)] [ifnotexists]`; the reader is just after `database`. Without
 * either keyword the database is persistent when the emulator has a dataDir (as on a cluster), else volatile.
 */
export function createDatabase(context: CommandContext, reader: CommandReader): ResultTable {
  const name = reader.expectName('database');
  let ifNotExists = reader.acceptWord('ifnotexists');
  let persistent: boolean;
  if (reader.acceptWord('volatile')) persistent = false;
  else if (reader.acceptWord('persist')) {
    persistent = true;
    // The storage paths name Azure containers: the emulator stores under its dataDir instead.
    reader.expectPunct('(');
    do reader.expectString('storage path');
    while (reader.acceptPunct(','));
    reader.expectPunct(')');
  } else persistent = context.dataDir !== undefined;
  ifNotExists = reader.acceptWord('ifnotexists') || ifNotExists;
  reader.expectEnd();
  const existing = context.catalog.get(name);
  if (existing && ifNotExists) return databasesResult(context, [existing]);
  if (persistent && !context.dataDir) {
    throw new KustoEmulatorError(
      `Cannot create persistent database '${name}': the emulator was started without a dataDir. Start it with dataDir, or create the database volatile.`,
      { code: 'BadRequest_NotSupported' },
    );
  }
  const database = context.catalog.createDatabase(name, persistent);
  return databasesResult(context, [database]);
}

/** `.drop database X [ifexists]`; the reader is just after `database`. */
export function dropDatabase(context: CommandContext, reader: CommandReader): ResultTable {
  const name = reader.expectName('database');
  const ifExists = reader.acceptWord('ifexists');
  reader.acceptWord('skip-seal');
  reader.expectEnd();
  if (!(ifExists && !context.catalog.get(name))) context.catalog.dropDatabase(name);
  return databasesResult(context, [...context.catalog.databases.values()]);
}

/** `.show databases [(A, B)]`. */
export function showDatabases(context: CommandContext, reader: CommandReader): ResultTable {
  let databases = [...context.catalog.databases.values()];
  if (reader.acceptPunct('(')) {
    const names: string[] = [];
    do names.push(reader.expectName('database'));
    while (reader.acceptPunct(','));
    reader.expectPunct(')');
    databases = names.map((n) => context.catalog.require(n));
  }
  reader.expectEnd();
  // A principal sees the databases it holds a role in; the local developer (no token) sees them all.
  const caller = context.caller;
  if (caller !== undefined) databases = databases.filter((d) => holdsAnyRole(context.catalog, d, caller));
  return databasesResult(context, databases);
}

/** `.show database` (the database in scope). */
export function showDatabase(context: CommandContext, reader: CommandReader): ResultTable {
  reader.expectEnd();
  return databasesResult(context, [context.catalog.require(context.databaseName)]);
}

/** `.show version`. */
export function showVersion(reader: CommandReader): ResultTable {
  reader.expectEnd();
  return resultTable(
    [
      ['BuildVersion', 'string'],
      ['BuildTime', 'datetime'],
      ['ServiceType', 'string'],
      ['ProductVersion', 'string'],
      ['ServerVersion', 'string'],
    ],
    [[EMULATOR_VERSION, STARTED, 'Engine', `KustoEmulator ${EMULATOR_VERSION}`, EMULATOR_VERSION]],
  );
}

/** `.show cluster`: the one node the emulator is. */
export function showCluster(reader: CommandReader): ResultTable {
  reader.expectEnd();
  return resultTable(
    [
      ['NodeId', 'string'],
      ['Address', 'string'],
      ['Name', 'string'],
      ['StartTime', 'datetime'],
      ['IsAdmin', 'bool'],
      ['MachineTotalMemory', 'long'],
      ['MachineAvailableMemory', 'long'],
      ['ProcessorCount', 'int'],
      ['EnvironmentDescription', 'string'],
      ['ProductVersion', 'string'],
    ],
    [
      [
        'KustoEmulator',
        'local',
        hostname(),
        STARTED,
        true,
        BigInt(totalmem()),
        BigInt(freemem()),
        cpus().length,
        JSON.stringify({ Emulator: true }),
        `KustoEmulator ${EMULATOR_VERSION}`,
      ],
    ],
  );
}
