/**
 * HTTP route templates as the Functions host reads them (ASP.NET routing syntax): `products/{id:int}`,
 * `items/{name?}`, `files/{*path}`. Registration checks route parameters with it; the local host matches with it.
 */

/** A route parameter. */
export interface RouteParameter {
  /** Parameter name. */
  name: string;
  /** Constraints such as `int`, `alpha`, `length(3)`, `regex(^a)` in order. */
  constraints: string[];
  /** `{name?}`: the segment may be missing. */
  optional: boolean;
  /** `{*rest}`: takes the rest of the path, slashes included. */
  catchAll: boolean;
  /** `{name=value}`: value used when the segment is missing. */
  defaultValue?: string;
}

/** One path segment: literal text and parameters, for example `file.{ext}` is two parts. */
export type RouteSegment = (string | RouteParameter)[];

/** Thrown for a route template that does not parse. */
export class RouteTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteTemplateError';
  }
}

function parseParameter(text: string, route: string): RouteParameter {
  // Inside a parameter, {{ and }} stand for { and } (ASP.NET routing), as in regex(^\\d{{5}}$).
  let body = text.replace(/\}\}/g, '}').replace(/\{\{/g, '{');
  let catchAll = false;
  if (body.startsWith('*')) {
    catchAll = true;
    body = body.slice(body.startsWith('**') ? 2 : 1);
  }
  let defaultValue: string | undefined;
  const eq = body.indexOf('=');
  if (eq >= 0) {
    defaultValue = body.slice(eq + 1);
    body = body.slice(0, eq);
  }
  let optional = false;
  if (body.endsWith('?')) {
    optional = true;
    body = body.slice(0, -1);
  }
  // Constraints are separated by ':' outside parentheses (regex(...) may contain ':').
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === ':' && depth === 0) {
      pieces.push(body.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(body.slice(start));
  const name = pieces[0].trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new RouteTemplateError(`route '${route}' has an invalid parameter '{${text}}'`);
  }
  const constraints = pieces.slice(1);
  for (const constraint of constraints) {
    if (!constraintCheck(constraint)) {
      throw new RouteTemplateError(
        `route '${route}' has an unknown constraint '${constraint}' on '{${name}}' (known: ${Object.keys(CONSTRAINTS).join(', ')})`,
      );
    }
  }
  return { name, constraints, optional, catchAll, defaultValue };
}

/** Parses a route template into segments. A leading `/` is ignored. */
export function parseRouteTemplate(route: string): RouteSegment[] {
  const trimmed = route.replace(/^\/+/, '');
  if (trimmed === '') return [];
  const names = new Set<string>();
  const texts = trimmed.split('/');
  const segments = texts.map((segment, index) => {
    if (segment === '' && index < texts.length - 1) {
      throw new RouteTemplateError(`route '${route}' has an empty segment ('//')`);
    }
    const parts: RouteSegment = [];
    let i = 0;
    while (i < segment.length) {
      const open = segment.indexOf('{', i);
      if (open < 0) {
        parts.push(segment.slice(i));
        break;
      }
      if (open > i) parts.push(segment.slice(i, open));
      let depth = 0;
      let close = -1;
      for (let j = open; j < segment.length; j++) {
        if (segment[j] === '{') depth++;
        else if (segment[j] === '}' && --depth === 0) {
          close = j;
          break;
        }
      }
      if (close < 0) throw new RouteTemplateError(`route '${route}' has a '{' that is not closed`);
      const parameter = parseParameter(segment.slice(open + 1, close), route);
      if (names.has(parameter.name.toLowerCase())) {
        throw new RouteTemplateError(`route '${route}' uses the parameter name '${parameter.name}' twice`);
      }
      names.add(parameter.name.toLowerCase());
      parts.push(parameter);
      i = close + 1;
    }
    return parts;
  });
  segments.forEach((segment, index) => {
    const catchAll = segment.find((p): p is RouteParameter => typeof p !== 'string' && p.catchAll);
    if (catchAll && (index < segments.length - 1 || segment.length > 1)) {
      throw new RouteTemplateError(`route '${route}' has the catch-all parameter '${catchAll.name}' before its end`);
    }
  });
  return segments;
}

/** The parameter names of a route template. */
export function routeParameterNames(route: string): string[] {
  const names: string[] = [];
  for (const segment of parseRouteTemplate(route)) {
    for (const part of segment) if (typeof part !== 'string') names.push(part.name);
  }
  return names;
}

const CONSTRAINTS: Record<string, (value: string, args: string[]) => boolean> = {
  int: (v) => /^-?\d+$/.test(v) && Number(v) >= -2147483648 && Number(v) <= 2147483647,
  long: (v) => /^-?\d+$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n,
  bool: (v) => /^(true|false)$/i.test(v),
  guid: (v) => /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(v),
  alpha: (v) => /^[A-Za-z]+$/.test(v),
  double: (v) => v.trim() !== '' && !isNaN(Number(v)),
  float: (v) => v.trim() !== '' && !isNaN(Number(v)),
  decimal: (v) => v.trim() !== '' && !isNaN(Number(v)),
  datetime: (v) => !isNaN(Date.parse(v)),
  minlength: (v, [n]) => v.length >= Number(n),
  maxlength: (v, [n]) => v.length <= Number(n),
  length: (v, [a, b]) => (b === undefined ? v.length === Number(a) : v.length >= Number(a) && v.length <= Number(b)),
  min: (v, [n]) => /^-?\d+$/.test(v) && Number(v) >= Number(n),
  max: (v, [n]) => /^-?\d+$/.test(v) && Number(v) <= Number(n),
  range: (v, [a, b]) => /^-?\d+$/.test(v) && Number(v) >= Number(a) && Number(v) <= Number(b),
  regex: (v, [pattern]) => new RegExp(pattern, 'i').test(v),
};

// The check of one constraint such as `length(2,4)`, or undefined when the constraint is unknown.
function constraintCheck(constraint: string): ((value: string) => boolean) | undefined {
  const m = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(constraint);
  const check = m ? CONSTRAINTS[m[1].toLowerCase()] : undefined;
  if (!m || !check) return undefined;
  const args = m[1].toLowerCase() === 'regex' ? [m[2] ?? ''] : (m[2] ?? '').split(',').map((s) => s.trim());
  return (value) => check(value, args);
}

/** Whether a value satisfies a parameter's constraints; an unknown constraint name is an error. */
export function satisfiesConstraints(value: string, constraints: readonly string[]): boolean {
  for (const constraint of constraints) {
    const check = constraintCheck(constraint);
    if (!check) throw new RouteTemplateError(`unknown route constraint '${constraint}'`);
    if (!check(value)) return false;
  }
  return true;
}

// A malformed %-escape stays as it is, as ASP.NET leaves it, rather than failing the request.
function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// A segment's regular expression, built once per parsed route (matching runs per request).
const patterns = new WeakMap<RouteSegment, { pattern: RegExp; names: RouteParameter[] }>();

function segmentPattern(segment: RouteSegment): { pattern: RegExp; names: RouteParameter[] } {
  let compiled = patterns.get(segment);
  if (!compiled) {
    const names: RouteParameter[] = [];
    const source = segment
      .map((p) => {
        if (typeof p === 'string') return escapeRegExp(p);
        names.push(p);
        return '(.+)';
      })
      .join('');
    compiled = { pattern: new RegExp(`^${source}$`, 'i'), names };
    patterns.set(segment, compiled);
  }
  return compiled;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches a request path (without the route prefix and query, not URL-decoded) against a parsed route;
 * returns the decoded route parameters, or undefined when it does not match. Literals compare case-insensitively,
 * as ASP.NET routing does.
 */
export function matchRoute(segments: readonly RouteSegment[], path: string): Record<string, string> | undefined {
  const parts = path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((p, i, all) => !(p === '' && all.length === 1));
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const catchAll = segment.find((p): p is RouteParameter => typeof p !== 'string' && p.catchAll);
    if (catchAll) {
      const rest = parts.slice(i).join('/');
      params[catchAll.name] = decodeSegment(rest || (catchAll.defaultValue ?? ''));
      if (rest !== '' && !satisfiesConstraints(params[catchAll.name], catchAll.constraints)) return undefined;
      if (rest === '' && catchAll.defaultValue === undefined) delete params[catchAll.name];
      return params;
    }
    const part = parts[i];
    if (part === undefined) {
      // Missing trailing segments match only when every remaining one is a lone optional or defaulted parameter.
      for (const rest of segments.slice(i)) {
        const only = rest.length === 1 && typeof rest[0] !== 'string' ? rest[0] : undefined;
        if (!only || (!only.optional && only.defaultValue === undefined)) return undefined;
        if (only.defaultValue !== undefined) params[only.name] = only.defaultValue;
      }
      return params;
    }
    const { pattern, names } = segmentPattern(segment);
    const m = pattern.exec(part);
    if (!m) return undefined;
    for (let j = 0; j < names.length; j++) {
      const value = decodeSegment(m[j + 1]);
      if (!satisfiesConstraints(value, names[j].constraints)) return undefined;
      params[names[j].name] = value;
    }
  }
  return parts.length > segments.length ? undefined : params;
}

/** Builds a path from a route and parameter values (for tests and printed URLs). */
export function expandRoute(segments: readonly RouteSegment[], params: Record<string, string>): string {
  const out: string[] = [];
  for (const segment of segments) {
    let text = '';
    for (const part of segment) {
      if (typeof part === 'string') text += part;
      else {
        const value = params[part.name] ?? part.defaultValue;
        if (value === undefined) {
          if (part.optional || part.catchAll) continue;
          throw new RouteTemplateError(`no value for the route parameter '${part.name}'`);
        }
        text += part.catchAll ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
      }
    }
    if (text !== '') out.push(text);
  }
  return out.join('/');
}
