import type { DynamicValue } from '../../model';
import { notSupported } from '../../errors';
import { argDynamic, argInt, argString } from './conversion';
import type { ScalarFunctionTable } from './types';

/**
 * parse_csv: the first record of a CSV text as an array of strings. A field in double quotes may hold commas,
 * line feeds and doubled quotes (`""`); an unquoted line break ends the record.
 */
function parseCsv(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          // An unclosed quote runs to the end, as a lenient reader takes it.
          field += text.slice(i);
          i = text.length;
          break;
        }
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Text after the closing quote up to the delimiter belongs to the field.
      const rest = /[^,\r\n]*/y;
      rest.lastIndex = i;
      const m = rest.exec(text);
      if (m) {
        field += m[0];
        i += m[0].length;
      }
    } else {
      const plain = /[^,\r\n]*/y;
      plain.lastIndex = i;
      const m = plain.exec(text) as RegExpExecArray;
      field = m[0];
      i += field.length;
    }
    fields.push(field);
    if (text[i] !== ',') return fields;
    i++;
  }
}

type PathParts = {
  Scheme: string;
  RootPath: string;
  DirectoryPath: string;
  DirectoryName: string;
  Filename: string;
  Extension: string;
  AlternateDataStreamName: string;
};

/**
 * parse_path, for the shapes the reference's examples show: a drive path (`C:\temp\file.txt`), a relative path, a
 * `scheme://` path, a share (`\\shared\users\…`) and a Unix path, with an optional alternate data stream
 * (`file.txt:some.exe`). Shapes whose parts the reference does not show (long paths `\\?\`, a path ending in a
 * separator, a file directly under a root) are refused rather than guessed.
 */
function parsePath(path: string): PathParts {
  const refuse = (): never => {
    throw notSupported(`parse_path() of the path '${path.slice(0, 128)}'`);
  };
  let rest = path;
  let scheme = '';
  const schemed = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//.exec(rest);
  if (schemed) {
    scheme = schemed[1];
    rest = rest.slice(schemed[0].length);
  }
  if (rest.startsWith('\\\\?\\') || rest.startsWith('\\\\.\\')) refuse();
  const root = /^[A-Za-z]:/.exec(rest)?.[0] ?? '';
  const lastSep = Math.max(rest.lastIndexOf('/'), rest.lastIndexOf('\\'));
  if (lastSep < 0) {
    if (root !== '' || rest === '') refuse();
  }
  const directoryPath = lastSep < 0 ? '' : rest.slice(0, lastSep);
  let filename = rest.slice(lastSep + 1);
  if (filename === '') refuse();
  const directoryName = directoryPath.slice(
    Math.max(directoryPath.lastIndexOf('/'), directoryPath.lastIndexOf('\\')) + 1,
  );
  if (lastSep >= 0 && (directoryName === '' || directoryName === root)) refuse();
  let stream = '';
  const colon = filename.indexOf(':');
  if (colon >= 0) {
    stream = filename.slice(colon + 1);
    filename = filename.slice(0, colon);
  }
  const dot = filename.lastIndexOf('.');
  return {
    Scheme: scheme,
    RootPath: root,
    DirectoryPath: directoryPath,
    DirectoryName: directoryName,
    Filename: filename,
    Extension: dot < 0 ? '' : filename.slice(dot + 1),
    AlternateDataStreamName: stream,
  };
}

/**
 * array_split: the array cut at each index (negative ones count from the end), as N+1 arrays
 * `[0..i1), [i1..i2), … [iN..length)`. Indexes out of order or out of bounds are refused: the reference does not
 * say what Kusto makes of them.
 */
function arraySplit(array: DynamicValue[], indexes: number[]): DynamicValue[] {
  const cuts = indexes.map((i) => (i < 0 ? array.length + i : i));
  let from = 0;
  const out: DynamicValue[] = [];
  for (const cut of cuts) {
    if (cut < from || cut > array.length) {
      throw notSupported(`array_split() at the indexes [${indexes.join(',')}] of an array of ${array.length}`);
    }
    out.push(array.slice(from, cut));
    from = cut;
  }
  out.push(array.slice(from));
  return out;
}

/** parse_csv, parse_path and array_split. */
export const parsingFunctions: ScalarFunctionTable = {
  parse_csv: (args, argTypes) => parseCsv(argString(args[0], argTypes[0])),
  parse_path: (args, argTypes) => parsePath(argString(args[0], argTypes[0])),
  array_split: (args, argTypes) => {
    const array = argDynamic(args[0], argTypes[0]);
    if (!Array.isArray(array) || args[1] === null) return null;
    let indexes: number[];
    if (argTypes[1] === 'dynamic') {
      const d = args[1] as DynamicValue;
      const list = Array.isArray(d) ? d : [d];
      if (!list.every((x) => typeof x === 'number' && Number.isInteger(x))) return null;
      indexes = list as number[];
    } else {
      const i = argInt(args[1], argTypes[1]);
      if (i === null) return null;
      indexes = [i];
    }
    return arraySplit(array, indexes);
  },
};
