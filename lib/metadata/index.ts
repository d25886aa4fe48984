/**
 * The metadata registration reads: what the decorators record, and the types TypeScript records. Nothing outside
 * this folder reads reflect-metadata.
 */
export * from './designTypes';
export * from './keys';
export type * from './records'; // types only: nothing to load at run time
export * from './store';
