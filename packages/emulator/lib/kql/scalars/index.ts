/**
 * Kusto scalar functions and operators for the emulator's KQL engine.
 *
 * CONTRACT (owned by the scalars part; used by the KQL engine): the engine resolves types with
 * Kusto.Language and calls `scalarFunctions.get(name)` / `binaryOperator(...)` once per call site, then the
 * returned closures per row. Values are in model.ts's in-memory forms.
 */
import { conditionalFunctions } from './conditional';
import { conversionFunctions } from './conversion';
import { datetimeFunctions } from './datetime';
import { dynamicFunctions } from './dynamic';
import { ipFunctions } from './ip';
import { mathFunctions } from './math';
import { parsingFunctions } from './parsing';
import { seriesFunctions } from './series';
import { sketchFunctions } from './sketch';
import { stringFunctions } from './string';
import { tdigestFunctions } from './tdigest';
import { timezoneFunctions } from './timezone';
import { urlFunctions } from './url';
import type { ScalarFunctionImpl } from './types';

export type { ScalarContext, ScalarFunctionImpl } from './types';
export { argBool, argDynamic, argInt, argLong, argNumber, argString, asResult, convertValue } from './conversion';
export { formatDatetimeWith, formatTimespanWith } from './datetime';
export { dynamicIndex, sortedTupleElement } from './dynamic';
export { binaryOperator, compareValues, hashKey, hasTerm, unaryOperator, valuesEqual } from './scalarOperators';
export { kustoRegex, type KustoRegex } from './regex';
export { hllHash, hllHashes, hllValue } from './sketch';
export { Digest, digestType, readDigest } from './tdigest';

/** Every scalar function by lower-case Kusto name, aliases included (iif / iff, todouble / toreal, pack / bag_pack, …). */
export const scalarFunctions: ReadonlyMap<string, ScalarFunctionImpl> = new Map(
  Object.entries({
    ...conversionFunctions,
    ...stringFunctions,
    ...datetimeFunctions,
    ...mathFunctions,
    ...conditionalFunctions,
    ...dynamicFunctions,
    ...ipFunctions,
    ...timezoneFunctions,
    ...parsingFunctions,
    ...seriesFunctions,
    ...sketchFunctions,
    ...tdigestFunctions,
    ...urlFunctions,
  }),
);
