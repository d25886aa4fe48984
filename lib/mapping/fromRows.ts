/**
 * Plain rows (query results, JSON bodies, messages) → typed instances with class-transformer, honouring the
 * user's `@Type`, `@Expose({ name })`, `@Exclude` and `@Transform`.
 */
import { classTransformer, propertyMapping, type PropertyMapping } from './classTransformer';
import { KustoBindingError } from 'kusto-functions-bindings';
import type { ClassType } from '../metadata';
import { convertTypedProperties, describeValueType } from './typedProperties';

/** Maps one plain object to an instance of `type`, or throws naming `source` and the property at fault. */
export function toInstance<T>(type: ClassType<T>, row: unknown, source: string): T {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new KustoBindingError(
      `Cannot map ${source} to ${type.name}: expected an object but got ${describeValueType(row)}.`,
    );
  }
  let instance: T;
  try {
    instance = classTransformer().plainToInstance(type, row) as T;
  } catch (error) {
    throw mappingFailure(type, [row], error, (key) => `Cannot map ${source} to ${type.name}: property '${key}'`);
  }
  const problem = convertTypedProperties(type, instance as Record<string, unknown>);
  if (problem) throw new KustoBindingError(`Cannot map ${source} to ${type.name}: ${problem}.`);
  return instance;
}

/**
 * Maps an array of plain rows to instances of `type`. `source` names where the rows came from (for example
 * "the Kusto input 'kustoInput1' of ProductFunctions.getProducts"); errors name the row index too.
 */
export function toInstances<T>(type: ClassType<T>, rows: unknown, source: string): T[] {
  if (!Array.isArray(rows)) {
    throw new KustoBindingError(
      `Cannot map ${source} to ${type.name}[]: expected an array of rows but got ${describeValueType(rows)}.`,
    );
  }
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new KustoBindingError(
        `Cannot map row ${i} of ${source} to ${type.name}: expected an object but got ${describeValueType(row)}.`,
      );
    }
  }
  let instances: T[];
  try {
    instances = mapAll(type, rows as Record<string, unknown>[]);
  } catch (error) {
    throw mappingFailure(
      type,
      rows,
      error,
      (key, i) => `Cannot map row ${i} of ${source} to ${type.name}: property '${key}'`,
    );
  }
  for (let i = 0; i < instances.length; i++) {
    const problem = convertTypedProperties(type, instances[i] as Record<string, unknown>);
    if (problem) throw new KustoBindingError(`Cannot map row ${i} of ${source} to ${type.name}: ${problem}.`);
  }
  return instances;
}

/**
 * The error for a mapping that threw (an app's `@Transform` given a value of another type, say): the property whose
 * value makes it throw, found by mapping each alone, as a KustoBindingError (for a request body, a 400). When no one
 * property does (a constructor that always throws), the app's code is at fault: its error is returned as it is.
 */
function mappingFailure(
  type: ClassType,
  rows: readonly unknown[],
  error: unknown,
  naming: (key: string, row: number) => string,
): unknown {
  const mapper = classTransformer();
  // Bounded by the rows and their keys; it runs only once mapping has failed.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    for (const key of Object.keys(row)) {
      try {
        mapper.plainToInstance(type, { [key]: row[key] });
      } catch {
        const name = error instanceof Error ? error.name : typeof error;
        return new KustoBindingError(`${naming(key, i)} could not be converted (mapping it threw ${name}).`, {
          cause: error,
        });
      }
    }
  }
  return error;
}

/** Maps a value that is one object or an array of objects (a JSON body, a message) to `type`. */
export function toInstanceOrInstances(type: ClassType, value: unknown, source: string): unknown {
  return Array.isArray(value) ? toInstances(type, value, source) : toInstance(type, value, source);
}

// Per class: how each property maps (see propertyMapping), decided once per property.
const mappings = new WeakMap<object, Map<string, PropertyMapping>>();

function mappingOf(type: object, perType: Map<string, PropertyMapping>, key: string): PropertyMapping {
  let mapping = perType.get(key);
  if (mapping === undefined) perType.set(key, (mapping = propertyMapping(type, key)));
  return mapping;
}

function mapAll<T>(type: ClassType<T>, rows: Record<string, unknown>[]): T[] {
  let perType = mappings.get(type);
  if (!perType) mappings.set(type, (perType = new Map()));
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const instance = new type() as Record<string, unknown>;
    for (const key in row) {
      const value = row[key];
      switch (mappingOf(type, perType, key)) {
        case 'copy':
          instance[key] = value;
          break;
        case 'date':
          // As class-transformer does for @Type(() => Date).
          instance[key] = value === null || value === undefined ? value : new Date(value as string);
          break;
        case 'general':
          // One call for the whole array: class-transformer's per-call setup is not repeated per row.
          return classTransformer().plainToInstance(type, rows) as T[];
      }
    }
    out[i] = instance as T;
  }
  return out;
}
