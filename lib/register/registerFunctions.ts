/**
 * `registerFunctions`: reads the decorators of handler classes and registers each decorated method as a
 * function of the Azure Functions Node.js v4 programming model, with its Kusto bindings as `type: 'kusto'`
 * generic bindings that the host's Kusto extension runs.
 */
import type { RegisteredFunction } from './registeredFunction';
import type { FunctionTarget, RegisterOptions } from './registerOptions';

export type { FunctionTarget, FunctionsApp, RegisterOptions } from './registerOptions';

function isOptions(value: unknown): value is RegisterOptions {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

// The planners and the registration load on the first call: importing the SDK must cost little more than the
// decorators (an app pays it at every cold start).
function registration(): typeof import('./registration') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
  return require('./registration') as typeof import('./registration');
}

/**
 * Registers every decorated method of the given handler classes (or instances) as an Azure Function.
 * Everything is checked first: any problem throws a {@link KustoConfigurationError} naming the class, the
 * method and the option at fault, and nothing is registered.
 *
 * @returns a summary of each registered function: its name, handler, trigger, route and Kusto bindings.
 *
 * @example
 * ```ts
 * registerFunctions(ProductFunctions);
 * // or, to register into another `app` (tests):
 * registerFunctions({ app: myApp }, ProductFunctions);
 * // or, to run the Kusto bindings in the worker (no Kusto extension in the host):
 * registerFunctions({ bindings: 'in-process' }, ProductFunctions);
 * ```
 */
export function registerFunctions(...targets: FunctionTarget[]): RegisteredFunction[];
/** Registers into the given `app`. */
export function registerFunctions(options: RegisterOptions, ...targets: FunctionTarget[]): RegisteredFunction[];
export function registerFunctions(...args: unknown[]): RegisteredFunction[] {
  const [first, ...rest] = args;
  if (isOptions(first)) return registration().registerWith(first, rest as FunctionTarget[]);
  return registration().registerWith({}, args as FunctionTarget[]);
}
