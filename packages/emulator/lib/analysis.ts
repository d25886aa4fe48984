/**
 * Static analysis of KQL against a database schema, without running anything: the diagnostics Kusto.Language
 * reports (syntax errors, unknown tables, columns and functions, wrong argument types) with their positions in the
 * query, and the columns the query returns. Tools such as `kusto-functions check` use it to validate queries before
 * they reach a cluster.
 *
 * The schema is plain data ({@link AnalysisSchema}): built from a running emulator's catalog
 * ({@link schemaFromCatalog}) or from the JSON of `.show database DB schema as json` exported from a real cluster
 * ({@link schemaFromShowSchemaJson}).
 */
import type { Catalog } from './catalog';
import type { KustoScalarType } from './model';
import { kusto, type KDiagnostic, type KList, type KSymbol } from './kql/language';
import { languageTypeOf, scalarTypeOf } from './typeNames';

/** A column: its name and Kusto type (`long`, `string`, `datetime`, …). */
export interface AnalysisColumn {
  /** Column name. */
  name: string;
  /** Kusto scalar type. */
  type: KustoScalarType;
}

/** An ingestion mapping of a table. */
export interface AnalysisMapping {
  /** Mapping name. */
  name: string;
  /** Kind, lower case: `json`, `csv`, `avro`, … */
  kind: string;
}

/** A table of a database schema. */
export interface AnalysisTable {
  /** Table name. */
  name: string;
  /** Columns in order. */
  columns: AnalysisColumn[];
  /** Ingestion mappings; undefined when the schema's source does not tell them (schema JSON has none). */
  mappings?: AnalysisMapping[];
}

/** A stored function of a database schema. */
export interface AnalysisFunction {
  /** Function name. */
  name: string;
  /** Parameter list as written in `.create function`, with parentheses: `(name:string)`. */
  parameters: string;
  /** Body, with braces: `{ Products | where Name == name }`. */
  body: string;
}

/** One database's schema. */
export interface AnalysisDatabase {
  /** Database name. */
  name: string;
  /** Tables. */
  tables: AnalysisTable[];
  /** Stored functions. */
  functions: AnalysisFunction[];
}

/** The schema queries are analysed against: one or more databases. */
export interface AnalysisSchema {
  /** Databases. */
  databases: AnalysisDatabase[];
}

/** One diagnostic of a query, as Kusto.Language words it. */
export interface QueryDiagnostic {
  /** Kusto.Language's code (`KS142`). */
  code: string;
  /** Kusto.Language's message. */
  message: string;
  /** `error` or `warning` (suggestions and lesser severities are left out). */
  severity: 'error' | 'warning';
  /** Offset of the offending text in the query. */
  start: number;
  /** Length of the offending text. */
  length: number;
}

/** What {@link analyzeQuery} found. */
export interface QueryAnalysis {
  /** Diagnostics, errors first, each once. */
  diagnostics: QueryDiagnostic[];
  /** The columns of the query's (last) tabular result; undefined when it has none or it cannot be told. */
  resultColumns?: AnalysisColumn[];
  /** Whether the text is a management command (starts with `.`): not analysed, since Kusto.Language does not bind them. */
  command: boolean;
}

/**
 * The schema of the emulator's databases (all of them, or those named), mappings included.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ databases: ['db'] });
 * await emulator.runScript('db', '.create table T (a:long)');
 * const schema = schemaFromCatalog(emulator.catalog);
 * ```
 */
export function schemaFromCatalog(catalog: Catalog, databases?: readonly string[]): AnalysisSchema {
  const wanted = databases?.map((d) => d.toLowerCase());
  const out: AnalysisDatabase[] = [];
  for (const db of catalog.databases.values()) {
    if (wanted && !wanted.includes(db.name.toLowerCase())) continue;
    out.push({
      name: db.name,
      tables: [...db.tables.values()].map((t) => ({
        name: t.name,
        columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
        mappings: [...t.mappings.values()].map((m) => ({ name: m.name, kind: m.kind.toLowerCase() })),
      })),
      functions: [...db.functions.values()].map((f) => ({ name: f.name, parameters: f.parameters, body: f.body })),
    });
  }
  return { databases: out };
}

