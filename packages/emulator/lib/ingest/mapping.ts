/**
 * Ingestion mappings: parsing their JSON definitions (the `Properties` form and the flattened forms Kusto
 * also accepts), writing them back as `.show … mappings` does, and evaluating JSON paths.
 */
import { KustoEmulatorError, notSupported, syntaxError } from '../errors';
import type { IngestionMapping, IngestionMappingEntry, Table } from '../model';
import { scalarTypeOf } from '../typeNames';
import { PreciseNumber } from '../values/decimalValue';
import type { JsonValue } from './jsonReader';
import { readJsonValues } from './jsonReader';

/** Mapping kinds the emulator stores, as Kusto spells them. */
export type MappingKind = 'Json' | 'Csv';

/** Transformations the emulator applies, in Kusto's spelling. */
export const TRANSFORMS = [
  'SourceLocation',
  'SourceLineNumber',
  'DateTimeFromUnixSeconds',
  'DateTimeFromUnixMilliseconds',
  'DateTimeFromUnixMicroseconds',
  'DateTimeFromUnixNanoseconds',
  'PropertyBagArrayToDictionary',
] as const;

// Transformations Kusto has that the emulator does not implement: rejected, never ignored.
const UNSUPPORTED_TRANSFORMS = ['DropMappedFields', 'BytesAsBase64'];

/** The mapping kind named `name` (`json`, `csv`; case-insensitive). */
export function parseMappingKind(name: string): MappingKind {
  const lower = name.toLowerCase();
  if (lower === 'json') return 'Json';
  if (lower === 'csv') return 'Csv';
  if (['avro', 'apacheavro', 'parquet', 'orc', 'w3clogfile'].includes(lower))
    throw notSupported(`${name} ingestion mappings`);
  throw syntaxError(`Unknown ingestion mapping kind '${name}': expected json or csv.`);
}

/** The key a mapping is stored under in `Table.mappings`. */
export function mappingKey(kind: string, name: string): string {
  return `${kind.toLowerCase()}:${name}`;
}

