/**
 * Kusto.Language's diagnostics as the emulator's errors, worded as the Kusto service words them:
 * "Syntax error: …" for parse errors, "Semantic error: …" for the rest (unknown names, type mismatches), followed by
 * Kusto.Language's own message, the offending text when the message does not already quote it, and the position as
 * Kusto's SyntaxException reports it (`[line:position=1:17]`, 1-based).
 */
import { semanticError, syntaxErrorWithCode, type KustoEmulatorError } from '../errors';
import type { KCode, KDiagnostic, KList } from './language';

function toArray(list: KList<KDiagnostic>): KDiagnostic[] {
  const out: KDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) out.push(list.getItem(i));
  return out;
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** The first error of an analysed query as a KustoEmulatorError, or undefined when there is none. */
export function diagnosticsError(code: KCode, text: string): KustoEmulatorError | undefined {
  const errors = toArray(code.GetDiagnostics()).filter((d) => d.Severity === 'Error');
  if (errors.length === 0) return undefined;
  const syntax = toArray(code.GetSyntaxDiagnostics()).filter((d) => d.Severity === 'Error');
  const first = syntax[0] ?? errors[0];
  const kind = syntax.length > 0 ? 'Syntax error' : 'Semantic error';
  const token = text.substr(first.Start, first.Length).trim();
  const bare = token.replace(/^(['"])(.*)\1$/s, '$2');
  const quoted = token !== '' && !first.Message.includes(`'${bare}'`) ? ` (at '${token.slice(0, 60)}')` : '';
  const { line, column } = lineAndColumn(text, first.Start);
  const detail = `${first.Message}${quoted} [line:position=${line}:${column}]`;
  // Kusto reports the specific code (its SEM/SYN codes; here Kusto.Language's KS codes) in the innererror.
  const inner = { code: first.Code, message: detail };
  return syntax.length > 0
    ? syntaxErrorWithCode(`${kind}: ${detail}`, inner)
    : semanticError(`${kind}: ${detail}`, inner);
}
