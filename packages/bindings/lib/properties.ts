/**
 * The `@name=value,…` lists of kqlParameters, clientRequestProperties and ingestionProperties.
 *
 * Grammar (a superset of the extension's, which splits on `,` then `=` and so cannot carry either in a value):
 * `list := pair (',' pair)*`, `pair := '@' name '=' value`. A value is either bare text up to the next comma
 * (it may contain `=`, and surrounding blanks are trimmed) or quoted with `"` or `'`, doubling the quote
 * character to include it (`@q="say ""hi"", then go"`). Binding expressions inside values are resolved by the
 * engine after this parse, so a resolved value may contain any character.
 */

/** One `@name=value` pair. */
export interface PropertyPair {
  /** Name without the `@`. */
  name: string;
  /** Value text, unquoted (binding expressions still unresolved). */
  value: string;
  /** Whether the value was quoted (then it is taken verbatim, blanks included). */
  quoted: boolean;
}

/** Thrown for a list that does not follow the grammar; the message says where and what. */
export class PropertyListSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyListSyntaxError';
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Parses an `@name=value,…` list; an empty or blank text is an empty list. */
export function parsePropertyList(text: string): PropertyPair[] {
  const pairs: PropertyPair[] = [];
  const seen = new Set<string>();
  let i = skipBlanks(text, 0);
  if (i >= text.length) return pairs;
  for (;;) {
    if (text[i] !== '@') {
      throw new PropertyListSyntaxError(
        `expected '@name=value' at position ${i + 1} but found '${text.slice(i, i + 12)}'`,
      );
    }
    NAME.lastIndex = i + 1;
    const match = NAME.exec(text);
    if (!match) throw new PropertyListSyntaxError(`expected a name after '@' at position ${i + 1}`);
    const name = match[0];
    i = skipBlanks(text, NAME.lastIndex);
    if (text[i] !== '=') throw new PropertyListSyntaxError(`expected '=' after '@${name}'`);
    if (seen.has(name.toLowerCase())) throw new PropertyListSyntaxError(`'@${name}' is given twice`);
    seen.add(name.toLowerCase());
    i = skipBlanks(text, i + 1);
    let value: string;
    let quoted = false;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      quoted = true;
      const end = findClosingQuote(text, i, quote);
      if (end < 0) throw new PropertyListSyntaxError(`the quoted value of '@${name}' is not closed`);
      value = text
        .slice(i + 1, end)
        .split(quote + quote)
        .join(quote);
      i = skipBlanks(text, end + 1);
      if (i < text.length && text[i] !== ',') {
        throw new PropertyListSyntaxError(`unexpected text after the quoted value of '@${name}'`);
      }
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      value = text.slice(i, end).trim();
      i = end;
    }
    pairs.push({ name, value, quoted });
    if (i >= text.length) return pairs;
    // text[i] is ',' here.
    i = skipBlanks(text, i + 1);
    if (i >= text.length) throw new PropertyListSyntaxError(`a trailing ',' ends the list`);
  }
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function findClosingQuote(text: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return -1;
}
