/**
 * Values of KQL literals (`42`, `int(7)`, `real(nan)`, `datetime(2024-01-02 03:04:05.1234567)`, `1.5h`,
 * `time(1.02:03:04)`, `guid(…)`, `dynamic({…})`, `long(null)`, …) in the emulator's in-memory forms.
 *
 * Kusto.Language parses literals but its JavaScript build loses precision (datetimes to the millisecond) and returns
 * 0 for some forms (`real(nan)`, `0x1F`, `time(1.02:03:04)`), so the token's text is converted by the emulator's
 * own literal parser (values/literalText.ts); strings keep Kusto.Language's value (escapes, verbatim and multi-line
 * forms).
 */
import type { DynamicValue, Value } from '../model';
import { syntaxError } from '../errors';
import { parseLiteral } from '../values/literalText';
import { toDynamic } from '../values/valueWriters';
import { kindOf, elements, textOf, type KNode } from './language';

/** The literal types of Kusto.Language's literal syntax kinds. */
const LITERAL_KINDS: Record<string, string> = {
  BooleanLiteralExpression: 'bool',
  IntLiteralExpression: 'int',
  LongLiteralExpression: 'long',
  RealLiteralExpression: 'real',
  DecimalLiteralExpression: 'decimal',
  DateTimeLiteralExpression: 'datetime',
  TimespanLiteralExpression: 'timespan',
  GuidLiteralExpression: 'guid',
};

/**
 * The value of a literal expression node (any `*LiteralExpression` kind, `DynamicExpression`), or undefined when the
 * node is not a literal.
 */
export function literalValue(node: KNode): Value | undefined {
  const kind = kindOf(node);
  switch (kind) {
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return String(node.LiteralValue ?? '');
    case 'NullLiteralExpression':
      return null;
    case 'DynamicExpression':
      return node.Expression ? (dynamicOf(node.Expression) as Value) : null;
    default: {
      const type = LITERAL_KINDS[kind];
      if (!type) return undefined;
      const text = textOf(node);
      const parsed = parseLiteral(text);
      if (!parsed || parsed.type !== type)
        throw syntaxError(`Syntax error: the ${type} literal '${text}' is not valid.`);
      return parsed.value;
    }
  }
}

/** The JSON value of a dynamic literal's content (`{…}`, `[…]`, or a scalar literal). */
function dynamicOf(node: KNode): DynamicValue {
  const kind = kindOf(node);
  if (kind === 'JsonObjectExpression') {
    const out: { [key: string]: DynamicValue } = {};
    for (const pair of elements(node.Pairs)) {
      const name = pair.Name as KNode;
      const key = String((name as unknown as { ValueText: string }).ValueText ?? name.Text);
      out[key] = pair.Value ? dynamicOf(pair.Value) : null;
    }
    return out;
  }
  if (kind === 'JsonArrayExpression') return elements(node.Values).map(dynamicOf);
  if (kind === 'ParenthesizedExpression' && node.Expression) return dynamicOf(node.Expression);
  if (kind === 'UnaryMinusExpression' && node.Expression) {
    const v = dynamicOf(node.Expression);
    return typeof v === 'number' ? -v : v;
  }
  const v = literalValue(node);
  if (v === undefined) throw syntaxError(`Syntax error: '${textOf(node)}' is not allowed in a dynamic literal.`);
  const type = LITERAL_KINDS[kind] ?? 'string';
  return toDynamic(type as Parameters<typeof toDynamic>[0], v);
}
