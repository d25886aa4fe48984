/** Registration of decorated handler classes into @azure/functions. */
export * from './description';
export * from './output';
export * from './registerFunctions';
export type { InvocationBindings, InvocationData } from './invocationBindings';
