import { KustoEmulatorError } from '../../errors';

/** A Kusto (RE2) regular expression translated to JavaScript's syntax. */
export interface TranslatedRegex {
  /** JavaScript pattern source. */
  source: string;
  /** Flags from leading inline flags (`(?i)`, `(?s)`, `(?m)`). */
  flags: string;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: String.raw`\s`,
  blank: String.raw` \t`,
  punct: String.raw`!-\/:-@\[-\`{-~`,
  xdigit: '0-9A-Fa-f',
  word: String.raw`\w`,
  cntrl: String.raw`\x00-\x1f\x7f`,
};

/**
 * Translates RE2 syntax (what Kusto uses) to JavaScript's: leading inline flags `(?i)` `(?s)` `(?m)` become
 * flags, `(?P<name>` becomes `(?<name>`, `\A` / `\z` become `^` / `$`, `\Q…\E` is quoted and POSIX classes
 * (`[[:alpha:]]`) are expanded. Other RE2-only syntax (scoped flags `(?i:…)`, `\pL`) is not translated, and JS
 * backtracking semantics apply (RE2 guarantees linear time; JS does not).
 */
export function translateRegex(pattern: string): TranslatedRegex {
  let src = pattern;
  let flags = '';
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  let out = '';
  let inClass = false;
  // One pass over the pattern, keeping escape pairs together so `\\A` stays a backslash and an `A`.
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      const next = src[i + 1] ?? '';
      if (next === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
      } else {
        out += !inClass && next === 'A' ? '^' : !inClass && next === 'z' ? '$' : ch + next;
        i++;
      }
    } else if (inClass) {
      const posix = ch === '[' ? /^\[:(\w+):\]/.exec(src.slice(i)) : null;
      if (posix && POSIX_CLASSES[posix[1]] !== undefined) {
        out += POSIX_CLASSES[posix[1]];
        i += posix[0].length - 1;
      } else {
        if (ch === ']') inClass = false;
        out += ch;
      }
    } else if (ch === '[') {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') out += src[++i];
      // A `]` first in a class is a literal in RE2.
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (ch === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      out += ch;
    }
  }
  return { source: out, flags };
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 256;

/**
 * A compiled RegExp for JavaScript `source` and `flags`, cached (a query evaluates the same pattern once per
 * row). `pattern` is what the query gave, for the error message when the source does not compile.
 */
export function cachedRegExp(source: string, flags: string, pattern: string): RegExp {
  const key = `${flags}/${source}`;
  let re = cache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      throw new KustoEmulatorError(`Invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
    // Bounded: a query with per-row patterns must not grow the cache without limit.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, re);
  }
  if (re.global || re.sticky) re.lastIndex = 0;
  return re;
}

/**
 * The compiled RegExp for a Kusto regex plus extra JS flags (`g` for all matches). Throws a
 * {@link KustoEmulatorError} naming the pattern when it does not compile.
 */
export function kustoRegex(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateRegex(pattern);
  return cachedRegExp(source, flags + extraFlags, pattern);
}
