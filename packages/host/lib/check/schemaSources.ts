/**
 * Where `kusto-functions check` takes the database schema from, in order: a `--schema` file (the JSON of
 * `.show database DB schema as json`), a live cluster through `--connection` (read-only: `.show database DB schema
 * as json` for each database), else the app's setup script run in a throwaway in-memory emulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemaFromCatalog, schemaFromShowSchemaJson, startEmulator, type AnalysisSchema } from 'kusto-emulator';
import { createKustoEngine } from 'kusto-functions-engine';
import { DEFAULT_SETUP_SCRIPT } from '../embeddedCluster';
import { readHostJson } from '../hostJson';

/** A schema and where it came from (for messages). */
export interface LoadedSchema {
  /** The schema. */
  schema: AnalysisSchema;
  /** `--schema <file>`, `setup.kql`, or `--connection`. */
  source: string;
}

/** Reads a `--schema` file. @throws Error naming the file and what is wrong with it. */
export function schemaFromFile(file: string): LoadedSchema {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new Error(`--schema ${file} cannot be read: ${(cause as Error).message}`, { cause });
  }
  try {
    return { schema: schemaFromShowSchemaJson(text.replace(/^\uFEFF/, '')), source: `--schema ${file}` };
  } catch (cause) {
    throw new Error(`--schema ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** The app's setup script (host.json `kustoFunctions.emulator.setupScript`, else `setup.kql`), if any. */
export function setupScriptOf(appDir: string): { script: string; database?: string } | undefined {
  const config = readHostJson(appDir).emulator;
  const script = path.resolve(appDir, config.setupScript ?? DEFAULT_SETUP_SCRIPT);
  return fs.existsSync(script) ? { script, database: config.database } : undefined;
}

/**
 * Runs the setup script in a throwaway in-memory emulator (nothing written to disk) and returns its schema.
 * `databases`: the databases the bindings use; the script runs in host.json's `emulator.database`, else the only one.
 *
 * @throws Error when the script's database cannot be told or the script fails.
 */
export async function schemaFromSetupScript(
  appDir: string,
  setup: { script: string; database?: string },
  databases: string[],
): Promise<LoadedSchema> {
  const database = setup.database ?? (databases.length === 1 ? databases[0] : undefined);
  const name = path.relative(appDir, setup.script) || setup.script;
  if (!database) {
    throw new Error(
      `${name}: the Kusto bindings use ${databases.length === 0 ? 'no fixed database' : `several databases (${databases.join(', ')})`}: name the one it runs in with host.json "kustoFunctions": { "emulator": { "database": "<name>" } }.`,
    );
  }
  // Only the script's database: another one a binding names is then reported as missing from the schema.
  const emulator = await startEmulator({ databases: [database] });
  try {
    await emulator.runScript(database, fs.readFileSync(setup.script, 'utf8'));
    return { schema: schemaFromCatalog(emulator.catalog), source: name };
  } catch (cause) {
    throw new Error(`${name} failed in the in-memory Kusto emulator: ${(cause as Error).message}`, { cause });
  } finally {
    await emulator.close();
  }
}

// The app setting the check's own connection travels in to the engine (never one of the app's).
const CHECK_CONNECTION_SETTING = 'KustoFunctionsCheckConnection';

/** A name as a bracketed, quoted KQL identifier: `['Products']`. */
function quoted(name: string): string {
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/**
 * Reads each database's schema from a live cluster with `.show database DB schema as json`, and the ingestion
 * mappings of `mappingTables` (the output tables whose bindings name a `mappingRef`) with `.show table T ingestion
 * mappings`: read-only commands, run through the binding engine and the official client.
 */
export async function schemaFromConnection(
  connection: string,
  databases: string[],
  mappingTables: { database: string; table: string }[] = [],
): Promise<LoadedSchema> {
  const env = { ...process.env, [CHECK_CONNECTION_SETTING]: connection };
  const engine = createKustoEngine({ env });
  const run = (database: string, command: string) =>
    engine.runInput(
      { type: 'kusto', name: 'schema', database, connection: CHECK_CONNECTION_SETTING, kqlCommand: command },
      { functionName: 'kusto-functions check' },
    );
  const schema: AnalysisSchema = { databases: [] };
  const failures: Error[] = [];
  try {
    for (const database of databases) {
      let rows;
      try {
        rows = await run(database, `.show database ${quoted(database)} schema as json`);
      } catch (error) {
        // A database the cluster does not have is reported by the check, as one the schema does not hold.
        failures.push(error as Error);
        continue;
      }
      const cell = rows[0] && Object.values(rows[0])[0];
      const read = schemaFromShowSchemaJson(cell).databases;
      schema.databases.push(...read);
      for (const { table: name } of mappingTables.filter((t) => t.database.toLowerCase() === database.toLowerCase())) {
        const table = read.flatMap((d) => d.tables).find((t) => t.name.toLowerCase() === name.toLowerCase());
        if (!table || table.mappings) continue;
        const mappings = await run(database, `.show table ${quoted(table.name)} ingestion mappings`);
        table.mappings = mappings.map((m) => ({ name: String(m.Name), kind: String(m.Kind).toLowerCase() }));
      }
    }
  } finally {
    await engine.close();
  }
  if (schema.databases.length === 0 && failures.length > 0) {
    throw new Error(`--connection: ${failures[0].message}`, { cause: failures[0] });
  }
  return { schema, source: '--connection' };
}
