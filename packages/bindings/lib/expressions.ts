/**
 * Binding expressions in binding properties, as the Functions host resolves them: `{productId}`, `{Query.name}`,
 * `{Headers.x-id}`, `{rand-guid}`, `{sys.utcnow}` from trigger data, and `%SettingName%` from app settings.
 */

/** What a binding expression refers to. */
export type BindingExpressionKind =
  /** A system value: `rand-guid`, `DateTime`, `sys.randguid`, `sys.utcnow`, `sys.methodname`. */
  | 'system'
  /** A query string value of an HTTP trigger: `{Query.name}`. */
  | 'query'
  /** A request header of an HTTP trigger: `{Headers.x-id}`. */
  | 'header'
  /** Trigger data: an HTTP route parameter or a property of a JSON body or message: `{productId}`, `{a.b}`. */
  | 'data';

/** One `{…}` expression found in a binding property. */
export interface BindingExpression {
  /** The text between the braces, as written. */
  text: string;
  /** What it refers to. */
  kind: BindingExpressionKind;
  /** For `query` and `header`: the name after the prefix; for `data`: the property path; for `system`: the text. */
  key: string;
}

/** A binding property split into literal text, expressions and app-setting references, in order. */
export type TemplatePart =
  | {
      /** Text kept as written. */
      literal: string;
    }
  | {
      /** A `{…}` binding expression. */
      expression: BindingExpression;
    }
  | {
      /** The name in a `%Name%` app-setting expression. */
      appSetting: string;
    };

const SYSTEM = new Set(['rand-guid', 'datetime', 'sys.randguid', 'sys.utcnow', 'sys.methodname']);
const EXPRESSION = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/** Thrown for braces that do not form a binding expression. */
export class BindingExpressionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BindingExpressionSyntaxError';
  }
}

/** Classifies the text between braces. */
export function classifyExpression(text: string): BindingExpression {
  const lower = text.toLowerCase();
  if (SYSTEM.has(lower)) return { text, kind: 'system', key: lower };
  if (lower.startsWith('query.')) return { text, kind: 'query', key: text.slice('query.'.length) };
  if (lower.startsWith('headers.')) return { text, kind: 'header', key: text.slice('headers.'.length) };
  return { text, kind: 'data', key: text };
}

/** Whether the text between braces looks like a binding expression (rather than, say, KQL braces). */
export function isExpressionText(text: string): boolean {
  return EXPRESSION.test(text);
}

/**
 * Splits a binding property into literals, `{…}` expressions and `%…%` app-setting references. Every `{…}`
 * must hold an expression name; braces that do not are a syntax error (the host would reject them too).
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let offset = 0;
  for (const piece of splitAppSettings(text)) {
    if (typeof piece === 'string') {
      parts.push(...parseBraces(piece, offset));
      offset += piece.length;
    } else {
      parts.push(piece);
      offset += piece.appSetting.length + 2;
    }
  }
  return parts;
}

// `%Name%` where Name looks like a setting name; a lone `%` stays literal text.
function splitAppSettings(text: string): (string | { appSetting: string })[] {
  const out: (string | { appSetting: string })[] = [];
  const re = /%([A-Za-z_][A-Za-z0-9_.:-]*)%/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ appSetting: m[1] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// `offset`: where `text` starts in the whole property, so positions in messages count from its start.
function parseBraces(text: string, offset: number): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    const close = text.indexOf('}', i);
    if (close >= 0 && (open < 0 || close < open)) {
      throw new BindingExpressionSyntaxError(`'}' at position ${offset + close + 1} has no matching '{'`);
    }
    if (open < 0) {
      parts.push({ literal: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ literal: text.slice(i, open) });
    const end = text.indexOf('}', open);
    if (end < 0) throw new BindingExpressionSyntaxError(`'{' at position ${offset + open + 1} is not closed`);
    const inner = text.slice(open + 1, end).trim();
    if (!isExpressionText(inner)) {
      throw new BindingExpressionSyntaxError(`'{${inner}}' is not a binding expression`);
    }
    parts.push({ expression: classifyExpression(inner) });
    i = end + 1;
  }
  return parts;
}

/**
 * Splits a binding property into literals and `%…%` app-setting references only, braces kept as literal text: for
 * `connection`, where the host resolves app settings but no `{…}` expressions, and for `kqlCommand`, whose braces
 * are KQL's (see {@link queryTextExpressions}).
 */
export function parseAppSettings(text: string): TemplatePart[] {
  return splitAppSettings(text).map((piece) => (typeof piece === 'string' ? { literal: piece } : piece));
}

/**
 * The `{…}` binding expressions in query text, as written (`{productId}`): the Kusto extension resolves them inside
 * `kqlCommand` by splicing the value into the KQL, so they must travel as query parameters instead. KQL's own braces
 * (`dynamic({"a": 1})`) are not expressions.
 */
export function queryTextExpressions(kql: string): string[] {
  return [...kql.matchAll(/\{([^{}]*)\}/g)].filter((m) => isExpressionText(m[1].trim())).map((m) => m[0]);
}

/** A `kqlCommand` with its `%Name%` app settings resolved, by {@link resolveQueryText}. */
export interface QueryText {
  /** The query to run; undefined when a setting it names is unknown. */
  text: string | undefined;
  /**
   * The `{…}` binding expressions that would be spliced into the query, whether written in it or brought by a
   * setting's value (the extension resolves `%Name%` first, then the expressions in the result), each phrased as the
   * option rules phrase problems: starting with the label.
   */
  problems: string[];
}

/**
 * Resolves the `%Name%` app settings of a `kqlCommand` with `lookup` (undefined: not known) and finds the binding
 * expressions that would be spliced into it. Shared by registration and the engine, which label the option their way.
 */
export function resolveQueryText(
  label: string,
  kql: string,
  lookup: (setting: string) => string | undefined,
): QueryText {
  let text: string | undefined = '';
  const problems: string[] = [];
  for (const part of parseAppSettings(kql)) {
    const setting = 'appSetting' in part ? part.appSetting : undefined;
    const value = setting === undefined ? ('literal' in part ? part.literal : '') : lookup(setting);
    if (value === undefined) {
      text = undefined;
      continue;
    }
    for (const expression of queryTextExpressions(value)) {
      problems.push(
        `${label} contains the binding expression '${expression}'` +
          (setting === undefined ? '' : ` (in the value of the app setting '${setting}')`) +
          ", which would be spliced into the query text: declare a query parameter and pass the value in 'kqlParameters' instead",
      );
    }
    if (text !== undefined) text += value;
  }
  return { text, problems };
}

/** The expressions of a binding property, in order. */
export function expressionsOf(text: string): BindingExpression[] {
  const out: BindingExpression[] = [];
  for (const part of parseTemplate(text)) if ('expression' in part) out.push(part.expression);
  return out;
}
