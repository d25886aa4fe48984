/**
 * The glob patterns a Functions app's package.json `main` may hold (for example `dist/src/functions/*.js`), as the
 * Node.js worker expands them: `*` and `?` within a path segment, `**` across segments, `{a,b}` alternatives and
 * `[abc]` classes. Matching is on `/`-separated paths relative to the app directory; node_modules is never searched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether a path holds glob syntax. */
export function isGlob(pattern: string): boolean {
  return /[*?{[]/.test(pattern);
}

function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const parts: string[] = [];
      let start = open + 1;
      for (const comma of commas) {
        parts.push(pattern.slice(start, comma));
        start = comma + 1;
      }
      parts.push(pattern.slice(start, i));
      const rest = pattern.slice(i + 1);
      return parts.flatMap((p) => expandBraces(pattern.slice(0, open) + p + rest));
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}

function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        const body = segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Compiles a pattern into a matcher of `/`-separated relative paths. */
export function globMatcher(pattern: string): (relativePath: string) => boolean {
  const alternatives = expandBraces(pattern.replace(/\\/g, '/').replace(/^\.\//, '')).map((p) =>
    p.split('/').map((s) => (s === '**' ? ('**' as const) : segmentRegExp(s))),
  );
  const matchFrom = (segments: (RegExp | '**')[], parts: string[], i: number, j: number): boolean => {
    if (i === segments.length) return j === parts.length;
    const segment = segments[i];
    if (segment === '**') {
      for (let k = j; k <= parts.length; k++) if (matchFrom(segments, parts, i + 1, k)) return true;
      return false;
    }
    return j < parts.length && segment.test(parts[j]) && matchFrom(segments, parts, i + 1, j + 1);
  };
  return (relativePath) => {
    const parts = relativePath.split('/');
    return alternatives.some((segments) => matchFrom(segments, parts, 0, 0));
  };
}

/** The directory a pattern's matches all live under: its leading segments without glob syntax. */
function staticBase(pattern: string): string {
  const segments = pattern.replace(/\\/g, '/').split('/');
  const base: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (isGlob(segment)) break;
    base.push(segment);
  }
  return base.join('/');
}

/** The files under `root` matching `pattern` (relative to `root`), as absolute paths in sorted order. */
export function globFiles(root: string, pattern: string): string[] {
  const matches = globMatcher(pattern);
  const base = staticBase(pattern);
  const found: string[] = [];
  const walk = (relativeDir: string, depth: number): void => {
    // Bounded: app entry points never sit this deep, and a symlink loop must not hang start-up.
    if (depth > 32) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relativeDir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative, depth + 1);
      else if (matches(relative)) found.push(path.join(root, relative));
    }
  };
  walk(base, 0);
  return found.sort();
}
