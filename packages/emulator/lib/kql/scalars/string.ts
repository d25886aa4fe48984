import { createHash, randomUUID } from 'node:crypto';
import type { DynamicValue, KustoScalarType, Value } from '../../model';
import { argDynamic, argInt, argString, asResult } from './conversion';
import { kustoRegex } from './regex';
import { MAX_STRING_VALUE_LENGTH, stringTooLong } from '../../limits';
import { KustoEmulatorError } from '../../errors';

/** strrep()'s largest multiplier, as its documentation gives it. */
const MAX_STRREP_MULTIPLIER = 67108864;
import type { ScalarFunctionImpl, ScalarFunctionTable } from './types';

function strings(args: Value[], argTypes: KustoScalarType[]): string[] {
  return args.map((a, i) => argString(a, argTypes[i]));
}

/** Text of a dynamic array element as strcat_array() writes it: strings raw, anything else as JSON. */
function elementText(d: DynamicValue): string {
  return typeof d === 'string' ? d : d === null ? '' : JSON.stringify(d);
}

/**
 * `substring(source, start[, length])`: a negative start counts from the end; out-of-range parts are cut,
 * not errors.
 */
function substring(args: Value[], argTypes: KustoScalarType[]): string {
  const s = argString(args[0], argTypes[0]);
  let start = argInt(args[1], argTypes[1]);
  const length = args.length > 2 ? argInt(args[2], argTypes[2]) : s.length;
  if (start === null || length === null || length < 0) return '';
  if (start < 0) start = Math.max(0, s.length + start);
  return s.substr(start, length);
}

/**
 * `indexof(source, lookup[, start[, length[, occurrence]]])`: the match must lie within `length` characters
 * from where each search starts; later occurrences search again from just after the previous one (as the
 * docs' examples show). Null for occurrence < 0 or length < -1.
 */
function indexOf(args: Value[], argTypes: KustoScalarType[]): Value {
  const [s, match] = strings(args.slice(0, 2), argTypes);
  let start = args.length > 2 ? argInt(args[2], argTypes[2]) : 0;
  const length = args.length > 3 ? argInt(args[3], argTypes[3]) : -1;
  const occurrence = args.length > 4 ? argInt(args[4], argTypes[4]) : 1;
  if (start === null || length === null || occurrence === null || occurrence < 0 || length < -1) return null;
  if (start < 0) start = Math.max(0, s.length + start);
  if (start > s.length) return -1n;
  let found = -1;
  let from = start;
  for (let k = 0; k < Math.max(occurrence, 1); k++) {
    const end = length === -1 ? s.length : Math.min(s.length, from + length);
    found = s.slice(0, end).indexOf(match, from);
    if (found < 0) return -1n;
    from = found + 1;
  }
  return BigInt(found);
}

function split(args: Value[], argTypes: KustoScalarType[]): Value {
  const [s, delimiter] = strings(args.slice(0, 2), argTypes);
  const parts = delimiter === '' ? [s] : s.split(delimiter);
  if (args.length < 3) return parts;
  const index = argInt(args[2], argTypes[2]);
  if (index === null) return null;
  return index >= 0 && index < parts.length ? [parts[index]] : [];
}

/** A rewrite pattern in Kusto's form (`\1` for groups) as JavaScript's replacement string (`$1`). */
function jsReplacement(rewrite: string): string {
  return rewrite.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}

function replaceRegex(text: string, pattern: string, rewrite: string): string {
  return kustoRegex(pattern).replaceAll(text, jsReplacement(rewrite));
}

function trimRegex(kind: 'both' | 'start' | 'end'): ScalarFunctionImpl {
  return (args, argTypes) => {
    const [pattern, source] = strings(args, argTypes);
    // Compiled alone first, so that an invalid pattern is reported as the query wrote it.
    kustoRegex(pattern);
    // trim() removes all leading and trailing matches; trim_start / trim_end remove one. `\A` and `\z` anchor at the
    // ends of the text whatever flags the pattern sets.
    const repeat = kind === 'both' ? '+' : '';
    let out = source;
    if (kind !== 'end') out = kustoRegex(`\\A(?:${pattern})${repeat}`).replaceAll(out, '');
    if (kind !== 'start') out = kustoRegex(`(?:${pattern})${repeat}\\z`).replaceAll(out, '');
    return out;
  };
}

