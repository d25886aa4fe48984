/** Registration of decorated handler classes into @azure/functions. */
export type * from './functionPlan'; // types only: nothing to load at run time
export * from './output';
export type { RegisteredFunction } from './registeredFunction';
export * from './registerFunctions';
export type { InvocationBindings, InvocationData } from './invocationBindings';
