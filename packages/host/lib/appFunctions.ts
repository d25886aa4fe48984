/**
 * The functions of a loaded app, as the host sees them: each one's trigger, its HTTP route, and the Kusto bindings
 * the host runs for it (read from the metadata @azure/functions registered, as the Functions host reads
 * function.json).
 */
import {
  parseAppSettings,
  readAppSetting,
  type KustoInputBinding,
  type KustoOutputBinding,
} from 'kusto-functions-bindings';
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

/** How the Kusto bindings use one connection setting. */
export interface KustoConnectionUse {
  /** The databases bound through it that are known at start: fixed ones, and `%Setting%` ones whose setting is set. */
  readonly databases: string[];
  /** The bindings that read it, as `'<binding>' of <function>`. */
  readonly bindings: string[];
  /** Databases that cannot be known because the `%Setting%` they name is not set. */
  readonly unknownDatabases: MissingSetting[];
}

/**
 * The app settings the Kusto bindings connect through, each with its use. `connection` and `database` are read with
 * their `%Setting%` references resolved from `env`; a binding whose `connection` names an unset setting is left out
 * ({@link missingBindingSettings} reports it), and databases with `{…}` expressions (known only per invocation) too.
 */
export function kustoConnections(
  functions: Iterable<HostFunction>,
  env: NodeJS.ProcessEnv,
): Map<string, KustoConnectionUse> {
  const result = new Map<string, KustoConnectionUse>();
  for (const fn of functions) {
    for (const binding of [...fn.kustoInputs, ...fn.kustoOutputs]) {
      const setting = connectionSettingOf(binding.connection, env);
      if (setting === undefined) continue;
      const use = result.get(setting) ?? { databases: [], bindings: [], unknownDatabases: [] };
      result.set(setting, use);
      use.bindings.push(`'${binding.name}' of ${fn.name}`);
      const text = String(binding.database ?? '');
      const unset = unsetSettings(text, env);
      if (unset.length > 0) {
        const where = { functionName: fn.name, binding: binding.name, property: 'database' };
        use.unknownDatabases.push(...unset.map((setting) => ({ ...where, setting })));
        continue;
      }
      const database = resolveAppSettings(text, env);
      if (database !== '' && !database.includes('{') && !use.databases.includes(database)) use.databases.push(database);
    }
  }
  return result;
}

/**
 * The `%Name%` app settings the Kusto bindings' properties name that `env` does not set (the host resolves them at
 * start, and a function naming a missing one fails every invocation), `connection` and `kqlCommand` included.
 */
export function missingBindingSettings(functions: Iterable<HostFunction>, env: NodeJS.ProcessEnv): MissingSetting[] {
  const missing: MissingSetting[] = [];
  for (const fn of functions) {
    for (const binding of [...fn.kustoInputs, ...fn.kustoOutputs]) {
      for (const [property, value] of Object.entries(binding)) {
        if (typeof value !== 'string') continue;
        // No identity signs in to the loopback emulator: the engine ignores an identity it cannot resolve there.
        if (property === 'managedServiceIdentity' && isLoopback(binding.connection, env)) continue;
        for (const setting of unsetSettings(value, env)) {
          missing.push({ functionName: fn.name, binding: binding.name, property, setting });
        }
      }
    }
  }
  return missing;
}

/** `Function 'f': the app setting 'S' (named by database of its Kusto binding 'b') is not set`, for messages. */
export function describeMissingSetting(m: MissingSetting): string {
  return `Function '${m.functionName}': the app setting '${m.setting}' (named by ${m.property} of its Kusto binding '${m.binding}') is not set`;
}

// Only %…% is read: braces are expressions in most properties but KQL's own in kqlCommand.
function unsetSettings(text: string, env: NodeJS.ProcessEnv): string[] {
  return parseAppSettings(text).flatMap((part) =>
    'appSetting' in part && readAppSetting(part.appSetting, env) === undefined ? [part.appSetting] : [],
  );
}

function resolveAppSettings(text: string, env: NodeJS.ProcessEnv): string {
  return parseAppSettings(text)
    .map((part) =>
      'appSetting' in part
        ? (readAppSetting(part.appSetting, env)?.value ?? '')
        : 'literal' in part
          ? part.literal
          : '',
    )
    .join('');
}

/** The setting a binding's `connection` names, `%Setting%` resolved; undefined when that setting is not set. */
function connectionSettingOf(connection: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (!connection) return DEFAULT_CONNECTION_SETTING;
  return unsetSettings(connection, env).length > 0 ? undefined : resolveAppSettings(connection, env).trim();
}

function isLoopback(connection: string | undefined, env: NodeJS.ProcessEnv): boolean {
  const setting = connectionSettingOf(connection, env);
  if (setting === undefined) return false;
  try {
    return resolveConnection(setting, { env }).loopback;
  } catch {
    return false;
  }
}

/**
 * The functions `--functions` names (case-insensitive, as function names are), in registration order; all of them
 * when `names` is undefined.
 *
 * @throws HostStartError naming the unknown names and listing the app's functions.
 */
export function selectFunctions(
  functions: readonly HostFunction[],
  names: readonly string[] | undefined,
): HostFunction[] {
  if (names === undefined) return [...functions];
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const unknown = names.filter((name) => !functions.some((fn) => fn.name.toLowerCase() === name.toLowerCase()));
  if (unknown.length > 0) {
    const known = functions.length > 0 ? functions.map((fn) => fn.name).join(', ') : '(none)';
    throw new HostStartError(
      `--functions: the app has no function named ${unknown.map((name) => `'${name}'`).join(', ')}. Its functions: ${known}.`,
    );
  }
  return functions.filter((fn) => wanted.has(fn.name.toLowerCase()));
}
