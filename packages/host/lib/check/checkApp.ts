/**
 * `kusto-functions check`: loads an app's registrations the way the local host does (without serving or running
 * anything) and validates every Kusto binding offline: registration errors, each query analysed by Kusto.Language
 * against the database schema, query parameters, row classes against result and table schemas, outputs' mappings
 * and formats, and the app settings the bindings name. Every problem is reported at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeQuery, type AnalysisSchema, type AnalysisTable } from 'kusto-emulator';
import {
  KUSTO_DATA_FORMATS,
  QueryParametersSyntaxError,
  REGISTRATION_OBSERVER,
  declaredQueryParameters,
  parseAppSettings,
  parsePropertyList,
  parseRouteTemplate,
  type KustoInputBinding,
  type KustoOutputBinding,
  type ObservedFunction,
  type ObservedKustoBinding,
  type RegistrationObserver,
  type RouteParameter,
} from 'kusto-functions-bindings';
import { DEFAULT_CONNECTION_SETTING } from 'kusto-functions-engine';
import { describeFunction, type HostFunction } from '../appFunctions';
import { resolveEntryPoints, trackModules, unloadModules, type LoadedModules } from '../appLoader';
import { FunctionsWorker } from '../worker';
import { AppSources, type DecoratorTarget, type SourceLocation } from './sourceLocations';
import {
  schemaFromConnection,
  schemaFromFile,
  schemaFromSetupScript,
  setupScriptOf,
  type LoadedSchema,
} from './schemaSources';

/** Options of {@link checkApp}. */
export interface CheckOptions {
  /** The app directory (package.json, host.json, local.settings.json); relative to `cwd`. */
  appDir: string;
  /** Entry point(s) overriding package.json `main` (relative to `cwd`). */
  script?: string;
  /** Directory `appDir`, `script` and `schema` are relative to. Default: process.cwd(). */
  cwd?: string;
  /** A file holding the JSON of `.show database DB schema as json`: the schema to check against. */
  schema?: string;
  /**
   * A Kusto connection string, or the name of an app setting holding one, to read the schema from with
   * `.show database DB schema as json` (when `schema` is not given; it takes precedence over the setup script).
   */
  connection?: string;
}

/** One problem found. */
export interface CheckProblem {
  /** `error` fails the check; `warning` does not. */
  severity: 'error' | 'warning';
  /** Stable code, `KF0001` … (see the README's table). */
  code: string;
  /** What is wrong and what to do. */
  message: string;
  /** Where: the decorator in the user's source (or compiled JS), when it can be found. */
  location?: SourceLocation;
  /** Else who: `Class.method`, or `function 'name'`. */
  where?: string;
}

/** What {@link checkApp} found. */
export interface CheckResult {
  /** Every problem, in the order found. */
  problems: CheckProblem[];
  /** Number of functions checked. */
  functions: number;
  /** Where the schema came from; undefined when there was none (queries were not analysed). */
  schemaSource?: string;
}

// One code per kind of problem.
const CODES = {
  registration: 'KF0001',
  load: 'KF0002',
  noFunctions: 'KF0003',
  kqlSyntax: 'KF0101',
  kqlSemantic: 'KF0102',
  kqlWarning: 'KF0103',
  unknownDatabase: 'KF0104',
  noSchema: 'KF0105',
  paramMissing: 'KF0201',
  paramExtra: 'KF0202',
  paramType: 'KF0203',
  columnNoProperty: 'KF0301',
  propertyNoColumn: 'KF0302',
  typeMismatch: 'KF0303',
  untypedDatetime: 'KF0304',
  unknownTable: 'KF0401',
  mappingUnknown: 'KF0402',
  mappingKind: 'KF0403',
  dataFormat: 'KF0404',
  settingMissing: 'KF0501',
  insecureConnection: 'KF0502',
} as const;

/** The bindings of a function with what the SDK told about them. */
interface CheckedFunction {
  fn: HostFunction;
  observed?: ObservedFunction;
}

class Reporter {
  readonly problems: CheckProblem[] = [];
  constructor(private readonly sources: AppSources) {}

