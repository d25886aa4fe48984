/**
 * class-transformer, loaded on first use: importing kusto-functions must stay cheap for cold starts, and
 * mapping is needed only once an invocation runs. It is a peer dependency, so this is the app's own copy and
 * sees the app's `@Type` / `@Expose` metadata.
 */
import type * as ClassTransformer from 'class-transformer';

let loaded: typeof ClassTransformer | undefined;

/** The app's class-transformer module. */
export function classTransformer(): typeof ClassTransformer {
  if (!loaded) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load, see above
      loaded = require('class-transformer') as typeof ClassTransformer;
    } catch (cause) {
      throw new Error(
        "kusto-functions needs the 'class-transformer' package to map rows: run `npm install class-transformer` in your app.",
        { cause },
      );
    }
  }
  return loaded;
}

/** The part of class-transformer's metadata storage the fast path consults. */
interface MetadataStorage {
  getStrategy(target: object): string;
  getExposedMetadatas(target: object): unknown[];
  getExcludedMetadatas(target: object): unknown[];
  findTypeMetadata(target: object, property: string): unknown;
  findTransformMetadatas(target: object, property: string, transformationType: number): unknown[];
}

let storage: MetadataStorage | undefined;

// class-transformer's TransformationType.PLAIN_TO_CLASS.
const PLAIN_TO_CLASS = 0;

function metadataStorage(): MetadataStorage {
  if (!storage) {
    // The storage is where the app's decorators record; same package copy as classTransformer() above.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load, see above
    storage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage })
      .defaultMetadataStorage;
  }
  return storage;
}

/**
 * The type a property's `@Type(() => X)` names (for an array, its elements'), when it names one type; undefined
 * without `@Type`, or with a discriminator (several possible types).
 */
export function declaredPropertyType(type: object, key: string): unknown {
  const typeMetadata = metadataStorage().findTypeMetadata(type, key) as
    { typeFunction: () => unknown; options?: { discriminator?: unknown } } | undefined;
  return typeMetadata && !typeMetadata.options?.discriminator ? typeMetadata.typeFunction() : undefined;
}

/** How a property is mapped: copied as is, made a Date (`@Type(() => Date)`), or left to class-transformer. */
export type PropertyMapping = 'copy' | 'date' | 'general';

/**
 * How class-transformer would map one property of `type`, when it is simple enough to do directly (many times
 * faster): with no @Expose/@Exclude anywhere on the class and no @Transform on the property, it copies the value,
 * or makes a Date of it for `@Type(() => Date)`.
 */
export function propertyMapping(type: object, key: string): PropertyMapping {
  const storage = metadataStorage();
  if (storage.getStrategy(type) !== 'none') return 'general';
  if (storage.getExposedMetadatas(type).length > 0 || storage.getExcludedMetadatas(type).length > 0) return 'general';
  if (storage.findTransformMetadatas(type, key, PLAIN_TO_CLASS).length > 0) return 'general';
  if (!storage.findTypeMetadata(type, key)) return 'copy';
  return declaredPropertyType(type, key) === Date ? 'date' : 'general';
}
