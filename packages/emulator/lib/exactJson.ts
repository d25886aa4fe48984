/**
 * JSON text for values that may hold bigints: a long is written as its exact digits, never through a
 * JS number, so values beyond 2^53 reach the client intact.
 */

/** Serializes `value` as JSON; bigints become exact JSON numbers, non-finite numbers Kusto's strings. */
export function toExactJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

/** Appends the JSON text of `value` to `out` (lets callers stream rows one by one). */
export function writeExactJson(value: unknown, out: string[]): void {
  write(value, out);
}

/** Literal JSON text queued between values while writing nested arrays and objects. */
class Text {
  constructor(readonly text: string) {}
}

const COMMA = new Text(',');
const CLOSE_ARRAY = new Text(']');
const CLOSE_OBJECT = new Text('}');

/**
 * Writes with an explicit stack rather than recursion: a value nested thousands of levels deep (a `dynamic` read
 * from some source before its depth was checked) is written, never a stack overflow that fails a whole response.
 */
function write(root: unknown, out: string[]): void {
  if (root === null || typeof root !== 'object') {
    writeScalar(root, out);
    return;
  }
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value instanceof Text) {
      out.push(value.text);
    } else if (value === null || typeof value !== 'object') {
      writeScalar(value, out);
    } else if (Array.isArray(value)) {
      out.push('[');
      stack.push(CLOSE_ARRAY);
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push(value[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else if (value instanceof Date) {
      out.push(JSON.stringify(value.toISOString()));
    } else {
      out.push('{');
      stack.push(CLOSE_OBJECT);
      const entries = Object.entries(value).filter(([, item]) => item !== undefined);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i][1], new Text(`${JSON.stringify(entries[i][0])}:`));
        if (i > 0) stack.push(COMMA);
      }
    }
  }
}

function writeScalar(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'bigint':
      out.push(value.toString());
      return;
    case 'number':
      // Kusto writes real NaN / ±Infinity as strings in REST responses.
      if (Number.isFinite(value)) out.push(JSON.stringify(value));
      else out.push(Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
    case 'object':
      out.push('null');
      return;
    default:
      throw new TypeError(`Cannot write a ${typeof value} as JSON.`);
  }
}
