/**
 * Where in the user's source a decorator was written, found without any help at run time: tsc compiles
 * `@KustoInput(…)` on parameter 0 of `Class.method` into `__decorate([…, __param(0, (0, x.KustoInput)(…)), …],
 * Class.prototype, "method", null)`, so the compiled module's text gives the decorator's position in the JavaScript,
 * and the module's source map (when the app ships one) gives it in the TypeScript. Also reads the class declarations
 * tsc writes to `.d.ts` files, which list a row class's properties and their TypeScript types (undecorated
 * properties leave no trace at run time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceMap } from 'node:module';

/** A position in a file: 1-based line and column. */
export interface SourceLocation {
  /** Absolute path. */
  file: string;
  /** Line, from 1. */
  line: number;
  /** Column, from 1. */
  column: number;
}

/** One property of a class as its `.d.ts` declares it. */
export interface DeclaredProperty {
  /** Property name. */
  name: string;
  /** TypeScript type as written (`number`, `Date`, `string | null`). */
  type: string;
}

/** The decorator sought: on a parameter, on the method (a Kusto output), or any (the first of the method's). */
export type DecoratorTarget = { parameter: number } | { method: 'KustoOutput' } | { first: true };

interface LoadedSource {
  text: string;
  lineStarts: number[];
  map?: SourceMap | null;
  mapDir?: string;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineColumnOf(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}

/** The compiled files of an app, read once, with their source maps. */
export class AppSources {
  readonly #files: string[];
  readonly #cache = new Map<string, LoadedSource>();
  #declarations?: Map<string, { base?: string; properties: DeclaredProperty[] }>;

  /** `files`: the app's compiled modules (absolute paths of `.js` files it loaded). */
  constructor(files: Iterable<string>) {
    this.#files = [...files].filter((f) => f.endsWith('.js') && !f.split(path.sep).includes('node_modules'));
  }

  #load(file: string): LoadedSource {
    let loaded = this.#cache.get(file);
    if (!loaded) {
      const text = fs.readFileSync(file, 'utf8');
      loaded = { text, lineStarts: lineStartsOf(text) };
      this.#cache.set(file, loaded);
    }
    return loaded;
  }