  add(
    severity: CheckProblem['severity'],
    code: string,
    message: string,
    at?: {
      className?: string;
      methodName?: string;
      target?: DecoratorTarget;
      where?: string;
      file?: string;
      location?: SourceLocation;
    },
  ): void {
    let location: SourceLocation | undefined = at?.location;
    if (at?.className && at.methodName) {
      location = this.sources.findDecorator(at.className, at.methodName, at.target ?? { first: true });
    }
    if (!location && at?.file) location = this.sources.locateFile(at.file);
    const where = at?.where ?? (at?.className && at.methodName ? `${at.className}.${at.methodName}` : undefined);
    this.problems.push({ severity, code, message, location, where });
  }
}

/** `Class.method: …` problems of registerFunctions, each on its own. */
function registrationProblems(message: string): string[] {
  const list = /^registerFunctions found \d+ problems:\n/.exec(message);
  if (!list) return [message];
  return message
    .slice(list[0].length)
    .split(/\n- /)
    .map((p) => p.replace(/^- /, ''));
}

function siteOfProblem(problem: string): { className?: string; methodName?: string; target?: DecoratorTarget } {
  const m = /^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\b/.exec(problem);
  if (!m) return {};
  const parameter = /\(parameter (\d+)\)/.exec(problem)?.[1];
  const target: DecoratorTarget =
    parameter !== undefined
      ? { parameter: Number(parameter) }
      : /@KustoOutput \(method\)/.test(problem)
        ? { method: 'KustoOutput' }
        : { first: true };
  return { className: m[1], methodName: m[2], target };
}

/** The app's settings as the check sees them: the environment, local.settings.json and its example. */
function settingSources(appDir: string): { names: Set<string>; values: Map<string, string> } {
  const names = new Set<string>(Object.keys(process.env));
  const values = new Map<string, string>();
  for (const name of ['local.settings.json', 'local.settings.example.json']) {
    const file = path.join(appDir, name);
    if (!fs.existsSync(file)) continue;
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as {
        Values?: Record<string, unknown>;
        ConnectionStrings?: Record<string, unknown>;
      };
      for (const [key, value] of Object.entries(parsed.Values ?? {})) {
        names.add(key);
        if (!values.has(key)) values.set(key, String(value));
      }
      for (const [key, value] of Object.entries(parsed.ConnectionStrings ?? {})) {
        names.add(key);
        const text =
          typeof value === 'object' && value ? (value as { ConnectionString?: unknown }).ConnectionString : value;
        if (!values.has(key)) values.set(key, String(text));
      }
    } catch {
      // A broken local.settings.json is the host's to report at start; the check only reads names from it.
    }
  }
  for (const [key, value] of Object.entries(process.env)) if (!values.has(key) && value) values.set(key, value);
  return { names, values };
}

function settingValue(name: string, values: Map<string, string>): string | undefined {
  return (
    values.get(`ConnectionStrings:${name}`) ??
    values.get(name) ??
    values.get(name.replace(/:/g, '__')) ??
    values.get(`CUSTOMCONNSTR_${name}`)
  );
}

