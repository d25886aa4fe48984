/** The binding model shared by registration and the engine: options, bindings and their small languages. */
export * from './options';
export * from './properties';
export * from './expressions';
export * from './queryParameters';
export type * from './triggers'; // types only: nothing to load at run time
export * from './routes';
