/// <reference types="reflect-metadata" />
/**
 * Loads reflect-metadata (a peer dependency: the app and this package must share one copy), with an error that
 * says how to fix it when it is missing.
 */
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a side-effect import with a better error
  require('reflect-metadata');
} catch (cause) {
  throw new Error(
    "kusto-functions needs the 'reflect-metadata' package: run `npm install reflect-metadata` in your app.",
    { cause },
  );
}