function resolveSettings(text: string, values: Map<string, string>): string | undefined {
  let out = '';
  for (const part of parseAppSettings(text)) {
    if ('appSetting' in part) {
      const value = settingValue(part.appSetting, values);
      if (value === undefined) return undefined;
      out += value;
    } else if ('literal' in part) out += part.literal;
  }
  return out;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** The cluster URL of a connection string, when it names one. */
function clusterUrlOf(connection: string): URL | undefined {
  const text = connection.trim();
  const source =
    /(?:^|;)\s*(?:data source|server|addr|address|network address)\s*=\s*([^;]+)/i.exec(text)?.[1] ??
    (/^[a-z]+:\/\//i.test(text) ? text.split(';')[0] : undefined);
  if (!source) return undefined;
  try {
    return new URL(source.trim());
  } catch {
    return undefined;
  }
}

// Kusto types and the JavaScript types TypeScript records for a property (design:type / @Type).
const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);

/** Whether a value of column type `column` can map to/from a property recorded as `recorded`; a reason when not. */
function typeConflict(column: string, recorded: string): boolean {
  if (column === 'dynamic' || recorded === 'Object') return false;
  switch (recorded) {
    case 'Number':
      return !NUMERIC.has(column);
    case 'Boolean':
      return column !== 'bool';
    case 'Date':
      return column !== 'datetime';
    case 'String':
      return false;
    case 'Array':
      return true;
    default:
      // A class: only dynamic columns hold objects.
      return true;
  }
}

function tableOf(schema: AnalysisSchema, database: string, table: string): AnalysisTable | undefined {
  const db = schema.databases.find((d) => d.name.toLowerCase() === database.toLowerCase());
  return (
    db?.tables.find((t) => t.name === table) ?? db?.tables.find((t) => t.name.toLowerCase() === table.toLowerCase())
  );
}

/** 1-based line and column of an offset in query text. */
function queryPosition(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

// A route constraint that makes a value fit a declared parameter type.
const CONSTRAINT_FITS: Record<string, string[]> = {
  int: ['int', 'long'],
  long: ['int', 'long'],
  real: ['int', 'long', 'float', 'double', 'decimal'],
  double: ['int', 'long', 'float', 'double', 'decimal'],
  decimal: ['int', 'long', 'float', 'double', 'decimal'],
  bool: ['bool'],
  boolean: ['bool'],
  datetime: ['datetime'],
  date: ['datetime'],
  guid: ['guid'],
};

const SYSTEM_EXPRESSION_TYPES: Record<string, string> = { 'sys.utcnow': 'datetime', 'sys.randguid': 'guid' };

function literalFits(type: string, value: string): boolean {
  const v = value.trim();
  switch (type.toLowerCase()) {
    case 'int':
    case 'long':
      return /^[+-]?\d+$/.test(v) || /^(int|long)\(.*\)$/.test(v);
    case 'real':
    case 'double':
    case 'decimal':
      return !Number.isNaN(Number(v)) || /^(real|double|decimal)\(.*\)$/.test(v);
    case 'bool':
    case 'boolean':
      return /^(true|false)$/i.test(v) || /^bool\(.*\)$/.test(v);
    case 'datetime':
    case 'date':
      return !Number.isNaN(Date.parse(v)) || /^datetime\(.*\)$/.test(v);
    case 'guid':
      return /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(v) || /^guid\(.*\)$/.test(v);
    case 'timespan':
    case 'time':
      return /^[\d.:]+$|^\d+(\.\d+)?(d|h|m|s|ms|microsecond|tick)$/.test(v) || /^(timespan|time)\(.*\)$/.test(v);
    default:
      return true;
  }
}

/** Loads the app and checks everything; never throws for the app's faults (they are problems). */
export async function checkApp(options: CheckOptions): Promise<CheckResult> {
  const cwd = options.cwd ?? process.cwd();
  const appDir = path.resolve(cwd, options.appDir);
  const modules: LoadedModules = new Map();
  const sources = new AppSources([]);
  let report = new Reporter(sources);
  const entry = resolveEntryPoints(appDir, options.script, cwd);

  // The SDK reports where each function and binding was declared to this observer while the app loads.
  const observed = new Map<string, ObservedFunction>();
  const observer: RegistrationObserver = { functionRegistered: (fn) => observed.set(fn.functionName, fn) };
  const global = globalThis as { [REGISTRATION_OBSERVER]?: RegistrationObserver };
  const previous = global[REGISTRATION_OBSERVER];
  global[REGISTRATION_OBSERVER] = observer;
  const worker = FunctionsWorker.install();
  const registered = new Map<string, ReturnType<typeof describeFunction>['registered']>();
  const loadErrors: { file: string; error: unknown }[] = [];
  try {
    for (const file of entry.files) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker loads entry points with require
        const captured = trackModules(() => worker.capture(() => require(file)), modules);
        for (const [name, fn] of captured) registered.set(name, fn);
      } catch (error) {
        loadErrors.push({ file, error });
      }
    }
  } finally {
    global[REGISTRATION_OBSERVER] = previous;
  }
  // The SDK's own bundle is not the app's code (in an app it lives under node_modules, skipped anyway; in a
  // workspace that links it, it does not), so stacks point past it at the app's registerFunctions call.
  const sdk = new Set<string>();
  for (const file of entry.files) {
    try {
      sdk.add(require.resolve('kusto-functions', { paths: [path.dirname(file)] }));
    } catch {
      // An app without the SDK.
    }
  }
  const appSources = new AppSources([...modules.keys(), ...entry.files].filter((f) => !sdk.has(f)));
  report = new Reporter(appSources);

  for (const { file, error } of loadErrors) {
    const message = (error as Error)?.message ?? String(error);
    // Where the app's own code threw (the registerFunctions call, or whatever failed), else the entry point.
    const thrownAt = appSources.locateStack((error as Error)?.stack);
    if ((error as Error)?.name === 'KustoConfigurationError') {
      for (const problem of registrationProblems(message)) {
        report.add('error', CODES.registration, `registerFunctions: ${problem}`, {
          ...siteOfProblem(problem),
          location: siteOfProblem(problem).className ? undefined : thrownAt,
          file,
        });
      }
    } else {
      const rel = path.relative(cwd, file) || file;
      report.add('error', CODES.load, `The entry point ${rel} failed to load: ${message}`, {
        location: thrownAt,
        file,
      });
    }
  }
  if (loadErrors.length > 0) {
    report.add(
      'error',
      CODES.noFunctions,
      'In Azure, an entry point that throws leaves the worker with no functions at all (the error shows only on the worker console).',
      { location: appSources.locateStack((loadErrors[0].error as Error)?.stack), file: loadErrors[0].file },
    );
  } else if (registered.size === 0) {
    report.add('warning', CODES.noFunctions, 'The app registers no functions.', { file: entry.files[0] });
  }

  const functions: CheckedFunction[] = [];
  for (const fn of registered.values()) {
    try {
      const described = describeFunction(fn);
      functions.push({ fn: described, observed: observed.get(described.name) });
    } catch (error) {
      report.add('error', CODES.registration, (error as Error).message, { where: `function '${fn.metadata.name}'` });
    }
  }

  const settings = settingSources(appDir);
  const at = (f: CheckedFunction, binding: string) => {
    const o = f.observed;
    const b = o?.bindings.find((x) => x.name === binding);
    const target: DecoratorTarget =
      b === undefined
        ? { first: true }
        : b.parameterIndex !== undefined
          ? { parameter: b.parameterIndex }
          : { method: 'KustoOutput' };
    return o
      ? { className: o.className, methodName: o.methodName, target, where: `${o.className}.${o.methodName}` }
      : { where: `function '${f.fn.name}'`, location: appSources.findRegistration(f.fn.name) };
  };
  const label = (f: CheckedFunction, binding: string, direction: 'in' | 'out') =>
    `Kusto ${direction === 'in' ? 'input' : 'output'} '${binding}' of ${f.fn.name}`;

  // Settings: every %Name% and connection setting.
  const databases = new Set<string>();
  const mappingTables: { database: string; table: string }[] = [];
  for (const f of functions) {
    for (const [binding, direction] of [
      ...f.fn.kustoInputs.map((b) => [b, 'in'] as const),
      ...f.fn.kustoOutputs.map((b) => [b, 'out'] as const),
    ]) {
      for (const [property, value] of Object.entries(binding)) {
        if (typeof value !== 'string') continue;
        for (const part of parseAppSettings(value)) {
          if ('appSetting' in part && !settings.names.has(part.appSetting)) {
            report.add(
              'warning',
              CODES.settingMissing,
              `${label(f, binding.name, direction)}: ${property} names the app setting '${part.appSetting}', which neither local.settings.json nor local.settings.example.json (nor the environment) sets.`,
              at(f, binding.name),
            );
          }
        }
      }
      const connectionName = resolveSettings(binding.connection || DEFAULT_CONNECTION_SETTING, settings.values);
      const connection = connectionName && settingValue(connectionName.trim(), settings.values);
      if (connectionName && connection === undefined) {
        report.add(
          'warning',
          CODES.settingMissing,
          `${label(f, binding.name, direction)}: its connection setting '${connectionName}' is set neither in local.settings.json nor in local.settings.example.json (nor the environment).`,
          at(f, binding.name),
        );
      }
      const url = connection ? clusterUrlOf(connection) : undefined;
      if (url && url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
        report.add(
          'error',
          CODES.insecureConnection,
          `${label(f, binding.name, direction)}: the connection setting '${connectionName}' points at ${url.protocol}//${url.host}, a cluster over plain http that is not on this machine: use https.`,
          at(f, binding.name),
        );
      }
      const database = resolveSettings(binding.database ?? '', settings.values);
      if (database && !database.includes('{')) {
        databases.add(database);
        const output = binding as KustoOutputBinding;
        const table =
          direction === 'out' && output.mappingRef
            ? resolveSettings(output.tableName ?? '', settings.values)
            : undefined;
        if (table && !table.includes('{')) mappingTables.push({ database, table });
      }
    }
  }

  // The schema.
  let loaded: LoadedSchema | undefined;
  const setup = setupScriptOf(appDir);
  try {
    // Explicit options first; the setup script, when there is one, otherwise: offline unless asked.
    if (options.schema) loaded = schemaFromFile(path.resolve(cwd, options.schema));
    else if (options.connection) {
      // A connection string, or the name of an app setting holding one (keeps secrets off the command line).
      const connection = options.connection.includes('=')
        ? options.connection
        : settingValue(options.connection, settings.values);
      if (connection === undefined)
        throw new Error(`--connection: the app setting '${options.connection}' is not set.`);
      loaded = await schemaFromConnection(connection, [...databases], mappingTables);
    } else if (setup) loaded = await schemaFromSetupScript(appDir, setup, [...databases]);
  } catch (error) {
    report.add('error', CODES.noSchema, (error as Error).message, { file: setup?.script });
  }
  if (!loaded && databases.size > 0 && report.problems.every((p) => p.code !== CODES.noSchema)) {
    report.add(
      'warning',
      CODES.noSchema,
      'No database schema to check the queries against: add a setup.kql, or pass --schema <file> (the JSON of .show database <db> schema as json) or --connection <connection string>.',
      { file: path.join(appDir, 'host.json') },
    );
  }
  const schema = loaded?.schema;

  for (const f of functions) {
    const route = routeParameters(f.fn);
    for (const binding of f.fn.kustoInputs) checkInput(f, binding, route);
    for (const binding of f.fn.kustoOutputs) checkOutput(f, binding);
  }

  function databaseOf(f: CheckedFunction, binding: KustoInputBinding | KustoOutputBinding, direction: 'in' | 'out') {
    if (!schema) return undefined;
    const database = resolveSettings(binding.database ?? '', settings.values);
    if (!database || database.includes('{')) return undefined;
    if (!schema.databases.some((d) => d.name.toLowerCase() === database.toLowerCase())) {
      report.add(
        'error',
        CODES.unknownDatabase,
        `${label(f, binding.name, direction)}: the database '${database}' is not in the schema (${loaded!.source}).`,
        at(f, binding.name),
      );
      return undefined;
    }
    return database;
  }

  function checkInput(f: CheckedFunction, binding: KustoInputBinding, route: Map<string, RouteParameter>): void {
    const name = label(f, binding.name, 'in');
    const where = at(f, binding.name);
    const kql = resolveSettings(binding.kqlCommand ?? '', settings.values);
    if (kql === undefined) return;
    // Parameters against `declare query_parameters`.
    let declared: ReturnType<typeof declaredQueryParameters> = [];
    try {
      declared = declaredQueryParameters(kql);
    } catch (error) {
      if (!(error instanceof QueryParametersSyntaxError)) throw error;
      report.add(
        'error',
        CODES.paramMissing,
        `${name}: kqlCommand's declare query_parameters: ${error.message}.`,
        where,
      );
    }
    let pairs: { name: string; value: string }[];
    try {
      pairs = binding.kqlParameters ? parsePropertyList(binding.kqlParameters) : [];
    } catch (error) {
      // The SDK refuses this at registration; an app registering bindings itself reaches the host with it.
      report.add(
        'error',
        CODES.paramExtra,
        `${name}: kqlParameters cannot be read: ${(error as Error).message}`,
        where,
      );
      pairs = [];
    }
    for (const pair of pairs) {
      const param = declared.find((d) => d.name === pair.name);
      if (!param) {
        report.add(
          'error',
          CODES.paramExtra,
          `${name}: kqlParameters passes '@${pair.name}', which the query does not declare in 'declare query_parameters (…)'.`,
          where,
        );
        continue;
      }
      checkParameterValue(param.name, param.type, pair.value);
    }
    for (const param of declared) {
      if (!param.hasDefault && !pairs.some((p) => p.name === param.name)) {
        report.add(
          'error',
          CODES.paramMissing,
          `${name}: the query declares the parameter '${param.name}' (${param.type}) but kqlParameters gives no '@${param.name}=…' and the declaration has no default.`,
          where,
        );
      }
    }

    function checkParameterValue(param: string, type: string, value: string): void {
      const t = type.toLowerCase();
      if (t === 'string' || t === 'dynamic') return;
      const expressions = [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1].trim());
      if (expressions.length === 0) {
        const literal = resolveSettings(value, settings.values);
        if (literal !== undefined && !literalFits(t, literal)) {
          report.add(
            'error',
            CODES.paramType,
            `${name}: kqlParameters gives '@${param}=${literal}', which is not a ${type}.`,
            where,
          );
        }
        return;
      }
      if (expressions.length === 1 && value.trim() === `{${expressions[0]}}`) {
        // The host's system expressions have known types.
        const system = SYSTEM_EXPRESSION_TYPES[expressions[0].toLowerCase()];
        if (system !== undefined && (system === t || CONSTRAINT_FITS[t]?.includes(system))) return;
        const routeParam = route.get(expressions[0].toLowerCase());
        const fits = routeParam?.constraints.some((c) => (CONSTRAINT_FITS[t] ?? []).includes(c.toLowerCase()));
        if (fits) return;
        const source = routeParam ? `the route parameter '{${routeParam.name}}'` : `'{${expressions[0]}}'`;
        report.add(
          'warning',
          CODES.paramType,
          `${name}: '@${param}' is declared ${type} but takes ${source}, which may be any text: a value that is not a ${type} fails the query at run time${routeParam ? ` (constrain the route, as in {${routeParam.name}:${t === 'int' || t === 'long' ? t : t === 'bool' || t === 'boolean' ? 'bool' : t === 'datetime' ? 'datetime' : t === 'guid' ? 'guid' : 'double'}})` : ''}.`,
          where,
        );
        return;
      }
      report.add(
        'warning',
        CODES.paramType,
        `${name}: '@${param}' is declared ${type} but takes text built from '${value}', which may not be a ${type}.`,
        where,
      );
    }

    // The query.
    const database = databaseOf(f, binding, 'in');
    if (!database || !schema) return;
    const analysis = analyzeQuery(schema, database, kql);
    if (analysis.command) return;
    for (const d of analysis.diagnostics) {
      const token = kql.substr(d.start, d.length).trim();
      const at = token === '' || d.message.includes(`'${token}'`) ? '' : ` (at '${token.slice(0, 60)}')`;
      const syntax = /^KS0\d\d$/.test(d.code) && Number(d.code.slice(2)) < 100;
      report.add(
        d.severity,
        d.severity === 'warning' ? CODES.kqlWarning : syntax ? CODES.kqlSyntax : CODES.kqlSemantic,
        `${name}: kqlCommand ${d.code}: ${d.message}${at} [query ${queryPosition(kql, d.start)}]`,
        where,
      );
    }
    if (analysis.diagnostics.some((d) => d.severity === 'error') || !analysis.resultColumns) return;
    // The result against the row class.
    const observedBinding = f.observed?.bindings.find((b) => b.name === binding.name);
    const row = rowOf(observedBinding);
    if (!row) return;
    const columns = analysis.resultColumns;
    for (const column of columns) {
      const property = row.properties.find((p) => p.column === column.name);
      if (!property) {
        if (row.complete) {
          report.add(
            'warning',
            CODES.columnNoProperty,
            `${name}: the result column '${column.name}' (${column.type}) has no property in ${row.className}: add one, or project the column away.`,
            where,
          );
        }
        continue;
      }
      const recorded = property.declaredType ?? property.designType;
      if (recorded && typeConflict(column.type, recorded)) {
        report.add(
          'error',
          CODES.typeMismatch,
          `${name}: the result column '${column.name}' is ${column.type}, which cannot map to ${row.className}.${property.property}, typed ${recorded}.`,
          where,
        );
      } else if (!recorded && column.type === 'datetime' && property.tsType !== 'string') {
        report.add(
          'warning',
          CODES.untypedDatetime,
          `${name}: the result column '${column.name}' is datetime, but ${row.className}.${property.property} has no recorded type, so it will arrive as a string: add @Type(() => Date) to it.`,
          where,
        );
      }
    }
    for (const property of row.properties) {
      if (property.column !== undefined && !columns.some((c) => c.name === property.column)) {
        report.add(
          'warning',
          CODES.propertyNoColumn,
          `${name}: ${row.className}.${property.property} has no column '${property.column}' in the query's result (${columns.map((c) => c.name).join(', ')}): it will stay undefined.`,
          where,
        );
      }
    }
  }

  function checkOutput(f: CheckedFunction, binding: KustoOutputBinding): void {
    const name = label(f, binding.name, 'out');
    const where = at(f, binding.name);
    const format = binding.dataFormat?.toLowerCase();
    if (format !== undefined && !(KUSTO_DATA_FORMATS as readonly string[]).includes(format)) {
      report.add(
        'error',
        CODES.dataFormat,
        `${name}: dataFormat '${binding.dataFormat}' is not one of ${KUSTO_DATA_FORMATS.join(', ')}.`,
        where,
      );
    }
    const database = databaseOf(f, binding, 'out');
    if (!database || !schema) return;
    const tableName = resolveSettings(binding.tableName ?? '', settings.values);
    if (!tableName || tableName.includes('{')) return;
    const table = tableOf(schema, database, tableName);
    if (!table) {
      report.add(
        'error',
        CODES.unknownTable,
        `${name}: the table '${tableName}' does not exist in ${database} (${loaded!.source}).`,
        where,
      );
      return;
    }
    const mappingRef = binding.mappingRef && resolveSettings(binding.mappingRef, settings.values);
    if (mappingRef) {
      if (table.mappings) {
        const mapping = table.mappings.find((m) => m.name === mappingRef);
        const kind =
          format === undefined || format === 'json' || format === 'multijson'
            ? 'json'
            : format === 'raw' || format === 'txt'
              ? undefined
              : 'csv';
        if (!mapping) {
          report.add(
            'error',
            CODES.mappingUnknown,
            `${name}: mappingRef '${mappingRef}' is not an ingestion mapping of ${tableName}${table.mappings.length > 0 ? ` (it has ${table.mappings.map((m) => `'${m.name}'`).join(', ')})` : ''}.`,
            where,
          );
        } else if (kind && mapping.kind !== kind) {
          report.add(
            'error',
            CODES.mappingKind,
            `${name}: mappingRef '${mappingRef}' is a ${mapping.kind} mapping, but dataFormat ${format ?? '(none: json)'} needs a ${kind} mapping.`,
            where,
          );
        }
      }
      return; // The mapping, not the property names, decides the columns.
    }
    const row = rowOf(f.observed?.bindings.find((b) => b.name === binding.name));
    if (!row) return;
    for (const property of row.properties) {
      if (property.column === undefined) continue;
      const column = table.columns.find((c) => c.name === property.column);
      if (!column) {
        report.add(
          'warning',
          CODES.propertyNoColumn,
          `${name}: ${row.className}.${property.property} has no column '${property.column}' in ${tableName} (${table.columns.map((c) => c.name).join(', ')}): it will not be ingested.`,
          where,
        );
        continue;
      }
      const recorded = property.declaredType ?? property.designType;
      if (recorded && typeConflict(column.type, recorded)) {
        report.add(
          'error',
          CODES.typeMismatch,
          `${name}: ${row.className}.${property.property}, typed ${recorded}, cannot be ingested into ${tableName}.${column.name} (${column.type}).`,
          where,
        );
      }
    }
  }

  /** The row class's properties, as its declaration lists them (when found) and the SDK's mapping reads them. */
  function rowOf(binding: ObservedKustoBinding | undefined) {
    if (!binding?.rowType) return undefined;
    const first = binding.rowType([]);
    const declared = appSources.declaredProperties(first.className);
    const described = declared ? binding.rowType(declared.map((p) => p.name)) : first;
    const properties = described.properties.map((p) => ({
      ...p,
      tsType: declared?.find((d) => d.name === p.property)?.type,
    }));
    // Without the class's declaration, its undecorated properties are unknown: a column may still have one.
    return { className: described.className, properties, complete: declared !== undefined };
  }

  // As a restarted worker would, a later check in this process loads the app afresh.
  unloadModules(modules);
  return { problems: report.problems, functions: functions.length, schemaSource: loaded?.source };
}

function routeParameters(fn: HostFunction): Map<string, RouteParameter> {
  const out = new Map<string, RouteParameter>();
  if (!fn.http) return out;
  try {
    for (const part of parseRouteTemplate(fn.http.template).flat()) {
      if (typeof part !== 'string') out.set(part.name.toLowerCase(), part);
    }
  } catch {
    // describeFunction already refused a route that does not parse.
  }
  return out;
}

/** A problem as one line: `path:line:col - error KF0001: message` (or `Class.method - …` without a location). */
export function formatProblem(problem: CheckProblem, cwd = process.cwd()): string {
  const where = problem.location
    ? `${path.relative(cwd, problem.location.file) || problem.location.file}:${problem.location.line}:${problem.location.column}`
    : (problem.where ?? 'app');
  return `${where} - ${problem.severity} ${problem.code}: ${problem.message}`;
}
