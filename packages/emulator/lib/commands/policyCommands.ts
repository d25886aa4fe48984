/**
 * Policy commands on tables and databases: `.alter`, `.alter-merge`, `.delete`, `.show … policy <name>`.
 *
 * Policies that only tune the service (retention, batching, caching, …) are recorded and shown back; they change
 * nothing in the emulator. The streaming ingestion policy is enforced as Kusto enforces it (see
 * {@link streamingIngestionEnabled}). Policies that would change query or ingestion results (update, row level
 * security, …) are rejected rather than silently ignored.
 */
import type { Catalog } from '../catalog';
import { notSupported, syntaxError } from '../errors';
import type { ResultTable } from '../kql';
import type { Database, Table } from '../model';
import { CommandReader } from './commandReader';
import { type CommandContext, resultTable } from './context';

// Recorded policies: command name → the policy's name in `.show … policy` output.
const RECORDED: Record<string, string> = {
  streamingingestion: 'StreamingIngestionPolicy',
  retention: 'RetentionPolicy',
  ingestionbatching: 'IngestionBatchingPolicy',
  caching: 'CachingPolicy',
  merge: 'ExtentsMergePolicy',
  sharding: 'ExtentsShardingPolicy',
  partitioning: 'DataPartitioningPolicy',
  ingestiontime: 'IngestionTimePolicy',
  roworder: 'RowOrderPolicy',
  extent_tags_retention: 'ExtentTagsRetentionPolicy',
  auto_delete: 'AutoDeletePolicy',
  encoding: 'EncodingPolicy',
};

// Policies whose effect the emulator would have to reproduce to be truthful.
const REJECTED = [
  'update',
  'row_level_security',
  'restricted_view_access',
  'query_weak_consistency',
  'mirroring',
  'callout',
];

/** The policy named next in the command, checked against what the emulator supports. */
function readPolicyName(reader: CommandReader): string {
  const name = reader.expectName('policy').toLowerCase();
  if (RECORDED[name]) return name;
  if (REJECTED.includes(name)) throw notSupported(`The ${name} policy`);
  throw syntaxError(`Unknown policy '${name}': expected one of ${Object.keys(RECORDED).join(', ')}.`);
}

/** Kusto's timespan literal (`10d`, `1h`, `30m`, `15s`, `100ms`) as `d.hh:mm:ss` text, or the text itself. */
function timespanText(literal: string): string {
  const match = /^(\d+(?:\.\d+)?)(d|h|m|s|ms|min|sec|day|days|hour|hours|minute|minutes|second|seconds)$/i.exec(
    literal,
  );
  if (!match) return literal;
  const unitMs: Record<string, number> = {
    d: 864e5,
    day: 864e5,
    days: 864e5,
    h: 36e5,
    hour: 36e5,
    hours: 36e5,
    m: 6e4,
    min: 6e4,
    minute: 6e4,
    minutes: 6e4,
    s: 1e3,
    sec: 1e3,
    second: 1e3,
    seconds: 1e3,
    ms: 1,
  };
  let ms = Math.round(Number(match[1]) * unitMs[match[2].toLowerCase()]);
  const days = Math.floor(ms / 864e5);
  ms -= days * 864e5;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hh = Math.floor(ms / 36e5);
  const mm = Math.floor((ms % 36e5) / 6e4);
  const ss = Math.floor((ms % 6e4) / 1e3);
  const frac = ms % 1e3;
  return `${days > 0 ? `${days}.` : ''}${pad(hh)}:${pad(mm)}:${pad(ss)}${frac ? `.${String(frac).padStart(3, '0')}` : ''}`;
}

// `key = value` parameters of the retention / caching shorthand, in Kusto's policy property names.
function keyValuePolicy(policy: string, pairs: [string, string][]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const lower = key.toLowerCase();
    if (policy === 'retention' && lower === 'softdelete') result.SoftDeletePeriod = timespanText(value);
    else if (policy === 'retention' && lower === 'recoverability')
      result.Recoverability = value.toLowerCase() === 'disabled' ? 'Disabled' : 'Enabled';
    else if (policy === 'caching' && lower === 'hot')
      Object.assign(result, { DataHotSpan: timespanText(value), IndexHotSpan: timespanText(value) });
    else if (policy === 'caching' && lower === 'hotdata') result.DataHotSpan = timespanText(value);
    else if (policy === 'caching' && lower === 'hotindex') result.IndexHotSpan = timespanText(value);
    else result[key] = value;
  }
  return result;
}

