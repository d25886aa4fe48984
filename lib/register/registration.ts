/**
 * The registration itself: plans every decorated method, reports all problems at once, then registers. Loaded on the
 * first `registerFunctions` call, so importing the SDK costs only the decorators.
 */
import * as azureFunctions from '@azure/functions';
import type { FunctionInput, FunctionOutput } from '@azure/functions';
import { KustoConfigurationError, type KustoEngine } from 'kusto-functions-bindings';
import { hasFunctionMetadata, type ClassType } from '../metadata';
import { planClass } from './classPlanner';
import type { FunctionPlan } from './functionPlan';
import type { InvocationBindings } from './invocationBindings';
import type { FunctionTarget, FunctionsApp, RegisterOptions } from './registerOptions';
import { Problems } from './problems';
import { reportToObserver } from './observer';
import { toRegisteredFunction, type RegisteredFunction } from './registeredFunction';

/** Internal options: how Kusto bindings run (host extension or the SDK's engine). */
export interface RegisterInternals {
  /** Runs the Kusto bindings; undefined = the host's extension (host mode). */
  bindings?: InvocationBindings;
  /** Whether to declare Kusto bindings to the host (false in in-process mode). */
  declareKustoBindings?: boolean;
}

// Function names registered per app, to catch duplicates across calls.
const registeredNames = new WeakMap<object, Map<string, string>>();

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

type Handler = (trigger: unknown, context: azureFunctions.InvocationContext) => Promise<unknown>;

// The invocation code (mapping, the response rules, host bindings) loads with the first invocation: registering,
// which is what the worker does at start-up to index the app's functions, does not need it.
function lazyHandler(fn: FunctionPlan, instance: object, bindings: InvocationBindings | undefined): Handler {
  if (typeof (instance as Record<string, unknown>)[fn.methodName] !== 'function') {
    throw new TypeError(`${fn.className}.${fn.methodName} is not a method of the registered object.`);
  }
  let handler: Handler | undefined;
  return (trigger, context) => {
    if (!handler) {
      /* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy load, see above */
      const { createHandler } = require('./handler') as typeof import('./handler');
      const { hostBindings } = require('./invocationBindings') as typeof import('./invocationBindings');
      /* eslint-enable @typescript-eslint/no-require-imports */
      handler = createHandler(fn, instance, bindings ?? hostBindings);
    }
    return handler(trigger, context);
  };
}

function register(app: FunctionsApp, fn: FunctionPlan, instance: object, internals: RegisterInternals): void {
  const handler = lazyHandler(fn, instance, internals.bindings);
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

type TerminateHook = (handler: () => Promise<void>) => unknown;

/** The part of kusto-functions-engine in-process mode uses, typed here so the SDK's types never import the engine. */
interface EngineModule {
  createKustoEngine(): KustoEngine;
}

const ENGINE_PACKAGE = 'kusto-functions-engine';

// The engine is an optional peer: only in-process mode needs it, so a missing one is reported when that mode starts.
function loadEngineModule(): EngineModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
    return require(ENGINE_PACKAGE) as EngineModule;
  } catch (cause) {
    if (
      (cause as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
      String((cause as Error).message).includes(`'${ENGINE_PACKAGE}'`)
    ) {
      throw new KustoConfigurationError(
        `registerFunctions: bindings: 'in-process' runs Kusto bindings with ${ENGINE_PACKAGE}, which is not installed: run npm install ${ENGINE_PACKAGE}.`,
        { cause },
      );
    }
    throw cause;
  }
}

// The engine in-process mode made for an app, shared by every registerFunctions call into that app.
const defaultEngines = new WeakMap<object, KustoEngine>();

// In-process mode's bindings, loaded only then: host mode never loads the engine.
function inProcessInternals(options: RegisterOptions, app: FunctionsApp): RegisterInternals {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
  const { inProcessBindings } = require('./inProcessBindings') as typeof import('./inProcessBindings');
  let engine = options.engine ?? defaultEngines.get(app);
  if (engine === undefined) {
    const owned = loadEngineModule().createKustoEngine();
    const hook = (app as { hook?: { appTerminate?: TerminateHook } }).hook ?? azureFunctions.app.hook;
    hook.appTerminate?.(() => owned.close());
    defaultEngines.set(app, owned);
    engine = owned;
  }
  return { bindings: inProcessBindings(engine), declareKustoBindings: false };
}

/** Shared by the public overloads and the in-process mode. */
export function registerWith(
  options: RegisterOptions,
  targets: FunctionTarget[],
  internals: RegisterInternals = {},
): RegisteredFunction[] {
  const app = options.app ?? azureFunctions.app;
  const mode = options.bindings ?? 'host';
  if (mode !== 'host' && mode !== 'in-process') {
    throw new KustoConfigurationError(`registerFunctions: bindings is '${String(mode)}'; use 'host' or 'in-process'.`);
  }
  if (options.engine !== undefined && mode !== 'in-process') {
    throw new KustoConfigurationError(`registerFunctions: an engine is used only with bindings: 'in-process'.`);
  }
  const problems = new Problems();
  const planned: { fn: FunctionPlan; instance: object }[] = [];
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
    for (const fn of planClass(ctor, problems, mode === 'host')) {
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
  const run = mode === 'in-process' && internals.bindings === undefined ? inProcessInternals(options, app) : internals;
  for (const { fn, instance } of planned) register(app, fn, instance, run);
  registeredNames.set(app, seen);
  // Only bindings the host runs are checked against a schema by `kusto-functions check`.
  if (run.declareKustoBindings ?? true) reportToObserver(planned.map((p) => p.fn));
  return planned.map((p) => toRegisteredFunction(p.fn));
}
