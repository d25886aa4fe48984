/**
 * The column order of target tables, asked of the cluster once per (cluster, identity, database, table) and kept:
 * objects written as CSV (and its relatives) carry their values by position.
 */
import type { Client } from 'azure-kusto-data';

/** Kusto entity names: letters, digits, `_`, `-`, `.` and spaces, at most 1024 characters. */
const ENTITY_NAME = /^[\p{L}\p{N}_\-. ]{1,1024}$/u;

/** Whether a text is a valid Kusto table name (and so safe to write as `['name']` in a command). */
export function isEntityName(name: string): boolean {
  return ENTITY_NAME.test(name) && name.trim() === name;
}

interface SchemaJson {
  OrderedColumns?: { Name?: unknown }[];
}

/** A cache of table column names. */
export class TableSchemaCache {
  readonly #entries = new Map<string, Promise<readonly string[]>>();

  /**
   * The columns of `table`, in order. Concurrent first requests share one command; a failed one is not kept.
   *
   * @param clusterKey - the connection's identity key (a table seen by one identity is not lent to another).
   */
  columns(
    client: Client,
    clusterKey: string,
    database: string,
    table: string,
    properties: Parameters<Client['execute']>[2],
  ): Promise<readonly string[]> {
    const key = `${clusterKey}\u0000${database}\u0000${table}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      // The name was checked by isEntityName, so it cannot close the bracket.
      const command = `.show table ['${table}'] schema as json`;
      entry = client.execute(database, command, properties).then((response) => {
        const result = response.primaryResults[0];
        const column = result?.columns.findIndex((c) => c.name === 'Schema') ?? -1;
        const row = result?._rows[0] as unknown[] | undefined;
        const schema = JSON.parse(String(row?.[column < 0 ? 1 : column] ?? '{}')) as SchemaJson;
        const names = (schema.OrderedColumns ?? []).map((c) => String(c.Name));
        if (names.length === 0) throw new Error(`the table '${table}' has no columns`);
        return Object.freeze(names);
      });
      const pending = entry;
      pending.catch(() => {
        if (this.#entries.get(key) === pending) this.#entries.delete(key);
      });
      this.#entries.set(key, pending);
    }
    return entry;
  }

  /** Forgets every table (say after a schema change). */
  clear(): void {
    this.#entries.clear();
  }
}
