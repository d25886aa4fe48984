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
