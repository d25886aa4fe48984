/**
 * The parse operator: extracts columns from a string by a pattern of string constants, `name[:type]` columns and
 * `*` wildcards. `kind=simple` (default) matches the constants literally, `kind=regex` as regular expressions
 * (RE2, as Kusto; `flags=` takes Kusto's i, m, s and U); either way the match is strict: when the text does not match or a
 * value does not convert to its column's type, every extracted column is null (empty for strings). `kind=relaxed`
 * matches as `simple` but a typed column takes any text, and a value that does not convert is null alone: the other
 * columns keep theirs (the reference's relaxed example).
 */
import type { KustoScalarType, Value } from '../model';
import { notSupported } from '../errors';
import { elements, kindOf, textOf, type KNode } from './language';
import type { Row, TabularPlan } from './runtime';
import type { Scope } from './scope';
import type { Compiler } from './compiler';
import { clip } from './nodeText';
import { operatorParameters } from './operatorSyntax';
import { assemble } from './operatorColumns';
import { convertValue, kustoRegex, type KustoRegex } from './scalarApi';
import { literalValue } from './literals';
import { fromText } from '../values/valueReaders';

/** The regular expression a typed column matches. */
const TYPE_PATTERNS: Partial<Record<KustoScalarType, string>> = {
  int: '(-?\\d+)',
  long: '(-?\\d+)',
  real: '(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)',
  decimal: '(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+))',
  bool: '(true|false|True|False|TRUE|FALSE)',
};

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Converts captured text to a column type; undefined when it does not convert. */
export function convertText(text: string, type: KustoScalarType): Value | undefined {
  if (type === 'string') return text;
  if (text.trim() === '') return undefined;
  try {
    return fromText(type, text);
  } catch {
    return undefined;
  }
}

/**
 * Compiles `input | parse [kind=…] expr with pattern…`, or with `where` `parse-where`, which drops the rows whose text
 * does not match or whose values do not convert rather than giving them nulls.
 */
export function compileParse(c: Compiler, op: KNode, input: TabularPlan, scope: Scope, where = false): TabularPlan {
  const columns = c.columns(op);
  const params = operatorParameters(op);
  const mode = (params.get('kind') ?? 'simple').toLowerCase();
  if (mode !== 'simple' && mode !== 'regex' && mode !== 'relaxed') throw notSupported(`'parse kind=${mode}'`);
  const relaxed = mode === 'relaxed';
  if (relaxed && where) throw notSupported(`'parse-where kind=relaxed'`);
  const flags = mode === 'regex' ? (params.get('flags') ?? '').replace(/^['"]|['"]$/g, '') : '';
  const sourceNode = op.Expression as KNode;
  const source = c.scalar(sourceNode, input.columns, scope);
  const sourceType = c.scalarTypeOf(sourceNode, 'the parsed expression');
  const patterns = elements(op.Patterns);
  const targets: string[] = [];
  const types: KustoScalarType[] = [];
  let regex = '^';
  patterns.forEach((p, i) => {
    const last = i === patterns.length - 1;
    const kind = kindOf(p);
    if (kind === 'StarExpression') {
      regex += last ? '.*' : '.*?';
      return;
    }
    const literal = literalValue(p);
    if (typeof literal === 'string') {
      regex += mode === 'regex' ? literal : escapeRegex(literal);
      return;
    }
    const nameNode = kind === 'NameAndTypeDeclaration' ? (p.Name as KNode) : kind === 'NameDeclaration' ? p : undefined;
    if (!nameNode) throw notSupported(`The parse pattern element '${clip(textOf(p))}'`);
    const name = nameNode.SimpleName as string;
    const type = columns.find((col) => col.name === name)?.type ?? 'string';
    targets.push(name);
    types.push(type);
    const any = last || mode === 'regex' ? '.*' : '.*?';
    const typed = TYPE_PATTERNS[type];
    // Relaxed: the type's text when it is there, else any text (which then converts to null alone).
    regex += typed === undefined ? `(${any})` : relaxed ? `(${typed.slice(1, -1)}|${any})` : typed;
  });
  // RE2 (linear time) as Kusto: the flags Kusto takes (i, m, s, U) are RE2's own, set inline.
  const inline = [...new Set(flags.replace(/[^imsU]/g, ''))].join('');
  let compiled: KustoRegex;
  try {
    compiled = kustoRegex(inline === '' ? regex : `(?${inline})${regex}`);
  } catch (e) {
    throw notSupported(`The parse pattern '${clip(regex)}' (${(e as Error).message})`);
  }
  const build = assemble(input.columns, columns, targets, "'parse'");
  const failed: Value[] = types.map((t) => (t === 'string' ? '' : null));
  return {
    columns,
    run: function* () {
      const rt = c.runtime;
      const out: Row[] = [];
      for (const row of yield* input.run()) {
        const raw = source(row);
        const text =
          raw === null ? '' : typeof raw === 'string' ? raw : String(convertValue(raw, sourceType, 'string'));
        const m = compiled.exec(text);
        let computed = failed;
        if (m) {
          const values = types.map((t, i) => convertText(m[i + 1] ?? '', t));
          if (relaxed) computed = values.map((v, i) => (v === undefined ? failed[i] : v));
          else if (values.every((v) => v !== undefined)) computed = values as Value[];
        }
        if (!where || computed !== failed) out.push(build(row, computed));
        rt.tick();
        if (rt.yieldDue) yield;
      }
      return out;
    },
  };
}
