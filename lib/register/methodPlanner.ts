/**
 * Builds function descriptions from the decorators' records and checks everything that can be checked before
 * anything runs. Each problem names the class, the method, the decorator and the option at fault.
 */
import '../metadata/reflect';
import {
  BindingExpressionSyntaxError,
  KUSTO_DATA_FORMATS,
  KUSTO_INGESTION_TYPES,
  KUSTO_INPUT_OPTION_NAMES,
  KUSTO_OUTPUT_OPTION_NAMES,
  PropertyListSyntaxError,
  QueryParametersSyntaxError,
  RouteTemplateError,
  declaredQueryParameters,
  isExpressionText,
  parsePropertyList,
  parseTemplate,
  routeParameterNames,
  type BindingExpression,
  type KustoInputBinding,
  type PropertyPair,
  type KustoInputOptions,
  type KustoOutputBinding,
  type KustoOutputOptions,
} from 'kusto-functions-bindings';
import type { TriggerSpec } from '../binding';
import { readMethodRecords, type ClassType, type ParamEntry, type ResolvedMethodRecord } from '../metadata';
import type { FunctionDescription, ParamPlan, ReturnOutput } from './description';

const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const BINDING_NAME = /^[A-Za-z][A-Za-z0-9]{0,127}$/;
const SETTING_NAME = /^[A-Za-z0-9_.:-]+$/;
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);
const INGESTION_PROPERTIES: Record<string, 'boolean' | 'positive'> = {
  flushImmediately: 'boolean',
  pollIntervalSeconds: 'positive',
  pollTimeoutMinutes: 'positive',
};

/** Collects problems; registration reports them all at once. */
export class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
}

/** What binding expressions can refer to, for one trigger. */
interface ExpressionScope {
  kind: TriggerSpec['kind'];
  routeParams?: Set<string>;
  route?: string;
  hasBody: boolean;
}

function httpMethods(trigger: TriggerSpec): string[] {
  if (trigger.kind !== 'http') return [];
  return (trigger.options.methods ?? ['GET', 'POST']).map((m) => String(m).toUpperCase());
}

function scopeOf(trigger: TriggerSpec, functionName: string, problems: Problems, where: string): ExpressionScope {
  if (trigger.kind !== 'http') return { kind: trigger.kind, hasBody: true };
  const route = trigger.options.route ?? functionName;
  let routeParams = new Set<string>();
  try {
    routeParams = new Set(routeParameterNames(route));
  } catch (e) {
    if (!(e instanceof RouteTemplateError)) throw e;
    problems.add(`${where}: @HttpTrigger option 'route': ${e.message}.`);
  }
  const hasBody = httpMethods(trigger).some((m) => !BODYLESS_METHODS.has(m));
  return { kind: 'http', routeParams, route, hasBody };
}

function checkExpression(expr: BindingExpression, scope: ExpressionScope): string | undefined {
  switch (expr.kind) {
    case 'system':
      return undefined;
    case 'query':
    case 'header':
      return scope.kind === 'http' ? undefined : `'{${expr.text}}' needs an HTTP trigger`;
    case 'data': {
      if (scope.kind === 'timer') return `'{${expr.text}}' cannot be resolved: a timer trigger has no trigger data`;
      if (scope.kind !== 'http') return undefined;
      // The host's binding data ignores case.
      const head = expr.key.split('.')[0].toLowerCase();
      if ([...(scope.routeParams ?? [])].some((p) => p.toLowerCase() === head)) return undefined;
      // Without a route parameter of that name the host looks in the JSON body, which GET/HEAD cannot carry.
      if (scope.hasBody) return undefined;
      return `'{${expr.text}}' is not a parameter of the route '${scope.route}'`;
    }
  }
}

function checkTemplate(text: string, option: string, scope: ExpressionScope, prefix: string, problems: Problems): void {
  try {
    for (const part of parseTemplate(text)) {
      if (!('expression' in part)) continue;
      const problem = checkExpression(part.expression, scope);
      if (problem) problems.add(`${prefix} option '${option}': ${problem}.`);
    }
  } catch (e) {
    if (!(e instanceof BindingExpressionSyntaxError)) throw e;
    problems.add(`${prefix} option '${option}': ${e.message}.`);
  }
}

