/**
 * local.settings.json, as Core Tools reads it: its `Values` become app settings (environment variables) unless the
 * environment already sets them, its `ConnectionStrings` become `ConnectionStrings:<name>` settings the same way
 * (where the Functions host looks a connection up first), `Host.LocalHttpPort` is the default port, and `Host.CORS` /
 * `Host.CORSCredentials` the default CORS policy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCorsOrigins } from './cors';
import { HostStartError } from './errors';
import { readManagedIdentities, type LocalIdentity } from './identity';

/** What local.settings.json contributed. */
export interface LocalSettings {
  /** The file read, when there is one. */
  file?: string;
  /** Names of the settings it set (those the environment did not already have); `ConnectionStrings:<name>` for connection strings. */
  applied: string[];
  /** Names it holds that the environment already set (kept as they were). */
  kept: string[];
  /** `Host.LocalHttpPort`, when given. */
  localHttpPort?: number;
  /** `Host.CORS`: the allowed origins (or `*`), when given. */
  cors?: string[];
  /** `Host.CORSCredentials`, when given. */
  corsCredentials?: boolean;
  /** The managed identities the top-level `ManagedIdentity` key declares (none when absent). */
  managedIdentities?: LocalIdentity[];
}

/**
 * Reads `<appDir>/local.settings.json` (when present) and copies its `Values` into `env`, and each of its
 * `ConnectionStrings` as `ConnectionStrings:<name>`, never overriding a variable `env` already has. Values must be
 * strings, numbers or booleans; a connection string is a string or `{ "ConnectionString": "…" }`, as in Core Tools.
 */
export function applyLocalSettings(appDir: string, env: NodeJS.ProcessEnv): LocalSettings {
  const file = path.join(appDir, 'local.settings.json');
  if (!fs.existsSync(file)) return { applied: [], kept: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new HostStartError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HostStartError(`${file} must hold a JSON object with "Values".`);
  }
  const {
    Values: values,
    ConnectionStrings: connectionStrings,
    Host: host,
    IsEncrypted: encrypted,
    ManagedIdentity: managedIdentity,
  } = parsed as Record<string, unknown>;
  if (encrypted === true) {
    throw new HostStartError(
      `${file} is encrypted (IsEncrypted: true); decrypt it with 'func settings decrypt' or write its Values in clear.`,
    );
  }
  const applied: string[] = [];
  const kept: string[] = [];
  const apply = (name: string, value: string) => {
    if (env[name] !== undefined) kept.push(name);
    else {
      env[name] = value;
      applied.push(name);
    }
  };
  for (const [name, value] of sectionEntries(values, 'Values', 'setting names to values', file)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new HostStartError(`The setting '${name}' in ${file} must be a string, number or boolean.`);
    }
    apply(name, String(value));
  }
  for (const [name, value] of sectionEntries(
    connectionStrings,
    'ConnectionStrings',
    'names to connection strings',
    file,
  )) {
    // Core Tools takes a string, or an object whose ConnectionString is one (with a ProviderName the host ignores).
    const text =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>).ConnectionString : value;
    if (typeof text !== 'string') {
      throw new HostStartError(
        `The connection string '${name}' in ${file} must be a string or { "ConnectionString": "<string>" }.`,
      );
    }
    apply(`ConnectionStrings:${name}`, text);
  }
  let localHttpPort: number | undefined;
  let cors: string[] | undefined;
  let corsCredentials: boolean | undefined;
  if (typeof host === 'object' && host !== null) {
    const { CORS: corsText, CORSCredentials: credentials } = host as Record<string, unknown>;
    if (corsText !== undefined) {
      try {
        if (typeof corsText !== 'string') throw new Error('give a string of comma-separated origins, or "*".');
        cors = parseCorsOrigins(corsText);
      } catch (cause) {
        throw new HostStartError(`"Host.CORS" in ${file}: ${(cause as Error).message}`, { cause });
      }
    }
    if (credentials !== undefined) {
      if (typeof credentials !== 'boolean') {
        throw new HostStartError(`"Host.CORSCredentials" in ${file} must be true or false.`);
      }
      corsCredentials = credentials;
    }
    const port = (host as Record<string, unknown>).LocalHttpPort;
    if (port !== undefined) {
      if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
        throw new HostStartError(`"Host.LocalHttpPort" in ${file} must be a port number (0-65535).`);
      }
      localHttpPort = port as number;
    }
  }
  const managedIdentities = readManagedIdentities(managedIdentity, file, path.resolve(appDir));
  return {
    file,
    applied,
    kept,
    localHttpPort,
    cors,
    corsCredentials,
    ...(managedIdentities.length > 0 ? { managedIdentities } : {}),
  };
}

function sectionEntries(section: unknown, key: string, what: string, file: string): [string, unknown][] {
  if (section === undefined) return [];
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new HostStartError(`"${key}" in ${file} must be an object of ${what}.`);
  }
  return Object.entries(section as Record<string, unknown>);
}
