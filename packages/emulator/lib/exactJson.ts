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

function write(value: unknown, out: string[]): void {
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
      out.push('null');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
      } else if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i], out);
        }
        out.push(']');
      } else if (value instanceof Date) {
        out.push(JSON.stringify(value.toISOString()));
      } else {
        out.push('{');
        let first = true;
        for (const [key, item] of Object.entries(value)) {
          if (item === undefined) continue;
          if (!first) out.push(',');
          first = false;
          out.push(JSON.stringify(key), ':');
          write(item, out);
        }
        out.push('}');
      }
      return;
    default:
      throw new TypeError(`Cannot write a ${typeof value} as JSON.`);
  }
}
