/**
 * The emulator's catalog: databases by name, with their tables and functions.
 *
 * CONTRACT (owned by the emulator server/commands part): the KQL engine only reads `get`.
 */
import type { Database } from './model';

/** All databases of one emulator instance. */
export class Catalog {
  /** Databases by name (Kusto database names compare case-insensitively; keys are lower case). */
  readonly databases = new Map<string, Database>();

  /** The database named `name`, or undefined. */
  get(name: string): Database | undefined {
    return this.databases.get(name.toLowerCase());
  }
}
