/**
 * The SDK's own part of the binding vocabulary: the trigger decorators' options (which extend @azure/functions'
 * own). The Kusto binding options live in kusto-functions-bindings, shared with the engine.
 */
export type * from './triggers'; // types only: nothing to load at run time
