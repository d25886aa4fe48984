/**
 * A small tokenizer for management commands, read on demand: a command's tail after `<|` (inline data,
 * a query) must be taken as raw text, never tokenized.
 */
import { syntaxError } from '../errors';

/** Token kinds. `name` is an identifier or a bracketed name (`['order']`); `string` a string literal. */
export type TokenKind = 'word' | 'name' | 'string' | 'number' | 'punct' | 'end';

/** One token with its place in the command text. */
export interface Token {
  kind: TokenKind;
  /** The identifier, the unquoted string value, the number text, or the punctuation. */
  value: string;
  /** Offset of the token's first character. */
  start: number;
  /** Offset just after the token. */
  end: number;
}

// Two-character punctuation that matters to commands; everything else is one character.
const PUNCT2 = ['<|', '==', '!=', '=~', '!~', '<=', '>=', '=>'];

/** Reads tokens from a command text, one at a time. */
export class CommandReader {
  private pos = 0;
  private peeked: Token | undefined;

  constructor(readonly text: string) {}

  /** The next token, without consuming it. */
  peek(): Token {
    if (!this.peeked) this.peeked = this.scan();
    return this.peeked;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    this.pos = token.end;
    return token;
  }

  /** Whether the next token is the keyword `word` (case-insensitive). */
  isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.value.toLowerCase() === word;
  }

  /** Consumes the keyword `word` if it is next. */
  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  /** Consumes the keyword `word`, or fails naming what was expected. */
  expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`'${word}'`);
  }

  /** Whether the next token is the punctuation `punct`. */
  isPunct(punct: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === punct;
  }

  /** Consumes the punctuation `punct` if it is next. */
  acceptPunct(punct: string): boolean {
    if (!this.isPunct(punct)) return false;
    this.next();
    return true;
  }

  /** Consumes the punctuation `punct`, or fails. */
  expectPunct(punct: string): void {
    if (!this.acceptPunct(punct)) this.fail(`'${punct}'`);
  }

  /** Consumes an entity name: an identifier or a bracketed name. */
  expectName(what: string): string {
    const token = this.peek();
    if (token.kind === 'word' || token.kind === 'name') return this.next().value;
    return this.fail(`${what} name`);
  }

  /** Consumes a string literal. */
  expectString(what: string): string {
    const token = this.peek();
    if (token.kind === 'string') return this.next().value;
    return this.fail(`${what} (a string literal)`);
  }

  /** Consumes a name or a string literal (mapping names may be either). */
  expectNameOrString(what: string): string {
    const token = this.peek();
    if (token.kind === 'word' || token.kind === 'name' || token.kind === 'string') return this.next().value;
    return this.fail(what);
  }

  /** The reading position, for {@link seek}. */
  get position(): number {
    return this.peeked ? this.peeked.start : this.pos;
  }

  /** Moves back (or forward) to a position returned by {@link position}. */
  seek(position: number): void {
    this.peeked = undefined;
    this.pos = position;
  }

  /** Whether the whole command has been read. */
  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  /** Fails unless the whole command has been read. */
  expectEnd(): void {
    if (!this.atEnd()) this.fail('the end of the command');
  }

  /** The raw text from the current position to the end (after `<|`), the position moved to the end. */
  rest(): string {
    const start = this.peeked ? this.peeked.start : this.pos;
    this.peeked = undefined;
    this.pos = this.text.length;
    return this.text.slice(start);
  }

  /**
   * Reads a balanced group opened by `open` (the next token) and returns its raw text, delimiters included:
   * a function's `(params)` or `{ body }`. Strings and comments inside are skipped as units.
   */
  balanced(open: '(' | '{' | '['): string {
    const close = open === '(' ? ')' : open === '{' ? '}' : ']';
    const first = this.peek();
    if (first.kind !== 'punct' || first.value !== open) this.fail(`'${open}'`);
    let depth = 0;
    for (;;) {
      const token = this.next();
      if (token.kind === 'end')
        throw syntaxError(`Syntax error: '${open}' at position ${first.start} is never closed.`);
      if (token.kind !== 'punct') continue;
      if (token.value === '(' || token.value === '{' || token.value === '[') depth++;
      else if (token.value === ')' || token.value === '}' || token.value === ']') depth--;
      if (depth === 0) {
        if (token.value !== close)
          throw syntaxError(`Syntax error: '${open}' at position ${first.start} closed by '${token.value}'.`);
        return this.text.slice(first.start, token.end);
      }
    }
  }

  /** Throws a syntax error saying what was expected where. */
  fail(expected: string): never {
    const token = this.peek();
    const found = token.kind === 'end' ? 'the end of the command' : `'${this.text.slice(token.start, token.end)}'`;
    throw syntaxError(`Syntax error: expected ${expected} at position ${token.start}, found ${found}.`);
  }

  private scan(): Token {
    const text = this.text;
    let i = this.pos;
    // Whitespace and // comments.
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('//', i)) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl + 1;
        continue;
      }
      break;
    }
    if (i >= text.length) return { kind: 'end', value: '', start: i, end: i };
    const c = text[i];
    // Verbatim (@'...'), obfuscated (h'...'), plain and multi-line (```...```) strings.
    if ((c === '@' || c === 'h' || c === 'H') && (text[i + 1] === '"' || text[i + 1] === "'")) {
      if (c === '@') return this.verbatimString(i, i + 1);
      return this.quotedString(i, i + 1);
    }
    if ((c === 'h' || c === 'H') && text[i + 1] === '@' && (text[i + 2] === '"' || text[i + 2] === "'")) {
      return this.verbatimString(i, i + 2);
    }
    if (text.startsWith('```', i) || text.startsWith('~~~', i)) {
      const fence = text.slice(i, i + 3);
      const close = text.indexOf(fence, i + 3);
      if (close < 0) throw syntaxError(`Syntax error: multi-line string at position ${i} is never closed.`);
      return { kind: 'string', value: text.slice(i + 3, close), start: i, end: close + 3 };
    }
    if (c === '"' || c === "'") return this.quotedString(i, i);
    if (c === '[' && (text[i + 1] === "'" || text[i + 1] === '"' || text[i + 1] === '@')) {
      const str = text[i + 1] === '@' ? this.verbatimString(i + 1, i + 2) : this.quotedString(i + 1, i + 1);
      let j = str.end;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] !== ']') throw syntaxError(`Syntax error: bracketed name at position ${i} is missing its ']'.`);
      return { kind: 'name', value: str.value, start: i, end: j + 1 };
    }
    if (/[A-Za-z_$]/.test(c) || c === '.') {
      // A leading '.' (the command verb) and hyphens inside words (`create-or-alter`, `set-or-append`).
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$-]/.test(text[j])) j++;
      if (c === '.' && j === i + 1) return { kind: 'punct', value: '.', start: i, end: j };
      return { kind: 'word', value: text.slice(i, j), start: i, end: j };
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9A-Za-z_.]/.test(text[j])) j++;
      return { kind: 'number', value: text.slice(i, j), start: i, end: j };
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) return { kind: 'punct', value: two, start: i, end: i + 2 };
    return { kind: 'punct', value: c, start: i, end: i + 1 };
  }

  private quotedString(start: number, quoteAt: number): Token {
    const text = this.text;
    const quote = text[quoteAt];
    let value = '';
    let i = quoteAt + 1;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\n') break;
      if (text[i] === '\\' && i + 1 < text.length) {
        const e = text[i + 1];
        value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
        i += 2;
      } else {
        value += text[i++];
      }
    }
    if (text[i] !== quote) throw syntaxError(`Syntax error: string literal at position ${start} is never closed.`);
    return { kind: 'string', value, start, end: i + 1 };
  }

  private verbatimString(start: number, quoteAt: number): Token {
    const text = this.text;
    const quote = text[quoteAt];
    let value = '';
    let i = quoteAt + 1;
    for (;;) {
      if (i >= text.length) throw syntaxError(`Syntax error: string literal at position ${start} is never closed.`);
      if (text[i] === quote) {
        if (text[i + 1] === quote) {
          value += quote;
          i += 2;
          continue;
        }
        return { kind: 'string', value, start, end: i + 1 };
      }
      value += text[i++];
    }
  }
}

/** Reads an optional `with (name = value, …)` clause; property names are returned in lower case. */
export function readWithProperties(reader: CommandReader): Map<string, string> {
  const properties = new Map<string, string>();
  if (!reader.acceptWord('with')) return properties;
  reader.expectPunct('(');
  if (reader.acceptPunct(')')) return properties;
  do {
    const name = reader.expectName('property');
    reader.expectPunct('=');
    const token = reader.peek();
    if (token.kind === 'end' || (token.kind === 'punct' && token.value !== '[' && token.value !== '-')) {
      reader.fail(`a value for property '${name}'`);
    }
    let value: string;
    if (token.kind === 'punct') {
      // A dynamic array literal, or a negative number.
      value = token.value === '[' ? reader.balanced('[') : '-' + (reader.next(), reader.next().value);
    } else {
      value = reader.next().value;
    }
    properties.set(name.toLowerCase(), value);
  } while (reader.acceptPunct(','));
  reader.expectPunct(')');
  return properties;
}

/** Interprets a property value as a boolean (`true`/`false`, any case), failing on anything else. */
export function booleanProperty(properties: Map<string, string>, name: string): boolean | undefined {
  const value = properties.get(name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw syntaxError(`Property '${name}' must be true or false, not '${value}'.`);
}
