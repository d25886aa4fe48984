/**
 * The scalar functions and operators the engine calls (lib/emulator/kql/scalars), re-exported from one place so the
 * engine's modules do not depend on where they live.
 */
export {
  binaryOperator,
  compareValues,
  convertValue,
  hashKey,
  scalarFunctions,
  valuesEqual,
  type ScalarContext,
  type ScalarFunctionImpl,
} from './scalarFallback';
