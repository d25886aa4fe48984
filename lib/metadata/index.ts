/** Metadata written by the decorators and read by registration. */
export * from './keys';
export type * from './records'; // types only: nothing to load at run time
export * from './store';
