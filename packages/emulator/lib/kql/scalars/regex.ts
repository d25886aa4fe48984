/**
 * Kusto's regular expressions: RE2, as Kusto uses, through re2js (a pure JavaScript port of RE2, no native build).
 * RE2 matches in time linear in the input, so no pattern can hold the server the way a backtracking engine can
 * (`(a+)+$` on a line of `a`s followed by `b`); and its syntax is Kusto's own: `(?i)`, scoped flags `(?i:…)`,
 * `(?P<name>…)`, `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, `\pL`, with no translation to get wrong.
 */
import { RE2JS } from 're2js';
import { KustoEmulatorError } from '../../errors';
import { Runtime } from '../runtime';

/** A compiled Kusto regular expression. */
export interface KustoRegex {
  /** Whether it matches anywhere in `text`. */
  test(text: string): boolean;
  /** The first match's text and groups (`[match, group1, …]`, null for a group that did not take part), or null. */
  exec(text: string): (string | null)[] | null;
  /** Every non-overlapping match, each as `[match, group1, …]`. */
  matchAll(text: string): (string | null)[][];
  /** `text` with every match replaced by `replacement`, in String.prototype.replace's form (`$1`, `$$`). */
  replaceAll(text: string, replacement: string): string;
  /** The number of the capture group named `name` (`(?P<name>…)`), or undefined. */
  groupNumber(name: string): number | undefined;
}

class Re2Regex implements KustoRegex {
  constructor(private readonly re: RE2JS) {}

  test(text: string): boolean {
    work(text);
    return this.re.test(text);
  }

  exec(text: string): (string | null)[] | null {
    work(text);
    const m = this.re.matcher(text);
    return m.find() ? groupsOf(m) : null;
  }

  matchAll(text: string): (string | null)[][] {
    work(text);
    const m = this.re.matcher(text);
    const out: (string | null)[][] = [];
    while (m.find()) out.push(groupsOf(m));
    return out;
  }

  replaceAll(text: string, replacement: string): string {
    work(text);
    return this.re.matcher(text).replaceAll(replacement);
  }

  groupNumber(name: string): number | undefined {
    return this.re.namedGroups()[name];
  }
}

function groupsOf(m: ReturnType<RE2JS['matcher']>): (string | null)[] {
  const n = m.groupCount();
  const groups = new Array<string | null>(n + 1);
  for (let i = 0; i <= n; i++) groups[i] = m.group(i);
  return groups;
}

/** Counts a match's input as work of the running query, so long inputs reach its deadline check. */
function work(text: string): void {
  Runtime.active?.work(text.length);
}

const cache = new Map<string, KustoRegex>();
const CACHE_LIMIT = 256;

/**
 * The compiled regex for a Kusto (RE2) pattern, cached (a query evaluates the same pattern once per row). Throws a
 * {@link KustoEmulatorError} naming the pattern when it does not compile.
 */
export function kustoRegex(pattern: string): KustoRegex {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = new Re2Regex(RE2JS.compile(pattern));
    } catch (e) {
      throw new KustoEmulatorError(`Invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
    // Bounded: a query with per-row patterns must not grow the cache without limit.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}
