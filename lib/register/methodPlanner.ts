/**
 * Plans one decorated method: its trigger and function name, how each parameter is filled, and its Kusto bindings,
 * checking everything that can be checked before anything runs. Each problem names the class, the method, the
 * decorator and the option at fault.
 */
import { designParamTypes, type ClassType, type ParamEntry, type ResolvedMethodRecord } from '../metadata';
import { scopeOf, type ExpressionScope } from './expressionScope';
import type { FunctionPlan, ParamPlan, ReturnOutput } from './functionPlan';
import { planKustoInput, planKustoOutput } from './kustoOptionChecks';
import type { Problems } from './problems';

const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

function primitiveOf(designType: unknown): 'string' | 'number' | 'boolean' {
  return designType === Number ? 'number' : designType === Boolean ? 'boolean' : 'string';
}

function isHttpOnly(kind: ParamEntry['kind']): boolean {
  return kind === 'request' || kind === 'body' || kind === 'param' || kind === 'query' || kind === 'header';
}

/** What planning a parameter needs of its method. */
interface ParamContext {
  scope: ExpressionScope;
  problems: Problems;
  hostBindings: boolean;
  /** Claims a binding name, reporting one used twice in the function. */
  claimName(name: string, prefix: string): void;
}

/** How one decorated parameter is filled; undefined when its Kusto binding is unusable (the problems are added). */
function planParam(
  entry: ParamEntry,
  designType: unknown,
  index: number,
  prefix: string,
  { scope, problems, hostBindings, claimName }: ParamContext,
): ParamPlan | undefined {
  switch (entry.kind) {
    case 'kustoInput': {
      const name = entry.options.name ?? `kustoInput${index}`;
      const binding = planKustoInput(entry.options, name, { prefix, scope, problems }, hostBindings);
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
      return binding && { kind: 'kustoInput', binding, shape, type: entry.type };
    }
    case 'kustoOutput': {
      const name = entry.options.name ?? `kustoOutput${index}`;
      const binding = planKustoOutput(entry.options, name, { prefix, scope, problems });
      claimName(name, prefix);
      if (designType === Array || (typeof designType === 'function' && designType !== Object)) {
        problems.add(
          `${prefix}: a @KustoOutput parameter receives an Output to call set() on: declare it as Output<${entry.type?.name ?? 'YourRow'}> (or Output<${entry.type?.name ?? 'YourRow'}[]>).`,
        );
      }
      return binding && { kind: 'kustoOutput', binding, type: entry.type };
    }
    case 'body': {
      if (!scope.hasBody) {
        problems.add(`${prefix}: the function accepts only ${scope.methods?.join(', ')}, which carry no body.`);
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
      return { kind: 'body', shape: designType === String && !entry.type ? 'text' : type ? 'instances' : 'json', type };
    }
    case 'param': {
      if (scope.routeParams && !scope.routeParams.has(entry.name)) {
        problems.add(`${prefix}: the route '${scope.route}' has no parameter '{${entry.name}}'.`);
      }
      return { kind: 'param', name: entry.name, convert: primitiveOf(designType) };
    }
    case 'query':
    case 'header':
      return { kind: entry.kind, name: entry.name, convert: primitiveOf(designType) };
    case 'trigger': {
      if (designType === Array && !entry.type) {
        problems.add(
          `${prefix}: the parameter is an array without an element type: pass the element class, as in @Trigger(Product).`,
        );
      }
      return { kind: 'trigger', type: entry.type };
    }
    case 'request':
    case 'context':
      return { kind: entry.kind };
  }
}

/** Plans and checks one method; returns undefined when it has problems (they are added to `problems`). */
export function planMethod(
  record: ResolvedMethodRecord,
  ctor: ClassType,
  problems: Problems,
  hostBindings: boolean,
): FunctionPlan | undefined {
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
  const paramTypes = designParamTypes(record.declaringClass, record.name);
  if (!paramTypes) {
    problems.add(
      `${where}: TypeScript recorded no parameter types. Compile with tsc and set "experimentalDecorators" and "emitDecoratorMetadata" in tsconfig.json (esbuild and tsx do not emit decorator metadata).`,
    );
    return undefined;
  }

  const params: ParamPlan[] = [];
  const bindingNames = new Set<string>();
  const claimName = (name: string, prefix: string) => {
    if (bindingNames.has(name)) {
      problems.add(`${prefix} option 'name': the binding name '${name}' is used twice in one function.`);
    }
    bindingNames.add(name);
  };
  const context: ParamContext = { scope, problems, hostBindings, claimName };

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
    const plan = planParam(entry, designType, index, prefix, context);
    if (plan) params.push(plan);
  }

  let returnOutput: ReturnOutput | undefined;
  if (record.outputs.length === 1) {
    const output = record.outputs[0];
    const prefix = `${where}: @KustoOutput (method)`;
    const name = output.options.name ?? 'kustoOutputReturn';
    claimName(name, prefix);
    const binding = planKustoOutput(output.options, name, { prefix, scope, problems });
    if (binding) returnOutput = { binding, type: output.type };
  }

  if (problems.list.length > before) return undefined;
  const inputs = params.flatMap((p) => (p.kind === 'kustoInput' ? [p.binding] : []));
  const outputs = params.flatMap((p) => (p.kind === 'kustoOutput' ? [p.binding] : []));
  if (returnOutput) outputs.push(returnOutput.binding);
  return { className, methodName: record.name, functionName, trigger, params, inputs, outputs, returnOutput };
}
