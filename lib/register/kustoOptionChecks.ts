/**
 * The checks of `@KustoInput` / `@KustoOutput` options at registration, and the bindings registered from options
 * that pass. The rules the engine also applies at run time come from kusto-functions-bindings; the rest are
 * registration's own: option names, the app-setting and binding names, what the Azure extension can read, the query's
 * declared parameters, and the binding expressions each option may use.
 */
import {
  KUSTO_INPUT_OPTION_NAMES,
  KUSTO_INPUT_REQUIRED_OPTIONS,
  KUSTO_OUTPUT_OPTION_NAMES,
  KUSTO_OUTPUT_REQUIRED_OPTIONS,
  QueryParametersSyntaxError,
  dataFormatProblem,
  declaredQueryParameters,
  ingestionTypeProblem,
  optionTypeProblem,
  readAppSetting,
  readIngestionProperty,
  readPropertyListOption,
  requiredOptionProblem,
  resolveQueryText,
  type KustoInputBinding,
  type KustoInputOptions,
  type KustoOutputBinding,
  type KustoOutputOptions,
  type PropertyPair,
} from 'kusto-functions-bindings';
import { checkTemplate, type ExpressionScope } from './expressionScope';
import type { Problems } from './problems';

const BINDING_NAME = /^[A-Za-z][A-Za-z0-9]{0,127}$/;
// A setting name, or `%Name%` references whose values make one (the host resolves them in `connection`).
const SETTING_NAME = /^(?:[A-Za-z0-9_.:-]|%[A-Za-z_][A-Za-z0-9_.:-]*%)+$/;

/** Registration's label for an option in messages: `option 'name'`. */
const label = (option: string): string => `option '${option}'`;

/** Where a Kusto decorator's options are checked: the problems' prefix (which names the decorator) and scope. */
export interface OptionSite {
  /** Starts each problem: `Class.method: @KustoInput (parameter 0)`. */
  prefix: string;
  /** What the options' binding expressions may refer to. */
  scope: ExpressionScope;
  /** Where problems go. */
  problems: Problems;
}

function checkCommonOptions(
  decorated: KustoInputOptions | KustoOutputOptions,
  allowed: readonly string[],
  required: readonly string[],
  { prefix, problems }: OptionSite,
): boolean {
  const options = decorated as unknown as Record<string, unknown>;
  let ok = true;
  const report = (problem: string | undefined) => {
    if (problem === undefined) return;
    problems.add(`${prefix} ${problem}.`);
    ok = false;
  };
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) report(`has an unknown option '${key}' (known options: ${allowed.join(', ')})`);
  }
  for (const key of allowed) report(optionTypeProblem(label(key), options[key]));
  // A value of the wrong type was reported above.
  for (const key of required) report(requiredOptionProblem(label(key), options[key]));
  const connection = options.connection;
  if (typeof connection === 'string' && connection.trim() !== '' && !SETTING_NAME.test(connection)) {
    // Never echo the value: it may be a connection string pasted in by mistake.
    report(
      `option 'connection' must name an app setting (such as 'KustoConnectionString') that holds the connection string, not contain the connection string itself`,
    );
  }
  const name = options.name;
  if (typeof name === 'string' && !BINDING_NAME.test(name)) {
    report(`option 'name' must be letters and digits, starting with a letter (got '${name}')`);
  }
  return ok;
}

function checkPropertyList(text: string | undefined, option: string, prefix: string, problems: Problems) {
  if (text === undefined) return [];
  const pairs = readPropertyListOption(label(option), text);
  if (!('problem' in pairs)) return pairs;
  problems.add(`${prefix} ${pairs.problem}.`);
  return undefined;
}

// The Azure extension splits these lists on ',' then '=': quoting, and '=' inside a value, are this SDK's own
// grammar, which only its engine reads (in-process mode, the local host).
function checkExtensionCanSplit(pairs: PropertyPair[] | undefined, option: string, prefix: string, problems: Problems) {
  for (const pair of pairs ?? []) {
    if (pair.quoted || pair.value.includes('=')) {
      problems.add(
        `${prefix} option '${option}': the value of '@${pair.name}' ${pair.quoted ? 'is quoted' : "has an '='"}, which the Kusto extension in Azure cannot read (it splits on ',' and '='); pass such values with bindings: 'in-process', or through a binding expression.`,
      );
    }
  }
}

function checkDeclaredParameters(kql: string, pairs: PropertyPair[], prefix: string, problems: Problems): void {
  let declared: ReturnType<typeof declaredQueryParameters> | undefined;
  try {
    declared = declaredQueryParameters(kql);
  } catch (e) {
    if (!(e instanceof QueryParametersSyntaxError)) throw e;
    problems.add(`${prefix} option 'kqlCommand': ${e.message}.`);
  }
  if (!declared) return;
  const declaredNames = new Set(declared.map((p) => p.name));
  const given = new Set(pairs.map((p) => p.name));
  for (const pair of pairs) {
    if (!declaredNames.has(pair.name)) {
      problems.add(
        `${prefix} option 'kqlParameters' passes '@${pair.name}', which the query does not declare: add '${pair.name}:<type>' to 'declare query_parameters (…)' in 'kqlCommand'.`,
      );
    }
  }
  for (const param of declared) {
    if (!param.hasDefault && !given.has(param.name)) {
      problems.add(
        `${prefix} option 'kqlCommand' declares the query parameter '${param.name}' but 'kqlParameters' gives no '@${param.name}=…' (and the declaration has no default).`,
      );
    }
  }
}