// `.show database schema as json` spells column types as CLR types (System.Int64) and, in newer versions, also
// gives CslType; both are read.
const CLR_TYPES: Record<string, KustoScalarType> = {
  'system.sbyte': 'bool',
  'system.boolean': 'bool',
  'system.int32': 'int',
  'system.int64': 'long',
  'system.double': 'real',
  'system.single': 'real',
  'system.data.sqltypes.sqldecimal': 'decimal',
  'system.decimal': 'decimal',
  'system.string': 'string',
  'system.datetime': 'datetime',
  'system.timespan': 'timespan',
  'system.guid': 'guid',
  'system.object': 'dynamic',
};

function columnTypeOf(column: Record<string, unknown>, where: string): KustoScalarType {
  const csl = typeof column.CslType === 'string' ? scalarTypeOf(column.CslType) : undefined;
  const clr = typeof column.Type === 'string' ? CLR_TYPES[column.Type.toLowerCase()] : undefined;
  const type = csl ?? clr;
  if (!type) throw new Error(`${where}: unknown column type ${JSON.stringify(column.CslType ?? column.Type)}.`);
  return type;
}

function objectValues(value: unknown, where: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object') throw new Error(`${where} must be an object.`);
  return Object.values(value as Record<string, unknown>).filter(
    (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
  );
}

/**
 * Reads the output of `.show database DB schema as json` (or `.show databases (…) schema as json`): the JSON object
 * `{ "Databases": { "DB": { "Tables": { … }, "Functions": { … } } } }`, or that JSON as a string (the cell as
 * exported), or a whole v1/v2 response holding it in its first cell.
 *
 * @throws Error naming what is missing or malformed.
 */
export function schemaFromShowSchemaJson(json: unknown): AnalysisSchema {
  let value = json;
  if (typeof value === 'string') value = JSON.parse(value) as unknown;
  // A JSON string holding the JSON (a cell copied with its quotes).
  if (typeof value === 'string') value = JSON.parse(value) as unknown;
  const root = value as { Databases?: unknown } | null;
  if (typeof root !== 'object' || root === null || typeof root.Databases !== 'object' || root.Databases === null) {
    throw new Error('not the output of .show database … schema as json: it has no "Databases" object.');
  }
  const databases: AnalysisDatabase[] = [];
  for (const [key, db] of Object.entries(root.Databases as Record<string, Record<string, unknown>>)) {
    const name = typeof db?.Name === 'string' ? db.Name : key;
    const tables = objectValues(db?.Tables, `Databases.${name}.Tables`).map((t) => {
      const tableName = String(t.Name);
      const columns = Array.isArray(t.OrderedColumns) ? (t.OrderedColumns as Record<string, unknown>[]) : [];
      return {
        name: tableName,
        columns: columns.map((c) => ({
          name: String(c.Name),
          type: columnTypeOf(c, `table ${tableName}, column ${String(c.Name)}`),
        })),
      };
    });
    // Materialized views and external tables are queried as tables.
    for (const kind of ['MaterializedViews', 'ExternalTables']) {
      for (const t of objectValues(db?.[kind], `Databases.${name}.${kind}`)) {
        const columns = Array.isArray(t.OrderedColumns) ? (t.OrderedColumns as Record<string, unknown>[]) : [];
        tables.push({
          name: String(t.Name),
          columns: columns.map((c) => ({ name: String(c.Name), type: columnTypeOf(c, `${String(t.Name)}`) })),
        });
      }
    }
    const functions = objectValues(db?.Functions, `Databases.${name}.Functions`).map((f) => {
      const params = Array.isArray(f.InputParameters) ? (f.InputParameters as Record<string, unknown>[]) : [];
      const list = params.map((p) => {
        if (Array.isArray(p.Columns)) {
          const cols = (p.Columns as Record<string, unknown>[]).map(
            (c) => `${String(c.Name)}:${columnTypeOf(c, `function ${String(f.Name)}`)}`,
          );
          return `${String(p.Name)}:(${cols.join(', ')})`;
        }
        const text = `${String(p.Name)}:${columnTypeOf(p, `function ${String(f.Name)}, parameter ${String(p.Name)}`)}`;
        return typeof p.CslDefaultValue === 'string' && p.CslDefaultValue !== ''
          ? `${text}=${p.CslDefaultValue}`
          : text;
      });
      const body = String(f.Body ?? '').trim();
      return {
        name: String(f.Name),
        parameters: `(${list.join(', ')})`,
        body: body.startsWith('{') ? body : `{${body}}`,
      };
    });
    databases.push({ name, tables, functions });
  }
  return { databases };
}

const globalsCache = new WeakMap<AnalysisSchema, Map<string, unknown>>();

function globalsFor(schema: AnalysisSchema, database: string): unknown {
  let perSchema = globalsCache.get(schema);
  if (!perSchema) globalsCache.set(schema, (perSchema = new Map()));
  const key = database.toLowerCase();
  const hit = perSchema.get(key);
  if (hit) return hit;
  const K = kusto();
  const S = K.Symbols;
  let current: KSymbol | undefined;
  const dbSymbols: KSymbol[] = [];
  const all = [...schema.databases];
  if (!all.some((d) => d.name.toLowerCase() === key)) all.push({ name: database, tables: [], functions: [] });
  for (const db of all) {
    const members: KSymbol[] = [];
    for (const table of db.tables) {
      const cols = table.columns.map(
        (c) => new S.ColumnSymbol(c.name, S.ScalarTypes[languageTypeOf(c.type)], null, null, null, null),
      );
      members.push(new S.TableSymbol.$ctor4(table.name, cols));
    }
    for (const fn of db.functions) members.push(new S.FunctionSymbol.$ctor16(fn.name, fn.parameters, fn.body, null));
    const symbol = new S.DatabaseSymbol.$ctor1(db.name, members, false);
    dbSymbols.push(symbol);
    if (db.name.toLowerCase() === key) current = symbol;
  }
  const cluster = new S.ClusterSymbol.ctor('analysis', dbSymbols);
  const globals = K.GlobalState.Default.WithCluster(cluster).WithDatabase(current as KSymbol);
  perSchema.set(key, globals);
  return globals;
}

function toArray<T>(list: KList<T>): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.Count; i++) out.push(list.getItem(i));
  return out;
}