  #mapOf(file: string, source: LoadedSource): SourceMap | undefined {
    if (source.map !== undefined) return source.map ?? undefined;
    source.map = null;
    const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(source.text)?.[1];
    if (!ref || ref.startsWith('data:') === false) {
      const mapFile = path.resolve(path.dirname(file), ref ?? `${path.basename(file)}.map`);
      if (fs.existsSync(mapFile)) {
        try {
          source.map = new SourceMap(JSON.parse(fs.readFileSync(mapFile, 'utf8')) as never);
          source.mapDir = path.dirname(mapFile);
        } catch {
          source.map = null;
        }
      }
    } else {
      const base64 = /base64,(.*)$/.exec(ref)?.[1];
      if (base64) {
        try {
          source.map = new SourceMap(JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as never);
          source.mapDir = path.dirname(file);
        } catch {
          source.map = null;
        }
      }
    }
    return source.map ?? undefined;
  }

  /** The position of `offset` in the compiled `file`, mapped to the original source when a source map says. */
  locate(file: string, offset: number): SourceLocation {
    const source = this.#load(file);
    const { line, column } = lineColumnOf(source.lineStarts, offset);
    const map = this.#mapOf(file, source);
    const entry = map?.findEntry(line, column) as
      { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      const original = entry.originalSource.startsWith('file://')
        ? new URL(entry.originalSource).pathname
        : path.resolve(source.mapDir ?? path.dirname(file), entry.originalSource);
      let col = (entry.originalColumn ?? 0) + 1;
      // The map points at the decorator's name; the `@` before it is where the decorator starts.
      const text = readLine(original, entry.originalLine);
      if (text !== undefined && text[col - 2] === '@') col -= 1;
      return { file: original, line: entry.originalLine + 1, column: col };
    }
    return { file, line: line + 1, column: column + 1 };
  }

  /** The start of a compiled file, mapped to its source when a source map says. */
  locateFile(file: string): SourceLocation {
    try {
      return this.locate(file, 0);
    } catch {
      return { file, line: 1, column: 1 };
    }
  }

  /** The first frame of a stack in one of the app's own compiled files, mapped to its source. */
  locateStack(stack: string | undefined): SourceLocation | undefined {
    for (const m of (stack ?? '').matchAll(/\(?([^()\s]+?):(\d+):(\d+)\)?$/gm)) {
      const file = m[1].startsWith('file://') ? new URL(m[1]).pathname : m[1];
      if (!this.#files.includes(file)) continue;
      const source = this.#load(file);
      const line = Number(m[2]) - 1;
      if (line >= source.lineStarts.length) continue;
      return this.locate(file, source.lineStarts[line] + Number(m[3]) - 1);
    }
    return undefined;
  }

  /** Where a decorator of `className.methodName` is, or undefined when no compiled module shows it. */
  findDecorator(className: string, methodName: string, target: DecoratorTarget): SourceLocation | undefined {
    const tail = `${className}.prototype, "${methodName}", null)`;
    for (const file of this.#files) {
      const { text } = this.#load(file);
      const end = text.indexOf(tail);
      if (end < 0) continue;
      const start = text.lastIndexOf('__decorate([', end);
      if (start < 0) continue;
      const block = text.slice(start, end);
      let at: number | undefined;
      if ('parameter' in target) {
        const m = new RegExp(`__param\\(${target.parameter},\\s*(?:\\(0,\\s*)?(?:[\\w$]+\\.)?([\\w$]+)`).exec(block);
        if (m) at = m.index + m[0].length - m[1].length;
      } else if ('method' in target) {
        // A method-level output: the KustoOutput call not wrapped in __param.
        const re = /(__param\(\d+,\s*)?(?:\(0,\s*)?(?:[\w$]+\.)?(KustoOutput)\)?\(/g;
        for (let m = re.exec(block); m; m = re.exec(block)) {
          if (!m[1]) {
            at = m.index + m[0].indexOf('KustoOutput');
            break;
          }
        }
      }
      if (at === undefined) {
        const first = /\[\s*(?:\(0,\s*)?(?:[\w$]+\.)?([\w$]+)/.exec(block);
        if (first) at = first.index + first[0].length - first[1].length;
      }
      return this.locate(file, start + (at ?? 0));
    }
    return undefined;
  }

  /**
   * Where a function was registered through @azure/functions directly (`app.http('name', …)`, any trigger): for
   * apps that do not use decorators.
   */
  findRegistration(functionName: string): SourceLocation | undefined {
    const name = functionName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const call = new RegExp(`\\b(?:app|[\\w$]+\\.app)\\)?\\.[\\w$]+\\(\\s*(['"\`])${name}\\1`);
    for (const file of this.#files) {
      const m = call.exec(this.#load(file).text);
      if (m) return this.locate(file, m.index);
    }
    return undefined;
  }

  /** A class's properties as its `.d.ts` declares them, its own and its bases' (base first); undefined if unknown. */
  declaredProperties(className: string): DeclaredProperty[] | undefined {
    const declarations = this.#readDeclarations();
    const out: DeclaredProperty[] = [];
    let current: string | undefined = className;
    const seen = new Set<string>();
    let found = false;
    while (current && !seen.has(current)) {
      seen.add(current);
      const decl = declarations.get(current);
      if (!decl) break;
      found = true;
      out.unshift(...decl.properties.filter((p) => !out.some((o) => o.name === p.name)));
      current = decl.base;
    }
    return found ? out : undefined;
  }

  #readDeclarations(): Map<string, { base?: string; properties: DeclaredProperty[] }> {
    if (this.#declarations) return this.#declarations;
    const declarations = new Map<string, { base?: string; properties: DeclaredProperty[] }>();
    for (const file of this.#files) {
      const dts = file.replace(/\.js$/, '.d.ts');
      if (!fs.existsSync(dts)) continue;
      const text = fs.readFileSync(dts, 'utf8');
      const classes =
        /^(?:export )?declare (?:abstract )?class ([\w$]+)(?:<[^>]*>)?(?: extends ([\w$.]+)(?:<[^>]*>)?)?[^{\n]*\{\n([\s\S]*?)^\}/gm;
      for (const m of text.matchAll(classes)) {
        const properties: DeclaredProperty[] = [];
        for (const member of m[3].matchAll(/^ {4}(?:readonly )?([A-Za-z_$][\w$]*)\??: ([^;]+);$/gm)) {
          properties.push({ name: member[1], type: member[2].trim() });
        }
        if (!declarations.has(m[1])) declarations.set(m[1], { base: m[2]?.split('.').pop(), properties });
      }
    }
    this.#declarations = declarations;
    return declarations;
  }
}

const lineCache = new Map<string, string[] | null>();

function readLine(file: string, line: number): string | undefined {
  let lines = lineCache.get(file);
  if (lines === undefined) {
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    lineCache.set(file, lines);
  }
  return lines?.[line];
}
