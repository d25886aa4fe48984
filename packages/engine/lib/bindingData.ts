/**
 * Resolution of binding expressions against one invocation's trigger data, as the Functions host resolves them:
 * `{productId}` (a route parameter, trigger metadata, or a property of the JSON body / message), `{a.b}` (a path into
 * it), `{Query.name}`, `{Headers.x-id}` (case-insensitive), the system values `{rand-guid}`, `{sys.randguid}`,
 * `{DateTime}`, `{sys.utcnow}`, `{sys.methodname}`, and `%AppSetting%` from the app settings.
 */
import { randomUUID } from 'node:crypto';
import { parseAppSettings, parseTemplate, readAppSetting, resolveQueryText } from 'kusto-functions-bindings';
import type { BindingExpression, TemplatePart, TriggerData } from 'kusto-functions-bindings';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import { DEFAULT_CONNECTION_SETTING } from './connections';

/** What a binding property is resolved for: names the binding and option in errors. */
export interface ResolutionSite {
  /** `Kusto input 'kustoInput0' of getProducts`. */
  readonly binding: string;
  /** `kqlParameters (@productId)`, `database`, … */
  readonly option: string;
}

/** One invocation's binding data: the trigger data plus the values fixed for the invocation. */
export class BindingData {
  readonly #trigger: TriggerData;
  readonly #env: NodeJS.ProcessEnv;
  #now: Date | undefined;

  constructor(trigger: TriggerData, env: NodeJS.ProcessEnv) {
    this.#trigger = trigger;
    this.#env = env;
  }

  /** Resolves a whole property (a parsed template): literals, expressions and app settings, concatenated. */
  resolve(parts: readonly TemplatePart[], site: ResolutionSite): string {
    if (parts.length === 1 && 'literal' in parts[0]) return parts[0].literal;
    let out = '';
    for (const part of parts) {
      if ('literal' in part) out += part.literal;
      else if ('expression' in part) out += this.#expression(part.expression, site);
      else out += this.#appSetting(part.appSetting, site);
    }
    return out;
  }

  /**
   * The app setting a binding's `connection` names, its `%Name%` references resolved (the host resolves app settings
   * in it, but no `{…}` expressions); {@link DEFAULT_CONNECTION_SETTING} when it names none.
   */
  connectionSetting(connection: string | undefined, binding: string): string {
    if (connection === undefined || connection === null || connection === '') return DEFAULT_CONNECTION_SETTING;
    return this.resolve(parseAppSettings(connection), { binding, option: 'connection' });
  }

  /**
   * The query of `kqlCommand`: `%Name%` references resolved, and a `{…}` binding expression refused, whether written
   * in it or brought by a setting's value, because the Kusto extension would splice its value into the KQL.
   */
  queryText(kql: string, site: ResolutionSite): string {
    const query = resolveQueryText(site.option, kql, (setting) => this.#appSetting(setting, site));
    if (query.problems.length > 0) throw new KustoConfigurationError(`${site.binding}: ${query.problems[0]}.`);
    return query.text!;
  }

  #appSetting(name: string, site: ResolutionSite): string {
    const value = readAppSetting(name, this.#env)?.value;
    if (value === undefined) {
      throw new KustoConfigurationError(
        `${site.binding}: '%${name}%' in ${site.option} names the app setting '${name}', which is not set. ` +
          `Add it to the Values of local.settings.json (or to the app settings in Azure).`,
      );
    }
    return value;
  }

  #expression(expr: BindingExpression, site: ResolutionSite): string {
    const trigger = this.#trigger;
    let value: unknown;
    let where: string;
    switch (expr.kind) {
      case 'system':
        return this.#system(expr.key);
      case 'query':
        value = lookup(trigger.query, expr.key);
        where = `the query string has no '${expr.key}'`;
        break;
      case 'header':
        value = lookup(trigger.headers, expr.key);
        where = `the request has no header '${expr.key}'`;
        break;
      default: {
        const [head, ...path] = expr.key.split('.');
        value = lookup(trigger.params, head);
        if (value === undefined) value = lookup(trigger.metadata, head);
        if (value === undefined) value = lookup(asRecord(trigger.body), head);
        for (const segment of path) value = lookup(asRecord(value), segment);
        where =
          path.length === 0
            ? `the trigger data has no route parameter, body property or metadata named '${head}'`
            : `the trigger data has no value at '${expr.key}'`;
      }
    }
    const text = toText(value);
    if (text === undefined) {
      throw new KustoBindingError(
        `${site.binding}: the binding expression '{${expr.text}}' in ${site.option} has no value: ${where}.`,
      );
    }
    return text;
  }

  #system(key: string): string {
    switch (key) {
      case 'rand-guid':
      case 'sys.randguid':
        return randomUUID();
      case 'datetime':
        // The host's legacy {DateTime}: UTC, without ':' so that it fits a blob name.
        return (this.#now ??= new Date())
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z')
          .replace(/:/g, '-');
      case 'sys.utcnow':
        // .NET's round-trip form ("o"): 7 fraction digits; one instant per invocation.
        return (this.#now ??= new Date()).toISOString().replace(/Z$/, '0000Z');
      default:
        return this.#trigger.functionName;
    }
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

// Binding data is case-insensitive in the host: an exact match first, then any case.
function lookup(record: Record<string, unknown> | undefined, key: string): unknown {
  if (record === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(record, key)) return record[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
}

/** A value as text: strings as they are, numbers and booleans as JSON writes them, objects as JSON. */
function toText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return undefined;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
    default:
      return undefined;
  }
}

const TEMPLATE_CACHE_LIMIT = 2000;
const templates = new Map<string, TemplatePart[]>();

/** Parses a binding property once; later calls with the same text reuse the parse (bounded cache). */
export function compileTemplate(text: string): readonly TemplatePart[] {
  let parts = templates.get(text);
  if (parts === undefined) {
    parts = parseTemplate(text);
    if (templates.size >= TEMPLATE_CACHE_LIMIT) templates.clear();
    templates.set(text, parts);
  }
  return parts;
}