/**
 * Checks `@KustoInput` options; returns the binding to register, or undefined when an option is unusable (the
 * problems are added to `problems`).
 *
 * @param hostBindings - whether the host's Kusto extension will run the binding (host mode), which reads less.
 */
export function planKustoInput(
  options: KustoInputOptions,
  name: string,
  site: OptionSite,
  hostBindings: boolean,
): KustoInputBinding | undefined {
  if (!checkCommonOptions(options, KUSTO_INPUT_OPTION_NAMES, KUSTO_INPUT_REQUIRED_OPTIONS, site)) return undefined;
  const { prefix, scope, problems } = site;
  const kql = options.kqlCommand;
  // The host resolves {…} inside kqlCommand by splicing text into KQL: values must travel as query parameters. Its
  // %Setting% values are read from the app settings the worker has (Azure and the local host set them before the app
  // loads); a setting not set here is checked when the binding runs.
  const query = resolveQueryText(label('kqlCommand'), kql, (setting) => readAppSetting(setting, process.env)?.value);
  for (const problem of query.problems) problems.add(`${prefix} ${problem}.`);
  const pairs = checkPropertyList(options.kqlParameters, 'kqlParameters', prefix, problems);
  if (hostBindings) checkExtensionCanSplit(pairs, 'kqlParameters', prefix, problems);
  if (pairs) {
    if (query.text !== undefined) checkDeclaredParameters(query.text, pairs, prefix, problems);
    for (const pair of pairs) checkTemplate(pair.value, 'kqlParameters', scope, prefix, problems);
  }
  const crp = checkPropertyList(options.clientRequestProperties, 'clientRequestProperties', prefix, problems);
  if (hostBindings) checkExtensionCanSplit(crp, 'clientRequestProperties', prefix, problems);
  for (const pair of crp ?? []) checkTemplate(pair.value, 'clientRequestProperties', scope, prefix, problems);
  checkTemplate(options.database, 'database', scope, prefix, problems);
  if (options.managedServiceIdentity !== undefined) {
    checkTemplate(options.managedServiceIdentity, 'managedServiceIdentity', scope, prefix, problems);
  }
  return compact<KustoInputBinding>({
    type: 'kusto',
    name,
    database: options.database,
    connection: options.connection,
    kqlCommand: kql,
    kqlParameters: options.kqlParameters,
    clientRequestProperties: options.clientRequestProperties,
    managedServiceIdentity: options.managedServiceIdentity,
  });
}

/**
 * Checks `@KustoOutput` options; returns the binding to register, or undefined when an option is unusable (the
 * problems are added to `problems`).
 */
export function planKustoOutput(
  options: KustoOutputOptions,
  name: string,
  site: OptionSite,
): KustoOutputBinding | undefined {
  if (!checkCommonOptions(options, KUSTO_OUTPUT_OPTION_NAMES, KUSTO_OUTPUT_REQUIRED_OPTIONS, site)) return undefined;
  const { prefix, scope, problems } = site;
  let ok = true;
  for (const problem of [
    dataFormatProblem(label('dataFormat'), options.dataFormat),
    ingestionTypeProblem(label('ingestionType'), options.ingestionType),
  ]) {
    if (problem === undefined) continue;
    problems.add(`${prefix} ${problem}.`);
    ok = false;
  }
  const props = checkPropertyList(options.ingestionProperties, 'ingestionProperties', prefix, problems);
  for (const pair of props ?? []) {
    const setting = readIngestionProperty(label('ingestionProperties'), pair);
    if ('problem' in setting) problems.add(`${prefix} ${setting.problem}.`);
  }
  if (props && props.length > 0 && (options.ingestionType ?? 'managed') !== 'queued') {
    problems.add(
      `${prefix} option 'ingestionProperties' applies to queued ingestion only: set ingestionType: 'queued'.`,
    );
  }
  for (const option of ['database', 'tableName', 'mappingRef', 'managedServiceIdentity'] as const) {
    const value = options[option];
    if (value !== undefined) checkTemplate(value, option, scope, prefix, problems);
  }
  if (!ok) return undefined;
  return compact<KustoOutputBinding>({
    type: 'kusto',
    name,
    database: options.database,
    connection: options.connection,
    tableName: options.tableName,
    mappingRef: options.mappingRef,
    dataFormat: options.dataFormat,
    ingestionType: options.ingestionType,
    ingestionProperties: options.ingestionProperties,
    managedServiceIdentity: options.managedServiceIdentity,
  });
}

// Unset options are absent from the binding, rather than present as undefined.
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
