/**
 * The parse-kv operator: extends the input with one column per listed key, taken from `key<kv>value<pair>…` text.
 * Evaluated: `with (pair_delimiter=…, kv_delimiter=… [, quote=…] [, escape=…] [, greedy=true])`,
 * `with (regex=…)` (two groups, key and value) and the mode without delimiters. The first appearance of a key wins; keys and values are trimmed of
 * white space; a key not found, or a value that does not convert, is null (empty for a string), as the reference
 * says. Without delimiters (`with (quote=…, escape=…)` or no `with`), any non-alphanumeric character delimits.
 */
import type { KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import { elements, textOf, type KNode } from './language';
import type { Row, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { assemble } from './operatorColumns';
import { convertValue, kustoRegex, type KustoRegex } from './scalarApi';
import { literalValue } from './literals';
import { convertText } from './parse';

interface Delimited {
  pair: string;
  kv: string;
  quotes: [string, string][];
  escapes: string[];
  greedy: boolean;
}

/** Splits `text` at `delimiter` outside quotes, unwrapping quoted parts and their escapes. */
function split(text: string, delimiter: string, o: Delimited): { text: string; raw: string }[] {
  const parts: { text: string; raw: string }[] = [];
  let cur = '';
  let raw = '';
  let i = 0;
  while (i < text.length) {
    const quote = o.quotes.find(([open]) => text.startsWith(open, i));
    if (quote) {
      let j = i + quote[0].length;
      let inner = '';
      while (j < text.length && !text.startsWith(quote[1], j)) {
        if (o.escapes.includes(text[j]) && j + 1 < text.length) j++;
        inner += text[j++];
      }
      cur += inner;
      raw += text.slice(i, j + quote[1].length);
      i = j + quote[1].length;
      continue;
    }
    if (delimiter !== '' && text.startsWith(delimiter, i)) {
      parts.push({ text: cur, raw });
      cur = '';
      raw = '';
      i += delimiter.length;
      continue;
    }
    cur += text[i];
    raw += text[i++];
  }
  parts.push({ text: cur, raw });
  return parts;
}

/** The key/value pairs of `text`, in order. */
function pairsOf(text: string, o: Delimited): [string, string][] {
  const out: [string, string][] = [];
  for (const part of split(text, o.pair, o)) {
    const kv = split(part.raw, o.kv, o);
    if (kv.length < 2) {
      // Greedy: a part without a key/value delimiter continues the previous value.
      if (o.greedy && out.length > 0) out[out.length - 1][1] += o.pair + part.text;
      continue;
    }
    // The value is everything after the first key/value delimiter outside quotes, unquoted.
    const value = split(part.raw.slice(kv[0].raw.length + o.kv.length), '', o)[0].text;
    out.push([kv[0].text.trim(), value]);
  }
  return out;
}

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * The mode without delimiters, where any non-alphanumeric character delimits: each listed key where it stands as a
 * word of its own, then one delimiter (white space around it ignored), then a quoted value or a run of
 * alphanumeric characters (the reference's `ThreadId:458745723, Machine:Node001, Text: Started`).
 */
function keysIn(text: string, keys: string[], o: Delimited): [string, string][] {
  const out: [string, string][] = [];
  const alnum = (i: number) => i >= 0 && i < text.length && ALNUM.test(text[i]);
  const skipSpace = (i: number) => {
    while (i < text.length && /\s/.test(text[i])) i++;
    return i;
  };
  for (const key of keys) {
    for (let i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + 1)) {
      if (alnum(i - 1) || alnum(i + key.length)) continue;
      let j = skipSpace(i + key.length);
      if (j < text.length && !alnum(j) && !o.quotes.some(([open]) => text.startsWith(open, j))) j = skipSpace(j + 1);
      else if (j === i + key.length) continue;
      const quote = o.quotes.find(([open]) => text.startsWith(open, j));
      let value = '';
      if (quote) {
        for (j += quote[0].length; j < text.length && !text.startsWith(quote[1], j); j++) {
          if (o.escapes.includes(text[j]) && j + 1 < text.length) j++;
          value += text[j];
        }
      } else {
        while (alnum(j)) value += text[j++];
        if (value === '') continue;
      }
      out.push([key, value]);
      break;
    }
  }
  return out;
}

/** Compiles `input | parse-kv expr as (key:type, …) with (…)`. */
export function compileParseKv(c: Compiler, op: KNode, input: TabularPlan, scope: Scope): TabularPlan {
  const columns = c.columns(op);
  const keys = elements((op.Keys as KNode).Columns).map((decl) => (decl.Name as KNode).SimpleName as string);
  const types: KustoScalarType[] = keys.map((k) => columns.find((col) => col.name === k)?.type ?? 'string');
  const props = new Map<string, Value[]>();
  for (const p of elements(op.WithClause?.Properties)) {
    const name = ((p.Name as KNode).SimpleName as string).toLowerCase();
    const value = literalValue(p.Expression as KNode);
    if (value === undefined) throw notSupported(`The parse-kv property '${clip(textOf(p))}' (not a literal)`);
    props.set(name, [...(props.get(name) ?? []), value]);
  }
  const one = (name: string): Value | undefined => props.get(name)?.[0];
  let extract: (text: string) => [string, string][];
  const regexText = one('regex');
  if (typeof regexText === 'string') {
    let regex: KustoRegex;
    try {
      regex = kustoRegex(regexText);
    } catch (e) {
      throw notSupported(`The parse-kv regex '${clip(regexText)}' (${(e as Error).message})`);
    }
    extract = (text) => regex.matchAll(text).map((m) => [(m[1] ?? '').trim(), m[2] ?? '']);
  } else {
    const pair = one('pair_delimiter');
    const kv = one('kv_delimiter');
    const undelimited = pair === undefined && kv === undefined && one('greedy') === undefined;
    if (!undelimited && (typeof pair !== 'string' || typeof kv !== 'string' || pair === '' || kv === '')) {
      throw notSupported("'parse-kv' with only one of pair_delimiter and kv_delimiter, or greedy without them");
    }
    const quotes = (props.get('quote') ?? []).map((q): [string, string] => {
      const s = String(q);
      if (s.length !== 1 && s.length !== 2) throw notSupported(`The parse-kv quote '${s}'`);
      return [s[0], s[s.length - 1]];
    });
    const escapes = (props.get('escape') ?? []).map(String);
    const greedy = one('greedy') === true;
    for (const name of props.keys()) {
      if (!['pair_delimiter', 'kv_delimiter', 'quote', 'escape', 'greedy'].includes(name)) {
        throw notSupported(`The parse-kv property '${name}'`);
      }
    }
    const options: Delimited = { pair: String(pair ?? ''), kv: String(kv ?? ''), quotes, escapes, greedy };
    extract = undelimited ? (text) => keysIn(text, keys, options) : (text) => pairsOf(text, options);
  }
  const sourceNode = op.Expression as KNode;
  const source = c.scalar(sourceNode, input.columns, scope);
  const sourceType = c.scalarTypeOf(sourceNode, 'the parse-kv expression');
  const build = assemble(input.columns, columns, keys, "'parse-kv'");
  const missing: Value[] = types.map((t) => (t === 'string' ? '' : null));
  const rt = c.runtime;
  return {
    columns,
    run: function* () {
      const out: Row[] = [];
      for (const row of yield* input.run()) {
        const raw = source(row);
        const text =
          raw === null ? '' : typeof raw === 'string' ? raw : String(convertValue(raw, sourceType, 'string'));
        const found = new Map<string, string>();
        for (const [k, v] of extract(text)) if (!found.has(k)) found.set(k, v.trim());
        const computed = keys.map((k, i) => {
          const v = found.get(k);
          const converted = v === undefined ? undefined : convertText(v, types[i]);
          return converted === undefined ? missing[i] : converted;
        });
        out.push(build(row, computed));
        rt.tick(1 + (text.length >> 6));
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
