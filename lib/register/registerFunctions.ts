/**
 * `registerFunctions`: reads the decorators of handler classes and registers each decorated method as a
 * function of the Azure Functions Node.js v4 programming model, with its Kusto bindings as `type: 'kusto'`
 * generic bindings that the host's Kusto extension runs.
 */
import * as azureFunctions from '@azure/functions';
import type { FunctionInput, FunctionOutput } from '@azure/functions';
import { KustoConfigurationError } from '../errors';
import { hasFunctionMetadata, type ClassType } from '../metadata';
import type { FunctionDescription } from './description';
import { Problems, describeClass } from './describe';
import { createHandler } from './handler';
import { hostBindings, type InvocationBindings } from './invocationBindings';

/** The part of @azure/functions' `app` that registration uses; pass your own in tests. */
export type FunctionsApp = Pick<
  typeof azureFunctions.app,
  'http' | 'timer' | 'storageQueue' | 'serviceBusQueue' | 'serviceBusTopic' | 'eventHub' | 'generic'
>;

/** A handler class (instantiated once with `new`, so it needs a constructor without arguments) or an instance. */
export type FunctionTarget = ClassType | object;

/** Options of {@link registerFunctions}. */
export interface RegisterOptions {
  /** Where to register: @azure/functions' `app` unless given. */
  app?: FunctionsApp;
}

/** Internal options: how Kusto bindings run (host extension or the SDK's engine). */
export interface RegisterInternals {
  /** Runs the Kusto bindings; undefined = the host's extension (host mode). */
  bindings?: InvocationBindings;
  /** Whether to declare Kusto bindings to the host (false in in-process mode). */
  declareKustoBindings?: boolean;
}

// Function names registered per app, to catch duplicates across calls.
const registeredNames = new WeakMap<object, Map<string, string>>();

function isOptions(value: unknown): value is RegisterOptions {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function instantiate(target: FunctionTarget): { ctor: ClassType; instance: object } {
  if (typeof target === 'function') {
    const ctor = target as ClassType;
    try {
      return { ctor, instance: new ctor() as object };
    } catch (cause) {
      throw new KustoConfigurationError(
        `registerFunctions could not create ${ctor.name} with 'new ${ctor.name}()': pass an instance instead if its constructor needs arguments.`,
        { cause },
      );
    }
  }
  if (typeof target !== 'object' || target === null) {
    throw new KustoConfigurationError(
      `registerFunctions takes handler classes or instances, not ${target === null ? 'null' : typeof target}.`,
    );
  }
  return { ctor: target.constructor as ClassType, instance: target };
}

function report(problems: Problems): never {
  const [first, ...rest] = problems.list;
  throw new KustoConfigurationError(
    rest.length === 0
      ? first
      : `registerFunctions found ${problems.list.length} problems:\n- ${problems.list.join('\n- ')}`,
  );
}

function register(app: FunctionsApp, fn: FunctionDescription, instance: object, internals: RegisterInternals): void {
  const handler = createHandler(fn, instance, internals.bindings ?? hostBindings);
  const declare = internals.declareKustoBindings ?? true;
  // Copies: @azure/functions adds names to the objects it is given.
  const extraInputs: FunctionInput[] = declare ? fn.inputs.map((b) => azureFunctions.input.generic({ ...b })) : [];
  const extraOutputs: FunctionOutput[] = declare ? fn.outputs.map((b) => azureFunctions.output.generic({ ...b })) : [];
  const common = { handler, extraInputs, extraOutputs };
  const trigger = fn.trigger;
  switch (trigger.kind) {
    case 'http': {
      const { name: _name, successStatus: _status, ...options } = trigger.options;
      app.http(fn.functionName, { ...options, ...common, handler: handler as azureFunctions.HttpHandler });
      break;
    }
    case 'timer': {
      const { name: _name, ...options } = trigger.options;
      app.timer(fn.functionName, { ...options, ...common });
      break;
    }
    case 'storageQueue': {
      const { name: _name, ...options } = trigger.options;
      app.storageQueue(fn.functionName, { ...options, ...common });
      break;
    }
    case 'serviceBusQueue': {
      const { name: _name, ...options } = trigger.options;
      app.serviceBusQueue(fn.functionName, { ...options, ...common });
      break;
    }
    case 'serviceBusTopic': {
      const { name: _name, ...options } = trigger.options;
      app.serviceBusTopic(fn.functionName, { ...options, ...common });
      break;
    }
    case 'eventHub': {
      const { name: _name, ...options } = trigger.options;
      app.eventHub(fn.functionName, { ...options, ...common });
      break;
    }
    case 'generic':
      app.generic(fn.functionName, { trigger: { ...trigger.trigger }, retry: trigger.options.retry, ...common });
      break;
  }
}

/** Shared by the public overloads and the in-process mode. */
export function registerWith(
  options: RegisterOptions,
  targets: FunctionTarget[],
  internals: RegisterInternals = {},
): FunctionDescription[] {
  const app = options.app ?? azureFunctions.app;
  const problems = new Problems();
  const planned: { fn: FunctionDescription; instance: object }[] = [];
  const names = registeredNames.get(app) ?? new Map<string, string>();
  const seen = new Map(names);
  if (targets.length === 0) problems.add('registerFunctions was given no handler classes.');
  for (const target of targets) {
    const { ctor, instance } = instantiate(target);
    if (!hasFunctionMetadata(ctor)) {
      problems.add(
        `${ctor.name || 'The given class'} has no decorated methods: add a trigger decorator such as @HttpTrigger to a method.`,
      );
      continue;
    }
    for (const fn of describeClass(ctor, problems)) {
      const key = fn.functionName.toLowerCase();
      const previous = seen.get(key);
      if (previous) {
        problems.add(
          `${fn.className}.${fn.methodName}: the function name '${fn.functionName}' is already used by ${previous}; set a different 'name' in its trigger options.`,
        );
        continue;
      }
      seen.set(key, `${fn.className}.${fn.methodName}`);
      planned.push({ fn, instance });
    }
  }
  // Nothing is registered unless everything checks out.
  if (problems.list.length > 0) report(problems);
  for (const { fn, instance } of planned) register(app, fn, instance, internals);
  registeredNames.set(app, seen);
  return planned.map((p) => p.fn);
}

/**
 * Registers every decorated method of the given handler classes (or instances) as an Azure Function.
 * Everything is checked first: any problem throws a {@link KustoConfigurationError} naming the class, the
 * method and the option at fault, and nothing is registered.
 *
 * @returns the registered functions' descriptions.
 *
 * @example
 * ```ts
 * registerFunctions(ProductFunctions);
 * // or, to register into another `app` (tests):
 * registerFunctions({ app: myApp }, ProductFunctions);
 * ```
 */
export function registerFunctions(...targets: FunctionTarget[]): FunctionDescription[];
/** Registers into the given `app`. */
export function registerFunctions(options: RegisterOptions, ...targets: FunctionTarget[]): FunctionDescription[];
export function registerFunctions(...args: unknown[]): FunctionDescription[] {
  const [first, ...rest] = args;
  if (isOptions(first)) return registerWith(first, rest as FunctionTarget[]);
  return registerWith({}, args as FunctionTarget[]);
}