function checkCommonOptions(
  options: Record<string, unknown>,
  allowed: readonly string[],
  required: readonly string[],
  prefix: string,
  problems: Problems,
): boolean {
  let ok = true;
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      problems.add(`${prefix} has an unknown option '${key}' (known options: ${allowed.join(', ')}).`);
      ok = false;
    }
  }
  for (const key of allowed) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'string') {
      problems.add(`${prefix} option '${key}' must be a string, not ${value === null ? 'null' : typeof value}.`);
      ok = false;
    }
  }
  for (const key of required) {
    const value = options[key];
    // A value of the wrong type was reported above.
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      problems.add(`${prefix} option '${key}' is required.`);
      ok = false;
    }
  }
  const connection = options.connection;
  if (typeof connection === 'string' && connection.trim() !== '' && !SETTING_NAME.test(connection)) {
    // Never echo the value: it may be a connection string pasted in by mistake.
    problems.add(
      `${prefix} option 'connection' must name an app setting (such as 'KustoConnectionString') that holds the connection string, not contain the connection string itself.`,
    );
    ok = false;
  }
  const name = options.name;
  if (typeof name === 'string' && !BINDING_NAME.test(name)) {
    problems.add(`${prefix} option 'name' must be letters and digits, starting with a letter (got '${name}').`);
    ok = false;
  }
  return ok;
}