/**
 * Parses and analyses `text` against `database` of `schema` with Kusto.Language, as the cluster would before running
 * it: its `declare query_parameters` statement declares the parameters, so none need values here.
 * Management commands (text starting with `.`) are not analysed (`command: true`).
 *
 * @example
 * ```ts
 * const { diagnostics, resultColumns } = analyzeQuery(schema, 'productsdb', 'Products | where Nme == "x"');
 * // diagnostics[0]: { code: 'KS142', message: "The name 'Nme' does not refer to any known column, …", start: 17, … }
 * ```
 */
export function analyzeQuery(schema: AnalysisSchema, database: string, text: string): QueryAnalysis {
  if (/^\s*\./.test(text)) return { diagnostics: [], command: true };
  const code = kusto().KustoCode.ParseAndAnalyze(text, globalsFor(schema, database)) as ReturnType<
    ReturnType<typeof kusto>['KustoCode']['ParseAndAnalyze']
  > & { ResultType?: KSymbol | null };
  const seen = new Set<string>();
  const diagnostics: QueryDiagnostic[] = [];
  for (const d of toArray<KDiagnostic>(code.GetDiagnostics())) {
    const severity = d.Severity === 'Error' ? 'error' : d.Severity === 'Warning' ? 'warning' : undefined;
    if (!severity) continue;
    const key = `${d.Code}\u0000${d.Start}\u0000${d.Message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({ code: d.Code, message: d.Message, severity, start: d.Start, length: d.Length });
  }
  diagnostics.sort((a, b) => (a.severity === b.severity ? a.start - b.start : a.severity === 'error' ? -1 : 1));
  let resultColumns: AnalysisColumn[] | undefined;
  const result = code.ResultType;
  if (result && result.IsTabular && result.Columns) {
    resultColumns = [];
    for (const column of toArray(result.Columns)) {
      const type = scalarTypeOf(column.Type?.Name ?? '') ?? 'dynamic';
      resultColumns.push({ name: column.Name, type });
    }
  }
  return { diagnostics, resultColumns, command: false };
}
