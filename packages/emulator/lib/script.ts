/**
 * Splits a .kql setup script as Kusto Explorer runs it: blocks separated by blank lines, where a block may
 * span lines (a function body, a multi-line string) and a blank line inside an open bracket or string does
 * not end it.
 */

/** One block of a script. */
export interface ScriptBlock {
  /** 1-based line where the block starts. */
  line: number;
  /** The block's text. */
  text: string;
}

/** Whether `text` leaves a bracket or a multi-line string open (strings and comments are skipped). */
function isOpen(text: string): boolean {
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (text.startsWith('```', i) || text.startsWith('~~~', i)) {
      const close = text.indexOf(text.slice(i, i + 3), i + 3);
      if (close < 0) return true;
      i = close + 3;
    } else if (c === '"' || c === "'") {
      // Single-line strings: an unmatched quote (an apostrophe in inline data) ends at the line's end.
      const verbatim = text[i - 1] === '@';
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += !verbatim && text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else {
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') depth--;
      i++;
    }
  }
  return depth > 0;
}

function isCommentOnly(text: string): boolean {
  return text.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('//'));
}

/** The blocks of a script, in order; blocks of only comments are left out. */
export function splitScript(script: string): ScriptBlock[] {
  const lines = script.replace(/\r\n?/g, '\n').split('\n');
  const blocks: ScriptBlock[] = [];
  let current: string[] = [];
  let start = 1;
  const flush = (): void => {
    // Leading comment lines belong to no command: the block starts at its first line of text.
    while (current.length > 0 && (current[0].trim() === '' || current[0].trim().startsWith('//'))) {
      current.shift();
      start++;
    }
    const text = current.join('\n').trim();
    if (text !== '' && !isCommentOnly(text)) blocks.push({ line: start, text });
    current = [];
  };
  lines.forEach((line, index) => {
    if (line.trim() === '') {
      if (current.length > 0 && !isOpen(current.join('\n'))) flush();
      else if (current.length > 0) current.push(line);
      return;
    }
    if (current.length === 0) start = index + 1;
    current.push(line);
  });
  flush();
  return blocks;
}
