/**
 * How the engine names and quotes syntax nodes in its messages: an operator's or statement's keyword, a called
 * function's name, and query text shortened to one line.
 */
import { kindOf, textOf, type KNode } from './language';

/** The first token's text of a node (an operator's or statement's keyword). */
export function firstToken(node: KNode): string {
  return node.GetFirstToken()?.Text ?? kindOf(node);
}

/** The called function's name. */
export function functionName(call: KNode): string {
  return (call.Name?.SimpleName as string | undefined) ?? call.ReferencedSymbol?.Name ?? textOf(call);
}

/** Shortens query text quoted in a message. */
export function clip(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