/** `extract(regex, group, source[, typeof(T)])`: the call's result type tells the target type. */
function extract(args: Value[], argTypes: KustoScalarType[], resultType: KustoScalarType): Value {
  const pattern = argString(args[0], argTypes[0]);
  const group = argInt(args[1], argTypes[1]);
  const source = argString(args[2], argTypes[2]);
  const m = group === null ? null : kustoRegex(pattern).exec(source);
  const text = m && group !== null && group < m.length ? (m[group] ?? '') : null;
  if (text === null) return resultType === 'string' ? '' : null;
  return asResult(text, 'string', resultType);
}

// What .NET's HttpUtility.UrlEncode leaves as is; the reference's examples show its lower-case escapes (`%3a%2f`).
const URL_SAFE = /[A-Za-z0-9\-_.!*()]/;

/** Kusto's URL encoding: UTF-8 bytes as lower-case `%xx`, unreserved characters kept, a space as `space`. */
function urlEncode(text: string, space: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === ' ') out += space;
    else if (URL_SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** `extract_all(regex, [groups,] source)`: one string per match (one group), else one array per match. */
function extractAll(args: Value[], argTypes: KustoScalarType[]): Value {
  const pattern = argString(args[0], argTypes[0]);
  const source = argString(args[args.length - 1], argTypes[args.length - 1]);
  const wanted = args.length > 2 ? (argDynamic(args[1], argTypes[1]) as DynamicValue[] | null) : null;
  const regex = kustoRegex(pattern);
  const matches = regex.matchAll(source);
  if (matches.length === 0) return null;
  // Groups are chosen by number or by name (`(?P<name>…)`), as the reference's examples do.
  const numbers = wanted?.map((g) => {
    const n = typeof g === 'string' ? regex.groupNumber(g) : typeof g === 'number' ? g : undefined;
    if (n === undefined || !Number.isInteger(n) || n < 0) {
      throw new KustoEmulatorError(`extract_all(): capture group ${JSON.stringify(g)} is not in '${pattern}'.`);
    }
    return n;
  });
  return matches.map((m) => {
    const groups = numbers ?? (m.length > 1 ? m.slice(1).map((_g, i) => i + 1) : [0]);
    const values = groups.map((g) => m[g] ?? '');
    return values.length === 1 && wanted === null ? values[0] : values;
  });
}

function countOf(args: Value[], argTypes: KustoScalarType[]): Value {
  const [source, search] = strings(args.slice(0, 2), argTypes);
  const kind = args.length > 2 ? argString(args[2], argTypes[2]).toLowerCase() : 'normal';
  if (kind === 'regex') return BigInt(kustoRegex(search).matchAll(source).length);
  if (search === '') return 0n;
  let count = 0;
  // Plain matches may overlap; each step moves forward by one character.
  for (let at = source.indexOf(search); at >= 0; at = source.indexOf(search, at + 1)) count++;
  return BigInt(count);
}

function hash(algorithm: string): ScalarFunctionImpl {
  return (args, argTypes) => createHash(algorithm).update(argString(args[0], argTypes[0]), 'utf8').digest('hex');
}

function translate(args: Value[], argTypes: KustoScalarType[]): string {
  const [search, replace, source] = strings(args, argTypes);
  const from = [...search];
  const to = [...replace];
  let out = '';
  for (const ch of source) {
    const i = from.indexOf(ch);
    // Characters beyond the replacement list map to its last character; an empty list deletes them.
    out += i < 0 ? ch : to.length === 0 ? '' : to[Math.min(i, to.length - 1)];
  }
  return out;
}

/** Unicode code points in `s`, counted without spreading it into an array (strings may be megabytes long). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** String functions. Arguments of other types are converted to string first, as Kusto does. */
export const stringFunctions: ScalarFunctionTable = {
  strcat: (args, argTypes) => strings(args, argTypes).join(''),
  strcat_delim: (args, argTypes) => {
    const [delimiter, ...rest] = strings(args, argTypes);
    return rest.join(delimiter);
  },
  strcat_array: (args, argTypes) => {
    const array = argDynamic(args[0], argTypes[0]);
    return Array.isArray(array) ? array.map(elementText).join(argString(args[1], argTypes[1])) : '';
  },
  array_strcat: (args, argTypes) => {
    const array = argDynamic(args[0], argTypes[0]);
    return Array.isArray(array) ? array.map(elementText).join(argString(args[1], argTypes[1])) : '';
  },
  // Kusto counts Unicode code points, not UTF-16 units.
  strlen: (args, argTypes, resultType) =>
    asResult(BigInt(codePoints(argString(args[0], argTypes[0]))), 'long', resultType),
  string_size: (args, argTypes, resultType) =>
    asResult(BigInt(Buffer.byteLength(argString(args[0], argTypes[0]), 'utf8')), 'long', resultType),
  tolower: (args, argTypes) => argString(args[0], argTypes[0]).toLowerCase(),
  toupper: (args, argTypes) => argString(args[0], argTypes[0]).toUpperCase(),
  substring,
  indexof: indexOf,
  split,
  replace_string: (args, argTypes) => {
    const [text, lookup, rewrite] = strings(args, argTypes);
    return lookup === '' ? text : text.split(lookup).join(rewrite);
  },
  replace_regex: (args, argTypes) => {
    const [text, pattern, rewrite] = strings(args, argTypes);
    return replaceRegex(text, pattern, rewrite);
  },
  // Deprecated replace(regex, rewrite, text) takes its arguments in another order.
  replace: (args, argTypes) => {
    const [pattern, rewrite, text] = strings(args, argTypes);
    return replaceRegex(text, pattern, rewrite);
  },
  trim: trimRegex('both'),
  trim_start: trimRegex('start'),
  trim_end: trimRegex('end'),
  extract,
  extract_all: extractAll,
  extractall: extractAll,
  countof: countOf,
  reverse: (args, argTypes) => [...argString(args[0], argTypes[0])].reverse().join(''),
  strcmp: (args, argTypes, resultType) => {
    const [a, b] = strings(args, argTypes);
    return asResult(a < b ? -1 : a > b ? 1 : 0, 'int', resultType);
  },
  strrep: (args, argTypes) => {
    const text = argString(args[0], argTypes[0]);
    const count = argInt(args[1], argTypes[1]);
    const delimiter = args.length > 2 ? argString(args[2], argTypes[2]) : '';
    if (count === null || count <= 0 || (text === '' && delimiter === '')) return '';
    if (count > MAX_STRREP_MULTIPLIER) {
      throw new KustoEmulatorError(
        `strrep(): the multiplier ${count} is out of range: it must be a value from 1 to ${MAX_STRREP_MULTIPLIER}.`,
      );
    }
    // Checked before the string is built: the limit must fail the query, not exhaust the heap building it.
    const length = count * text.length + (count - 1) * delimiter.length;
    if (length > MAX_STRING_VALUE_LENGTH) throw stringTooLong('strrep()', length);
    return delimiter === '' ? text.repeat(count) : `${text}${delimiter}`.repeat(count - 1) + text;
  },
  translate,
  url_encode: (args, argTypes) => urlEncode(argString(args[0], argTypes[0]), '+'),
  url_encode_component: (args, argTypes) => urlEncode(argString(args[0], argTypes[0]), '%20'),
  url_decode: (args, argTypes) => {
    try {
      return decodeURIComponent(argString(args[0], argTypes[0]).replace(/\+/g, ' '));
    } catch {
      return '';
    }
  },
  base64_encode_tostring: (args, argTypes) => Buffer.from(argString(args[0], argTypes[0]), 'utf8').toString('base64'),
  base64_decode_tostring: (args, argTypes) => Buffer.from(argString(args[0], argTypes[0]), 'base64').toString('utf8'),
  hash_md5: hash('md5'),
  hash_sha1: hash('sha1'),
  hash_sha256: hash('sha256'),
  new_guid: () => randomUUID(),
  isascii: (args, argTypes) => [...argString(args[0], argTypes[0])].every((ch) => ch.charCodeAt(0) < 128),
};
