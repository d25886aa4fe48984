/**
 * The managed identities an app declares in local.settings.json, under a top-level `ManagedIdentity` key (the
 * Functions host in Azure ignores it; there the identities are attached to the function app):
 *
 * ```json
 * { "ManagedIdentity": { "SystemAssigned": true, "UserAssigned": ["<client id>"] } }
 * ```
 */
import { createHash } from 'node:crypto';
import { HostStartError } from '../errors';

/**
 * The tenant of the local identities (the `tid` of their tokens), so a grant reads
 * `aadapp=<client id>;10ca1000-0000-4000-8000-000000000000`.
 */
export const LOCAL_TENANT_ID = '10ca1000-0000-4000-8000-000000000000';

/** One identity the local identity endpoint signs tokens for. */
export interface LocalIdentity {
  /** `system` (the app's system-assigned identity) or `user` (a user-assigned one). */
  readonly kind: 'system' | 'user';
  /** Its client (application) id: a token's `appid` / `azp`, and the id in a grant's `aadapp=<client id>;<tenant>`. */
  readonly clientId: string;
  /** Its object (principal) id: a token's `oid` / `sub`. */
  readonly objectId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID derived from text, so an identity keeps its ids from one start to the next. */
function guidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  // Version 8 (custom) and the RFC 4122 variant, so it reads as a well-formed GUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Reads the `ManagedIdentity` section of local.settings.json: `SystemAssigned` (true or false) and `UserAssigned`
 * (client ids, GUIDs). The system-assigned identity's client id is derived from the app directory, as Azure gives
 * each app its own; object ids are derived from client ids.
 *
 * @throws HostStartError naming the file and the key at fault.
 */
export function readManagedIdentities(section: unknown, file: string, appDir: string): LocalIdentity[] {
  if (section === undefined) return [];
  const where = `"ManagedIdentity" in ${file}`;
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new HostStartError(
      `${where} must be an object: { "SystemAssigned": true, "UserAssigned": ["<client id>"] }.`,
    );
  }
  const { SystemAssigned: system, UserAssigned: users, ...others } = section as Record<string, unknown>;
  const unknown = Object.keys(others);
  if (unknown.length > 0) {
    throw new HostStartError(`${where} has unknown key(s) ${unknown.join(', ')}: use SystemAssigned and UserAssigned.`);
  }
  if (system !== undefined && typeof system !== 'boolean') {
    throw new HostStartError(`"ManagedIdentity.SystemAssigned" in ${file} must be true or false.`);
  }
  if (users !== undefined && (!Array.isArray(users) || users.some((u) => typeof u !== 'string'))) {
    throw new HostStartError(`"ManagedIdentity.UserAssigned" in ${file} must be an array of client ids (GUIDs).`);
  }
  const identities: LocalIdentity[] = [];
  if (system === true) {
    const clientId = guidOf(`kusto-functions system-assigned identity\u0000${appDir}`);
    identities.push({ kind: 'system', clientId, objectId: guidOf(`object\u0000${clientId}`) });
  }
  const seen = new Set<string>();
  for (const text of (users ?? []) as string[]) {
    const clientId = text.trim().toLowerCase();
    if (!GUID.test(clientId)) {
      throw new HostStartError(
        `"ManagedIdentity.UserAssigned" in ${file} holds '${text.slice(0, 60)}', which is not a client id (a GUID).`,
      );
    }
    if (seen.has(clientId)) continue;
    seen.add(clientId);
    identities.push({ kind: 'user', clientId, objectId: guidOf(`object\u0000${clientId}`) });
  }
  return identities;
}