function checkPropertyList(text: string | undefined, option: string, prefix: string, problems: Problems) {
  if (text === undefined) return [];
  try {
    return parsePropertyList(text);
  } catch (e) {
    if (!(e instanceof PropertyListSyntaxError)) throw e;
    problems.add(`${prefix} option '${option}' must be '@name=value' pairs separated by commas: ${e.message}.`);
    return undefined;
  }
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

function describeInput(
  options: KustoInputOptions,
  name: string,
  scope: ExpressionScope,
  prefix: string,
  problems: Problems,
  hostBindings: boolean,
): KustoInputBinding | undefined {
  const raw = options as unknown as Record<string, unknown>;
  if (!checkCommonOptions(raw, KUSTO_INPUT_OPTION_NAMES, ['database', 'connection', 'kqlCommand'], prefix, problems)) {
    return undefined;
  }
  const kql = options.kqlCommand;
  // The host resolves {…} inside kqlCommand by splicing text into KQL: values must travel as query parameters.
  for (const match of kql.matchAll(/\{([^{}]*)\}/g)) {
    if (isExpressionText(match[1].trim())) {
      problems.add(
        `${prefix} option 'kqlCommand' contains the binding expression '${match[0]}', which would be spliced into the query text: declare a query parameter and pass the value in 'kqlParameters' instead.`,
      );
    }
  }
  const pairs = checkPropertyList(options.kqlParameters, 'kqlParameters', prefix, problems);
  if (hostBindings) checkExtensionCanSplit(pairs, 'kqlParameters', prefix, problems);
  if (pairs) {
    let declared: ReturnType<typeof declaredQueryParameters> | undefined;
    try {
      declared = declaredQueryParameters(kql);
    } catch (e) {
      if (!(e instanceof QueryParametersSyntaxError)) throw e;
      problems.add(`${prefix} option 'kqlCommand': ${e.message}.`);
    }
    if (declared) {
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

function describeOutput(
  options: KustoOutputOptions,
  name: string,
  scope: ExpressionScope,
  prefix: string,
  problems: Problems,
): KustoOutputBinding | undefined {
  const raw = options as unknown as Record<string, unknown>;
  if (!checkCommonOptions(raw, KUSTO_OUTPUT_OPTION_NAMES, ['database', 'connection', 'tableName'], prefix, problems)) {
    return undefined;
  }
  let ok = true;
  if (options.dataFormat !== undefined && !KUSTO_DATA_FORMATS.includes(options.dataFormat)) {
    problems.add(
      `${prefix} option 'dataFormat' is '${options.dataFormat}', which is not a supported format (${KUSTO_DATA_FORMATS.join(', ')}).`,
    );
    ok = false;
  }
  if (options.ingestionType !== undefined && !KUSTO_INGESTION_TYPES.includes(options.ingestionType)) {
    problems.add(
      `${prefix} option 'ingestionType' is '${options.ingestionType}'; use 'managed' (the default) or 'queued'.`,
    );
    ok = false;
  }
  const props = checkPropertyList(options.ingestionProperties, 'ingestionProperties', prefix, problems);
  for (const pair of props ?? []) {
    const kind = INGESTION_PROPERTIES[pair.name];
    if (!kind) {
      problems.add(
        `${prefix} option 'ingestionProperties' has an unknown property '@${pair.name}' (known: ${Object.keys(
          INGESTION_PROPERTIES,
        )
          .map((k) => '@' + k)
          .join(', ')}).`,
      );
    } else if (kind === 'boolean' && !/^(true|false)$/i.test(pair.value)) {
      problems.add(`${prefix} option 'ingestionProperties': '@${pair.name}' must be true or false.`);
    } else if (kind === 'positive' && !(Number(pair.value) > 0)) {
      problems.add(`${prefix} option 'ingestionProperties': '@${pair.name}' must be a positive number.`);
    }
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

function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function primitiveOf(designType: unknown): 'string' | 'number' | 'boolean' {
  return designType === Number ? 'number' : designType === Boolean ? 'boolean' : 'string';
}

function isHttpOnly(kind: ParamEntry['kind']): boolean {
  return kind === 'request' || kind === 'body' || kind === 'param' || kind === 'query' || kind === 'header';
}

/** Describes and checks one method; returns undefined when it has problems (they are added to `problems`). */
function describeMethod(
  record: ResolvedMethodRecord,
  ctor: ClassType,
  problems: Problems,
  hostBindings: boolean,
): FunctionDescription | undefined {
  const className = ctor.name || '(anonymous class)';
  const where = `${className}.${record.name}`;
  const before = problems.list.length;
  const hasKusto =
    record.outputs.length > 0 ||
    [...record.params.values()].some((entries) =>
      entries.some((e) => e.kind === 'kustoInput' || e.kind === 'kustoOutput'),
    );

  if (record.triggers.length === 0) {
    problems.add(
      hasKusto
        ? `${where} has Kusto bindings but no trigger: add a trigger decorator such as @HttpTrigger, @TimerTrigger or @GenericTrigger.`
        : `${where} has parameter decorators but no trigger: add a trigger decorator such as @HttpTrigger.`,
    );
    return undefined;
  }
  if (record.triggers.length > 1) {
    problems.add(
      `${where} has ${record.triggers.length} triggers (${record.triggers.map((t) => t.decorator).join(', ')}); a function has exactly one.`,
    );
    return undefined;
  }
  const { decorator: triggerDecorator, ...trigger } = record.triggers[0];
  const functionName = trigger.options.name ?? record.name;
  if (!FUNCTION_NAME.test(functionName)) {
    const rule = "use letters, digits, '_' and '-', starting with a letter";
    problems.add(
      trigger.options.name === undefined
        ? `${where}: the function name '${functionName}' (the method's name) is not valid: ${rule}, or set ${triggerDecorator} option 'name'.`
        : `${where}: ${triggerDecorator} option 'name': the function name '${functionName}' is not valid: ${rule}.`,
    );
  }
  if (record.outputs.length > 1)
    problems.add(
      `${where} has ${record.outputs.length} @KustoOutput decorators on the method; use one, and @KustoOutput parameters for more tables.`,
    );

  const scope = scopeOf(trigger, functionName, problems, where);
  const proto = record.declaringClass.prototype as object;
  const paramTypes = Reflect.getMetadata('design:paramtypes', proto, record.name) as unknown[] | undefined;
  if (!paramTypes) {
    problems.add(
      `${where}: TypeScript recorded no parameter types. Compile with tsc and set "experimentalDecorators" and "emitDecoratorMetadata" in tsconfig.json (esbuild and tsx do not emit decorator metadata).`,
    );
    return undefined;
  }

  const params: ParamPlan[] = [];
  const inputs: KustoInputBinding[] = [];
  const outputs: KustoOutputBinding[] = [];
  const bindingNames = new Set<string>();
  const claimName = (name: string, prefix: string) => {
    if (bindingNames.has(name)) {
      problems.add(`${prefix} option 'name': the binding name '${name}' is used twice in one function.`);
    }
    bindingNames.add(name);
  };

  const count = Math.max(paramTypes.length, ...[...record.params.keys()].map((i) => i + 1));
  for (let index = 0; index < count; index++) {
    const entries = record.params.get(index) ?? [];
    const designType = paramTypes[index];
    if (entries.length === 0) {
      problems.add(
        `${where}: parameter ${index} has no decorator; every parameter needs one (@KustoInput, @KustoOutput, @Req, @Body, @Param, @Query, @Header, @Trigger or @Context).`,
      );
      continue;
    }
    if (entries.length > 1) {
      problems.add(
        `${where}: parameter ${index} has several decorators (${entries.map((e) => e.decorator).join(', ')}); use one.`,
      );
      continue;
    }
    const entry = entries[0];
    const prefix = `${where}: ${entry.decorator} (parameter ${index})`;
    if (isHttpOnly(entry.kind) && trigger.kind !== 'http') {
      problems.add(
        `${prefix} needs an HTTP trigger, but the function is triggered by ${record.triggers[0].decorator}.`,
      );
      continue;
    }
    switch (entry.kind) {
      case 'kustoInput': {
        const name = entry.options.name ?? `kustoInput${index}`;
        const binding = describeInput(entry.options, name, scope, prefix, problems, hostBindings);
        claimName(name, prefix);
        let shape: 'instances' | 'rows' | 'json' = entry.type ? 'instances' : 'rows';
        if (designType === String) shape = 'json';
        else if (designType === Array && !entry.type) {
          problems.add(
            `${prefix}: the parameter is an array without an element type: pass the row class, as in @KustoInput({ … }, Product).`,
          );
        } else if (typeof designType === 'function' && designType !== Array && designType !== Object) {
          problems.add(
            `${prefix}: a Kusto input is a list of rows: declare the parameter as ${designType.name}[] and pass the row class, as in @KustoInput({ … }, ${designType.name}).`,
          );
        }
        if (binding) {
          inputs.push(binding);
          params.push({ kind: 'kustoInput', binding, shape, type: entry.type });
        }
        break;
      }
      case 'kustoOutput': {
        const name = entry.options.name ?? `kustoOutput${index}`;
        const binding = describeOutput(entry.options, name, scope, prefix, problems);
        claimName(name, prefix);
        if (designType === Array || (typeof designType === 'function' && designType !== Object)) {
          problems.add(
            `${prefix}: a @KustoOutput parameter receives an Output to call set() on: declare it as Output<${entry.type?.name ?? 'YourRow'}> (or Output<${entry.type?.name ?? 'YourRow'}[]>).`,
          );
        }
        if (binding) {
          outputs.push(binding);
          params.push({ kind: 'kustoOutput', binding, type: entry.type });
        }
        break;
      }
      case 'body': {
        if (!scope.hasBody) {
          problems.add(`${prefix}: the function accepts only ${httpMethods(trigger).join(', ')}, which carry no body.`);
        }
        const type =
          entry.type ??
          (typeof designType === 'function' && ![Array, Object, String].includes(designType as never)
            ? (designType as ClassType)
            : undefined);
        if (designType === Array && !entry.type) {
          problems.add(
            `${prefix}: the parameter is an array without an element type: pass the element class, as in @Body(Product).`,
          );
        }
        params.push({
          kind: 'body',
          shape: designType === String && !entry.type ? 'text' : type ? 'instances' : 'json',
          type,
        });
        break;
      }
      case 'param': {
        if (scope.routeParams && !scope.routeParams.has(entry.name)) {
          problems.add(`${prefix}: the route '${scope.route}' has no parameter '{${entry.name}}'.`);
        }
        params.push({ kind: 'param', name: entry.name, convert: primitiveOf(designType) });
        break;
      }
      case 'query':
      case 'header':
        params.push({ kind: entry.kind, name: entry.name, convert: primitiveOf(designType) });
        break;
      case 'trigger': {
        if (designType === Array && !entry.type) {
          problems.add(
            `${prefix}: the parameter is an array without an element type: pass the element class, as in @Trigger(Product).`,
          );
        }
        params.push({ kind: 'trigger', type: entry.type });
        break;
      }
      case 'request':
      case 'context':
        params.push({ kind: entry.kind });
        break;
    }
  }

  let returnOutput: ReturnOutput | undefined;
  if (record.outputs.length === 1) {
    const output = record.outputs[0];
    const prefix = `${where}: @KustoOutput (method)`;
    const name = output.options.name ?? 'kustoOutputReturn';
    claimName(name, prefix);
    const binding = describeOutput(output.options, name, scope, prefix, problems);
    if (binding) {
      outputs.push(binding);
      returnOutput = { binding, type: output.type };
    }
  }

  if (problems.list.length > before) return undefined;
  return { className, methodName: record.name, functionName, trigger, params, inputs, outputs, returnOutput };
}

/** Describes every decorated method of a class (and its ancestors). */
export function describeClass(ctor: ClassType, problems: Problems, hostBindings = true): FunctionDescription[] {
  const out: FunctionDescription[] = [];
  for (const record of readMethodRecords(ctor)) {
    const description = describeMethod(record, ctor, problems, hostBindings);
    if (description) out.push(description);
  }
  return out;
}
