/**
 * Which HTTP-triggered function a request goes to. Routes are tried in ASP.NET routing's precedence order (the
 * Functions host's router): segment by segment, literals before constrained parameters before plain parameters
 * before optional ones, catch-alls last; among equals, longer routes first. A path some route matches with a method
 * none of those routes allows is a 405 listing the allowed methods.
 */
import { matchRoute, type RouteSegment } from 'kusto-functions-bindings';
import { ALL_HTTP_METHODS, type HostFunction } from './appFunctions';

/** The outcome of routing a request. */
export type RouteResult =
  | { kind: 'match'; fn: HostFunction; params: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

function segmentRank(segment: RouteSegment): number {
  if (segment.every((p) => typeof p === 'string')) return 0;
  const params = segment.filter((p) => typeof p !== 'string');
  if (params.some((p) => p.catchAll)) return 4;
  if (params.some((p) => p.optional || p.defaultValue !== undefined)) return 3;
  // A segment mixing text and parameters (`file.{ext}`) is more specific than a bare parameter.
  if (segment.some((p) => typeof p === 'string') || params.some((p) => p.constraints.length > 0)) return 1;
  return 2;
}

function compareRoutes(a: readonly RouteSegment[], b: readonly RouteSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = segmentRank(a[i]) - segmentRank(b[i]);
    if (diff !== 0) return diff;
  }
  return b.length - a.length;
}

/** Routes requests (paths after the route prefix) to the app's HTTP functions. */
export class HttpRouter {
  readonly #routes: HostFunction[];

  constructor(functions: Iterable<HostFunction>) {
    this.#routes = [...functions]
      .filter((fn) => fn.http !== undefined)
      .sort((a, b) => compareRoutes(a.http!.segments, b.http!.segments));
  }

  /** Routes a method and path (without the prefix and query string, still URL-encoded). */
  route(method: string, path: string): RouteResult {
    const upper = method.toUpperCase();
    const allow = new Set<string>();
    for (const fn of this.#routes) {
      let params: Record<string, string> | undefined;
      try {
        params = matchRoute(fn.http!.segments, path);
      } catch (error) {
        // A malformed percent-escape cannot match any route.
        if (error instanceof URIError) return { kind: 'notFound' };
        throw error;
      }
      if (!params) continue;
      const methods = fn.http!.methods ?? ALL_HTTP_METHODS;
      if (methods.includes(upper)) return { kind: 'match', fn, params };
      for (const m of methods) allow.add(m);
    }
    return allow.size > 0 ? { kind: 'methodNotAllowed', allow: [...allow] } : { kind: 'notFound' };
  }
}
