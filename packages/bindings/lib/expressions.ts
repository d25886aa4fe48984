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

/** The expressions of a binding property, in order. */
export function expressionsOf(text: string): BindingExpression[] {
  const out: BindingExpression[] = [];
  for (const part of parseTemplate(text)) if ('expression' in part) out.push(part.expression);
  return out;
}