// Case-insensitive property lookup over several accepted spellings.
function pick(obj: Record<string, JsonValue>, ...names: string[]): JsonValue | undefined {
  for (const key of Object.keys(obj)) {
    if (names.includes(key.toLowerCase())) return obj[key];
  }
  return undefined;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function badMapping(name: string, detail: string): KustoEmulatorError {
  return new KustoEmulatorError(`Ingestion mapping '${name}' is not valid: ${detail}`, {
    code: 'BadRequest_InvalidMapping',
  });
}

/** Parses a mapping definition (a JSON array) of `kind`; `name` is for messages. */
export function parseMappingEntries(kind: MappingKind, name: string, definition: string): IngestionMappingEntry[] {
  let parsed: JsonValue[];
  try {
    parsed = readJsonValues(definition);
  } catch (error) {
    throw badMapping(name, `its definition is not JSON (${(error as Error).message})`);
  }
  if (parsed.length !== 1 || !Array.isArray(parsed[0]))
    throw badMapping(name, 'expected a JSON array of column mappings.');
  return parsed[0].map((item, index) => {
    const where = `entry ${index + 1}`;
    if (!isObject(item)) throw badMapping(name, `${where} is not a JSON object.`);
    const column = text(pick(item, 'column', 'name', 'columnname'));
    if (!column) throw badMapping(name, `${where} names no column ("column").`);
    const props = pick(item, 'properties');
    const source: Record<string, JsonValue> = isObject(props) ? { ...item, ...props } : item;
    const entry: IngestionMappingEntry = { column };
    const datatype = text(pick(item, 'datatype'));
    if (datatype) {
      if (!scalarTypeOf(datatype))
        throw badMapping(name, `${where} (column '${column}') has unknown datatype '${datatype}'.`);
      entry.datatype = datatype;
    }
    const path = text(pick(source, 'path'));
    if (path !== undefined) {
      // A Path that does not start with '$' is a constant, as Kusto documents.
      if (path.startsWith('$')) {
        parseJsonPath(path, `mapping '${name}' ${where}`);
        entry.path = path;
      } else entry.constValue = path;
    }
    const ordinal = text(pick(source, 'ordinal'));
    if (ordinal !== undefined) {
      if (!/^\d+$/.test(ordinal))
        throw badMapping(name, `${where} (column '${column}') has ordinal '${ordinal}', not a non-negative integer.`);
      entry.ordinal = Number(ordinal);
    }
    const constValue = text(pick(source, 'constvalue', 'const'));
    if (constValue !== undefined) entry.constValue = constValue;
    const transform = text(pick(source, 'transform'));
    if (transform) {
      const known = TRANSFORMS.find((t) => t.toLowerCase() === transform.toLowerCase());
      if (!known) {
        if (UNSUPPORTED_TRANSFORMS.some((t) => t.toLowerCase() === transform.toLowerCase())) {
          throw notSupported(`Mapping transformation '${transform}'`);
        }
        throw badMapping(name, `${where} (column '${column}') has unknown transform '${transform}'.`);
      }
      entry.transform = known;
    }
    const sourceless =
      entry.constValue !== undefined || entry.transform === 'SourceLocation' || entry.transform === 'SourceLineNumber';
    if (kind === 'Json' && entry.path === undefined && !sourceless) {
      throw badMapping(name, `${where} (column '${column}') needs a Path, a ConstValue or a source transform.`);
    }
    if (kind === 'Csv' && entry.ordinal === undefined && !sourceless) {
      throw badMapping(name, `${where} (column '${column}') needs an Ordinal, a ConstValue or a source transform.`);
    }
    return entry;
  });
}

/** Fails when a mapping names a column the table lacks (Kusto's streaming ingestion does not add columns). */
export function checkMappingColumns(mapping: { name: string; entries: IngestionMappingEntry[] }, table: Table): void {
  for (const entry of mapping.entries) {
    if (!table.columns.some((c) => c.name === entry.column)) {
      throw new KustoEmulatorError(
        `Ingestion mapping '${mapping.name}' maps column '${entry.column}', which table '${table.name}' does not have.`,
        { code: 'BadRequest_InvalidMapping' },
      );
    }
  }
}

/** The mapping as `.show … ingestion mappings` writes it: Kusto's flattened lower-case form. */
export function mappingDefinitionText(mapping: IngestionMapping): string {
  return JSON.stringify(
    mapping.entries.map((e) => {
      const out: Record<string, unknown> = { column: e.column };
      if (e.path !== undefined) out.path = e.path;
      if (e.ordinal !== undefined) out.ordinal = String(e.ordinal);
      if (e.constValue !== undefined) out.constValue = e.constValue;
      out.datatype = e.datatype ?? '';
      out.transform = e.transform ?? null;
      return out;
    }),
  );
}

/** One step of a JSON path: a property name or an array index (negative counts from the end). */
export type PathStep = { name: string } | { index: number };

const pathCache = new Map<string, PathStep[]>();

/** Parses `$`, `$.a.b`, `$['a b']`, `$["a"]`, `$.arr[0]`, `$.arr[-1]`; `where` names the path's owner in errors. */
export function parseJsonPath(path: string, where: string): PathStep[] {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const steps: PathStep[] = [];
  const fail = (detail: string): never => {
    throw syntaxError(`JSON path '${path}' of ${where} is not valid: ${detail}.`);
  };
  if (path[0] !== '$') fail("it must start with '$'");
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      if (path[i] === '[') continue; // `$.['name']`, as the docs write it.
      const m = /^[^.[\]]+/.exec(path.slice(i));
      if (!m) fail(`expected a property name at position ${i}`);
      steps.push({ name: (m as RegExpExecArray)[0] });
      i += (m as RegExpExecArray)[0].length;
    } else if (path[i] === '[') {
      const rest = path.slice(i);
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      if (quoted) {
        steps.push({ name: quoted[2].replace(/\\(.)/g, '$1') });
        i += quoted[0].length;
      } else if (index) {
        steps.push({ index: Number(index[1]) });
        i += index[0].length;
      } else fail(`expected ['name'] or [index] at position ${i}`);
    } else fail(`unexpected '${path[i]}' at position ${i}`);
  }
  if (pathCache.size > 10_000) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}

/** The value at `steps` in `record`, or undefined when any step is missing. */
export function evaluateJsonPath(record: JsonValue, steps: PathStep[]): JsonValue | undefined {
  let current: JsonValue | undefined = record;
  for (const step of steps) {
    if (current === null || current === undefined || typeof current !== 'object' || current instanceof PreciseNumber) {
      return undefined;
    }
    if ('name' in step) {
      if (Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, step.name)) return undefined;
      current = current[step.name];
    } else {
      if (!Array.isArray(current)) return undefined;
      const at: number = step.index < 0 ? current.length + step.index : step.index;
      current = current[at];
    }
  }
  return current;
}
