/** What `registerFunctions` returns: a summary of each function it registered, for logs and tests. */
import type { FunctionPlan } from './functionPlan';
import { httpMethods, httpRoute } from './httpTrigger';

/** A function `registerFunctions` registered. */
export interface RegisteredFunction {
  /** The function's name, unique within the app. */
  readonly name: string;
  /** The handler method, as `ClassName.methodName`. */
  readonly handler: string;
  /** What triggers it: the @azure/functions registration used (`app.http`, `app.timer`, …, `app.generic`). */
  readonly trigger: 'http' | 'timer' | 'storageQueue' | 'serviceBusQueue' | 'serviceBusTopic' | 'eventHub' | 'generic';
  /** For an HTTP trigger, its route: the trigger's `route`, else the function's name. */
  readonly route?: string;
  /** For an HTTP trigger, the methods it accepts: the trigger's `methods`, else GET and POST. */
  readonly methods?: readonly string[];
  /** The names of its Kusto input bindings, in parameter order. */
  readonly kustoInputs: readonly string[];
  /** The names of its Kusto output bindings: the parameters' in order, then the method's. */
  readonly kustoOutputs: readonly string[];
}

/** The summary of a planned function. */
export function toRegisteredFunction(plan: FunctionPlan): RegisteredFunction {
  const { trigger, functionName } = plan;
  return {
    name: functionName,
    handler: `${plan.className}.${plan.methodName}`,
    trigger: trigger.kind,
    ...(trigger.kind === 'http' ? { route: httpRoute(trigger, functionName), methods: httpMethods(trigger) } : {}),
    kustoInputs: plan.inputs.map((b) => b.name),
    kustoOutputs: plan.outputs.map((b) => b.name),
  };
}
