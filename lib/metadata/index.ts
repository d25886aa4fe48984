/** Metadata written by the decorators and read by registration. */
export * from './keys';
export * from './records';
export * from './store';
