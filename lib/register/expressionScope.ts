/**
 * What a binding expression (`{productId}`, `{Query.name}`, `{sys.randguid}`) in a Kusto option can refer to, for one
 * trigger, and the check of an option's expressions against it.
 */
import {
  BindingExpressionSyntaxError,
  RouteTemplateError,
  parseTemplate,
  routeParameterNames,
  type BindingExpression,
} from 'kusto-functions-bindings';
import type { TriggerSpec } from '../binding';
import { httpMethods, httpRoute } from './httpTrigger';
import type { Problems } from './problems';

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** What binding expressions can refer to, for one trigger. */
export interface ExpressionScope {
  /** The trigger's kind. */
  kind: TriggerSpec['kind'];
  /** HTTP: the route's parameters (empty when the route is malformed). */
  routeParams?: Set<string>;
  /** HTTP: the route. */
  route?: string;
  /** HTTP: the methods accepted. */
  methods?: string[];
  /** Whether the trigger data can have a JSON body (not for an HTTP function that accepts only GET and HEAD). */
  hasBody: boolean;
}

/** The scope of a function's trigger; a malformed route is reported to `problems` (then no route parameters). */
export function scopeOf(
  trigger: TriggerSpec,
  functionName: string,
  problems: Problems,
  where: string,
): ExpressionScope {
  if (trigger.kind !== 'http') return { kind: trigger.kind, hasBody: true };
  const route = httpRoute(trigger, functionName);
  let routeParams = new Set<string>();
  try {
    routeParams = new Set(routeParameterNames(route));
  } catch (e) {
    if (!(e instanceof RouteTemplateError)) throw e;
    problems.add(`${where}: @HttpTrigger option 'route': ${e.message}.`);
  }
  const methods = httpMethods(trigger);
  const hasBody = methods.some((m) => !BODYLESS_METHODS.has(m));
  return { kind: 'http', routeParams, route, methods, hasBody };
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

/** Checks the binding expressions of an option's text against the scope; each problem names the option. */
export function checkTemplate(
  text: string,
  option: string,
  scope: ExpressionScope,
  prefix: string,
  problems: Problems,
): void {
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