/** Reads the policy value: `enable`/`disable`, a JSON string literal, or `key = value` pairs. */
function readPolicyValue(policy: string, reader: CommandReader): Record<string, unknown> {
  if (policy === 'streamingingestion' && (reader.isWord('enable') || reader.isWord('disable'))) {
    const enabled = reader.next().value.toLowerCase() === 'enable';
    reader.expectEnd();
    return { IsEnabled: enabled, HintAllocatedRate: null };
  }
  const token = reader.peek();
  if (token.kind === 'string') {
    const text = reader.next().value;
    reader.expectEnd();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw syntaxError(`The ${policy} policy is not valid JSON: ${(error as Error).message}.`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw syntaxError(`The ${policy} policy must be a JSON object.`);
    }
    return value as Record<string, unknown>;
  }
  const pairs: [string, string][] = [];
  while (!reader.atEnd()) {
    const key = reader.expectName('policy property');
    reader.expectPunct('=');
    const value = reader.next();
    if (value.kind === 'end' || value.kind === 'punct') reader.fail(`a value for '${key}'`);
    pairs.push([key, value.value]);
  }
  if (pairs.length === 0) reader.fail(`a value for the ${policy} policy`);
  return keyValuePolicy(policy, pairs);
}

/** The entity a policy command is about: a table, or a database. */
export type PolicyTarget =
  { kind: 'Table'; database: Database; table: Table } | { kind: 'Database'; database: Database };

function policiesOf(context: CommandContext, target: PolicyTarget): Map<string, string> {
  return target.kind === 'Table' ? target.table.policies : context.catalog.info(target.database).policies;
}

function policyResult(target: PolicyTarget, policy: string, value: string | undefined): ResultTable {
  const entity =
    target.kind === 'Table' ? `[${target.database.name}].[${target.table.name}]` : `[${target.database.name}]`;
  return resultTable(
    [
      ['PolicyName', 'string'],
      ['EntityName', 'string'],
      ['Policy', 'string'],
      ['ChildEntities', 'string'],
      ['EntityType', 'string'],
    ],
    [[RECORDED[policy], entity, value ?? 'null', '', target.kind]],
  );
}

/** `.alter` / `.alter-merge` / `.delete` / `.show` `table|database X policy <name> …`; the reader is after `policy`. */
export function policyCommand(
  context: CommandContext,
  target: PolicyTarget,
  verb: 'alter' | 'alter-merge' | 'delete' | 'show',
  reader: CommandReader,
): ResultTable {
  const policy = readPolicyName(reader);
  const policies = policiesOf(context, target);
  if (verb === 'show') {
    reader.expectEnd();
    return policyResult(target, policy, policies.get(policy));
  }
  if (verb === 'delete') {
    reader.expectEnd();
    policies.delete(policy);
  } else {
    let value = readPolicyValue(policy, reader);
    if (verb === 'alter-merge' && policies.has(policy))
      value = { ...JSON.parse(policies.get(policy) as string), ...value };
    policies.set(policy, JSON.stringify(value));
  }
  context.catalog.markChanged(target.database);
  return policyResult(target, policy, policies.get(policy));
}

/** Whether a recorded streaming ingestion policy (JSON text) says `IsEnabled: true`. */
function policyEnabled(text: string): boolean {
  const value = JSON.parse(text) as Record<string, unknown>;
  const key = Object.keys(value).find((k) => k.toLowerCase() === 'isenabled');
  return key !== undefined && value[key] === true;
}

/**
 * Whether `table` takes streaming ingestion, as in Kusto: the table's streaming ingestion policy when it has one
 * (it takes precedence, so a table can opt out of a database-wide policy), else its database's.
 */
export function streamingIngestionEnabled(catalog: Catalog, database: Database, table: Table): boolean {
  const own = table.policies.get('streamingingestion');
  if (own !== undefined) return policyEnabled(own);
  const inherited = catalog.info(database).policies.get('streamingingestion');
  return inherited !== undefined && policyEnabled(inherited);
}
