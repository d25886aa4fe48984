/**
 * The function table printed at start, as `func start` prints it: HTTP functions with their methods and URL
 * (`getProducts: [GET] http://localhost:7071/api/getproducts/{productId}`), other functions with their trigger.
 */
import type { HostFunction } from './appFunctions';

/** A function as the host serves it. */
export interface HostFunctionInfo {
  /** Function name. */
  name: string;
  /** Trigger type, e.g. `httpTrigger`, `timerTrigger`, `queueTrigger`. */
  trigger: string;
  /** For HTTP functions: the URL template, e.g. `http://localhost:7071/api/getproducts/{productId}`. */
  url?: string;
  /** For HTTP functions: allowed methods (undefined: all). */
  methods?: string[];
  /** For timer functions: the schedule. */
  schedule?: string;
}

/** Describes the functions for the API and the table; `baseUrl` has no trailing slash. */
export function functionInfos(
  functions: Iterable<HostFunction>,
  baseUrl: string,
  routePrefix: string,
): HostFunctionInfo[] {
  return [...functions].map((fn) => {
    const info: HostFunctionInfo = { name: fn.name, trigger: String(fn.trigger.type) };
    if (fn.http) {
      const path = [routePrefix, fn.http.template.replace(/^\/+/, '')].filter((p) => p !== '').join('/');
      info.url = `${baseUrl}/${path}`;
      if (fn.http.methods) info.methods = [...fn.http.methods];
    }
    if (typeof fn.trigger.schedule === 'string') info.schedule = fn.trigger.schedule;
    return info;
  });
}

/** The table's lines: HTTP functions first, then the others, each group in registration order. */
export function formatFunctionTable(infos: readonly HostFunctionInfo[]): string[] {
  if (infos.length === 0) {
    return ['No job functions found. Check that package.json "main" (or --script) names the compiled entry point.'];
  }
  const lines = ['', 'Functions:', ''];
  const http = infos.filter((f) => f.url !== undefined);
  const others = infos.filter((f) => f.url === undefined);
  for (const f of http) lines.push(`\t${f.name}: ${f.methods ? `[${f.methods.join(',')}] ` : ''}${f.url}`, '');
  for (const f of others) lines.push(`\t${f.name}: ${f.trigger}${f.schedule ? ` (${f.schedule})` : ''}`, '');
  return lines;
}
