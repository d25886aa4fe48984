/** An HTTP trigger's route and methods as @azure/functions applies them, its defaults filled in. */
import type { TriggerSpec } from '../binding';

type HttpTriggerSpec = Extract<TriggerSpec, { kind: 'http' }>;

/** The route: the trigger's own, else the function's name. */
export function httpRoute(trigger: HttpTriggerSpec, functionName: string): string {
  return trigger.options.route ?? functionName;
}

/** The methods, upper case: the trigger's own, else GET and POST. */
export function httpMethods(trigger: HttpTriggerSpec): string[] {
  return (trigger.options.methods ?? ['GET', 'POST']).map((m) => String(m).toUpperCase());
}
