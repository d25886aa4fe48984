/** Registration of decorated handler classes into @azure/functions. */
export type * from './description'; // types only: nothing to load at run time
export * from './output';
export * from './registerFunctions';
export type { InvocationBindings, InvocationData } from './invocationBindings';
