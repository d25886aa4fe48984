/**
 * Reads the `declare query_parameters (…)` statement of a KQL query, so that registration can check it
 * against kqlParameters before anything runs. This is a scanner for that one statement, not a KQL parser.
 */

/** One declared query parameter. */
export interface DeclaredQueryParameter {
  /** Parameter name. */
  name: string;
  /** Declared type as written (`long`, `string`, `datetime`, …). */
  type: string;
  /** Whether the declaration gives a default value (then a value may be omitted). */
  hasDefault: boolean;
}

/** Thrown when a `declare query_parameters` statement cannot be read. */
export class QueryParametersSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParametersSyntaxError';
  }
}

/** The parameters declared by every `declare query_parameters` statement of `kql`, in order. */
export function declaredQueryParameters(kql: string): DeclaredQueryParameter[] {
  const tokens = tokenize(kql);
  const params: DeclaredQueryParameter[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].toLowerCase() !== 'declare' || tokens[i + 1]?.toLowerCase() !== 'query_parameters') continue;
    if (tokens[i + 2] !== '(') throw new QueryParametersSyntaxError(`expected '(' after 'declare query_parameters'`);
    let j = i + 3;
    while (j < tokens.length && tokens[j] !== ')') {
      const name = unbracket(tokens[j]);
      if (tokens[j + 1] !== ':') throw new QueryParametersSyntaxError(`expected ':' after parameter '${name}'`);
      const type = tokens[j + 2];
      if (!type || type === ',' || type === ')') {
        throw new QueryParametersSyntaxError(`expected a type for parameter '${name}'`);
      }
      j += 3;
      let hasDefault = false;
      if (tokens[j] === '=') {
        hasDefault = true;
        // Skip the default value: everything up to the next top-level ',' or ')'.
        let depth = 0;
        j++;
        while (j < tokens.length && (depth > 0 || (tokens[j] !== ',' && tokens[j] !== ')'))) {
          if (tokens[j] === '(' || tokens[j] === '[') depth++;
          if (tokens[j] === ')' || tokens[j] === ']') depth--;
          j++;
        }
      }
      params.push({ name, type, hasDefault });
      if (tokens[j] === ',') j++;
    }
    if (j >= tokens.length) throw new QueryParametersSyntaxError(`'declare query_parameters (' is not closed`);
    i = j;
  }
  return params;
}

function unbracket(token: string): string {
  const m = /^\[\s*(['"])(.*)\1\s*\]$/.exec(token);
  return m ? m[2] : token;
}

// Identifiers (with bracketed ['names']), punctuation and skipped literals: enough to find the statement.
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '`' && text.startsWith('```', i)) {
      // Multi-line string: no escapes, ends at the next ```.
      const end = text.indexOf('```', i + 3);
      const stop = end < 0 ? text.length : end + 3;
      tokens.push(text.slice(i, stop));
      i = stop;
    } else if (c === '@' && (text[i + 1] === '"' || text[i + 1] === "'")) {
      // Verbatim string: a backslash is itself; the quote is escaped by doubling it.
      const quote = text[i + 1];
      let j = i + 2;
      while (j < text.length && !(text[j] === quote && text[j + 1] !== quote)) j += text[j] === quote ? 2 : 1;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === '"' || c === "'") {
      const start = i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      tokens.push(text.slice(start, ++i));
    } else if (c === '[' && /^\[\s*['"]/.test(text.slice(i, i + 4))) {
      const end = text.indexOf(']', i);
      const stop = end < 0 ? text.length : end + 1;
      tokens.push(text.slice(i, stop));
      i = stop;
    } else if (/[A-Za-z0-9_.]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i])) i++;
      tokens.push(text.slice(start, i));
    } else {
      tokens.push(c);
      i++;
    }
  }
  return tokens;
}
