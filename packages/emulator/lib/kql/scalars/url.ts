import type { DynamicValue } from '../../model';
import { notSupported } from '../../errors';
import { argString } from './conversion';
import type { ScalarFunctionTable } from './types';

/**
 * parse_url and parse_urlquery. The reference's parse_url example prints the parts as a table cell, with a Path
 * without its leading `/` and "Query Parameters" in quotes; an open-source KQL engine's test suite (ClickHouse's KQL
 * dialect, tests/queries/0_stateless/02366_kql_func_string, its "same as ADX" section) gives the same call's result
 * as JSON: `"Path":"/this/is/a/path"` and "Query Parameters" a property bag, which parse_urlquery's second example
 * confirms by indexing it (`params["Query Parameters"].[param]`). The emulator follows that JSON for the shapes that
 * suite checks against ADX: a scheme with `://`, `user:password@`, a host (`[v6]` without its brackets), a port
 * taken as text (`host:abcd` gives Port `abcd`), a path, `?k=v&…` after a path, `#fragment`, and missing parts as
 * empty strings. Shapes it marks as behaving differently in ADX or does not check are refused rather than guessed:
 * a path that is only `/`, a query without a path, an empty host with a port, an IPv6 host without brackets, text
 * without `://`, percent-encoding and `+` (whether values are decoded), a user without a password, a query
 * parameter without `=` or given twice.
 */

type UrlParts = {
  Scheme: string;
  Host: string;
  Port: string;
  Path: string;
  Username: string;
  Password: string;
  'Query Parameters': { [key: string]: DynamicValue };
  Fragment: string;
};

function quoted(text: string): string {
  return `'${text.length > 128 ? `${text.slice(0, 128)}…` : text}'`;
}

/** `k1=v1&k2=v2` as a bag; refuses what the reference and the suite do not show. */
function queryParameters(query: string, fn: string, whole: string): { [key: string]: DynamicValue } {
  const bag: { [key: string]: DynamicValue } = {};
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq);
    if (eq <= 0 || key in bag)
      throw notSupported(`${fn}() of ${quoted(whole)} (a query parameter without a key or value, or given twice)`);
    bag[key] = pair.slice(eq + 1);
  }
  return bag;
}

function parseUrl(url: string): UrlParts {
  const parts: UrlParts = {
    Scheme: '',
    Host: '',
    Port: '',
    Path: '',
    Username: '',
    Password: '',
    'Query Parameters': {},
    Fragment: '',
  };
  if (url === '') return parts;
  const refuse = (why: string): never => {
    throw notSupported(`parse_url() of ${quoted(url)} (${why})`);
  };
  if (/[%+]/.test(url)) refuse('percent-encoding or +');
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0) refuse('not an absolute URL with a scheme');
  parts.Scheme = url.slice(0, schemeEnd);
  let rest = url.slice(schemeEnd + 3);
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    parts.Fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf('?');
  let query: string | undefined;
  if (question >= 0) {
    query = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  const slash = rest.indexOf('/');
  let authority = slash >= 0 ? rest.slice(0, slash) : rest;
  parts.Path = slash >= 0 ? rest.slice(slash) : '';
  if (parts.Path === '/') refuse('a path that is only /');
  if (query !== undefined) {
    if (parts.Path === '') refuse('a query without a path');
    parts['Query Parameters'] = queryParameters(query, 'parse_url', url);
  }
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const user = authority.slice(0, at);
    const colon = user.indexOf(':');
    if (colon < 0) refuse('a user without a password');
    parts.Username = user.slice(0, colon);
    parts.Password = user.slice(colon + 1);
    authority = authority.slice(at + 1);
  }
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) refuse('an IPv6 host without its closing bracket');
    parts.Host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) refuse('text after an IPv6 host');
    if (after !== '') portText = after.slice(1);
  } else {
    const colon = authority.indexOf(':');
    if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) refuse('an IPv6 host without brackets');
    parts.Host = colon >= 0 ? authority.slice(0, colon) : authority;
    if (colon >= 0) portText = authority.slice(colon + 1);
  }
  if (portText !== undefined) {
    if (parts.Host === '') refuse('a port without a host');
    parts.Port = portText;
  }
  return parts;
}

/** parse_url, parse_urlquery (and their deprecated aliases parseurl, parseurlquery). */
export const urlFunctions: ScalarFunctionTable = {
  parse_url: (args, argTypes) => parseUrl(argString(args[0], argTypes[0])),
  parseurl: (args, argTypes) => parseUrl(argString(args[0], argTypes[0])),
  parse_urlquery: (args, argTypes) => parseUrlQuery(argString(args[0], argTypes[0])),
  parseurlquery: (args, argTypes) => parseUrlQuery(argString(args[0], argTypes[0])),
};

function parseUrlQuery(query: string): DynamicValue {
  if (/[%+]/.test(query)) throw notSupported(`parse_urlquery() of ${quoted(query)} (percent-encoding or +)`);
  return { 'Query Parameters': queryParameters(query, 'parse_urlquery', query) };
}
