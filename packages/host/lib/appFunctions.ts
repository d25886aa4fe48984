/**
 * The functions of a loaded app, as the host sees them: each one's trigger, its HTTP route, and the Kusto bindings
 * the host runs for it (read from the metadata @azure/functions registered, as the Functions host reads
 * function.json).
 */
import { parseTemplate, type KustoInputBinding, type KustoOutputBinding } from 'kusto-functions-bindings';
import { parseRouteTemplate, satisfiesConstraints, type RouteSegment } from 'kusto-functions-bindings';
import { DEFAULT_CONNECTION_SETTING, resolveConnection } from 'kusto-functions-engine';
import type { RegisteredFunction, RpcBindingInfo } from './worker';
import { HostStartError } from './errors';

/** Every HTTP method the host serves when a function lists none. */
export const ALL_HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** An HTTP-triggered function's route. */
export interface HttpRoute {
  /** The route template (without the prefix), e.g. `getproducts/{productId}`. */
  readonly template: string;
  /** The parsed template. */
  readonly segments: readonly RouteSegment[];
  /** Allowed methods, upper case; undefined when the function accepts every method. */
  readonly methods?: readonly string[];
}

/** A function of the app with what the host needs to invoke it. */
export interface HostFunction {
  /** Function name. */
  readonly name: string;
  /** The registration the worker captured. */
  readonly registered: RegisteredFunction;
  /** Name of the trigger binding. */
  readonly triggerName: string;
  /** The trigger binding (type such as `httpTrigger`, `timerTrigger`, `queueTrigger`). */
  readonly trigger: RpcBindingInfo;
  /** Kusto input bindings, run before the call. */
  readonly kustoInputs: readonly KustoInputBinding[];
  /** Kusto output bindings (including a `$return` one), run after the call. */
  readonly kustoOutputs: readonly KustoOutputBinding[];
  /** The route, for HTTP triggers. */
  readonly http?: HttpRoute;
}

function withoutHostFields(name: string, binding: RpcBindingInfo): Record<string, unknown> {
  // `direction` is the host's, `properties` is @azure/functions' own flag object: neither is a Kusto option.
  const { direction: _direction, properties: _properties, ...rest } = binding;
  return { ...rest, name: typeof rest.name === 'string' ? rest.name : name };
}

/** Describes a registered function for the host; a route that does not parse is an error naming the function. */
export function describeFunction(registered: RegisteredFunction): HostFunction {
  const { metadata } = registered;
  const entries = Object.entries(metadata.bindings);
  const triggerEntry = entries.find(([, b]) => /trigger$/i.test(String(b.type)));
  if (!triggerEntry) throw new HostStartError(`Function '${metadata.name}' has no trigger binding.`);
  const [triggerName, trigger] = triggerEntry;
  const kustoInputs: KustoInputBinding[] = [];
  const kustoOutputs: KustoOutputBinding[] = [];
  for (const [name, binding] of entries) {
    if (String(binding.type).toLowerCase() !== 'kusto') continue;
    if (binding.direction === 'in') kustoInputs.push(withoutHostFields(name, binding) as unknown as KustoInputBinding);
    else if (binding.direction === 'out') {
      kustoOutputs.push(withoutHostFields(name, binding) as unknown as KustoOutputBinding);
    }
  }
  let http: HttpRoute | undefined;
  if (String(trigger.type).toLowerCase() === 'httptrigger') {
    const template = typeof trigger.route === 'string' && trigger.route !== '' ? trigger.route : metadata.name;
    let segments: RouteSegment[];
    try {
      segments = parseRouteTemplate(template);
      // Unknown constraints fail here, at start, rather than on the first request.
      for (const part of segments.flat()) if (typeof part !== 'string') satisfiesConstraints('0', part.constraints);
    } catch (cause) {
      throw new HostStartError(`Function '${metadata.name}': ${(cause as Error).message}.`, { cause });
    }
    const methods = Array.isArray(trigger.methods) && trigger.methods.length > 0 ? trigger.methods : undefined;
    http = { template, segments, methods: methods?.map((m) => String(m).toUpperCase()) };
  }
  return { name: metadata.name, registered, triggerName, trigger, kustoInputs, kustoOutputs, http };
}

/**
 * The app settings the Kusto bindings name (`connection`), each with the databases bound through it; databases
 * written as `%Setting%` are read from `env`, and those with `{…}` expressions (known only per invocation) are left out.
 */
export function kustoConnections(functions: Iterable<HostFunction>, env: NodeJS.ProcessEnv): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const fn of functions) {
    for (const binding of [...fn.kustoInputs, ...fn.kustoOutputs]) {
      const setting = binding.connection || DEFAULT_CONNECTION_SETTING;
      const databases = result.get(setting) ?? [];
      result.set(setting, databases);
      const database = String(binding.database ?? '').replace(/%([^%]+)%/g, (_, name: string) => env[name] ?? '');
      if (database !== '' && !database.includes('{') && !databases.includes(database)) databases.push(database);
    }
  }
  return result;
}

/** An app setting a `%Name%` expression in a Kusto binding names, which is not set. */
export interface MissingSetting {
  /** The function. */
  functionName: string;
  /** The binding. */
  binding: string;
  /** The binding property holding the expression. */
  property: string;
  /** The app setting. */
  setting: string;
}

/**
 * The `%Name%` app settings the Kusto bindings' properties name that `env` does not set (the host resolves them at
 * start, and a function naming a missing one fails every invocation).
 */
export function missingBindingSettings(functions: Iterable<HostFunction>, env: NodeJS.ProcessEnv): MissingSetting[] {
  const missing: MissingSetting[] = [];
  for (const fn of functions) {
    for (const binding of [...fn.kustoInputs, ...fn.kustoOutputs]) {
      for (const [property, value] of Object.entries(binding)) {
        if (property === 'connection' || property === 'kqlCommand' || typeof value !== 'string') continue;
        // No identity signs in to the loopback emulator: the engine ignores an identity it cannot resolve there.
        if (property === 'managedServiceIdentity' && isLoopback(binding.connection, env)) continue;
        for (const setting of appSettingsOf(value)) {
          if (env[setting] === undefined)
            missing.push({ functionName: fn.name, binding: binding.name, property, setting });
        }
      }
    }
  }
  return missing;
}

function appSettingsOf(text: string): string[] {
  try {
    return parseTemplate(text).flatMap((part) => ('appSetting' in part ? [part.appSetting] : []));
  } catch {
    return []; // registration reports malformed templates
  }
}

function isLoopback(setting: string, env: NodeJS.ProcessEnv): boolean {
  try {
    return resolveConnection(setting || DEFAULT_CONNECTION_SETTING, { env }).loopback;
  } catch {
    return false;
  }
}
