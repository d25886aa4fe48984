/**
 * The scalar functions and operators the engine calls (lib/kql/scalars), re-exported from one place so the
 * engine's modules name only what they use.
 */
export {
  binaryOperator,
  compareValues,
  convertValue,
  Digest,
  digestType,
  hashKey,
  hllHash,
  hllHashes,
  hllValue,
  kustoRegex,
  readDigest,
  scalarFunctions,
  sortedTupleElement,
  unaryOperator,
  valuesEqual,
  type ScalarContext,
  type ScalarFunctionImpl,
  type KustoRegex,
} from './scalars';
