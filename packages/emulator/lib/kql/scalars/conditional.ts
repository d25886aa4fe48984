import type { KustoScalarType, Value } from '../../model';
import { argBool, asResult } from './conversion';
import type { ScalarFunctionTable } from './types';

function isEmpty(value: Value): boolean {
  return value === null || value === '';
}

function pick(args: Value[], argTypes: KustoScalarType[], index: number, resultType: KustoScalarType): Value {
  return asResult(args[index], argTypes[index], resultType);
}

/**
 * Conditional and null-test functions. Arguments arrive evaluated; a null predicate counts as false
 * (`iif(bool(null), a, b)` is `b`), and the chosen branch is converted to the call's result type
 * (`iif(c, 1, 2.5)` is real).
 */
export const conditionalFunctions: ScalarFunctionTable = {
  iif: (args, argTypes, resultType) => pick(args, argTypes, argBool(args[0], argTypes[0]) === true ? 1 : 2, resultType),
  iff: (args, argTypes, resultType) => pick(args, argTypes, argBool(args[0], argTypes[0]) === true ? 1 : 2, resultType),
  case: (args, argTypes, resultType) => {
    for (let i = 0; i + 1 < args.length; i += 2) {
      if (argBool(args[i], argTypes[i]) === true) return pick(args, argTypes, i + 1, resultType);
    }
    return pick(args, argTypes, args.length - 1, resultType);
  },
  coalesce: (args, argTypes, resultType) => {
    for (let i = 0; i < args.length; i++) {
      if (!isEmpty(args[i])) return pick(args, argTypes, i, resultType);
    }
    return resultType === 'string' ? '' : null;
  },
  isnull: (args) => args[0] === null,
  isnotnull: (args) => args[0] !== null,
  notnull: (args) => args[0] !== null,
  isempty: (args) => isEmpty(args[0]),
  isnotempty: (args) => !isEmpty(args[0]),
  notempty: (args) => !isEmpty(args[0]),
  not: (args, argTypes) => {
    const b = argBool(args[0], argTypes[0]);
    return b === null ? null : !b;
  },
};
