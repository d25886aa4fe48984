import type { KustoScalarType, Value } from '../../model';

/** What a scalar function may read besides its arguments: the request's `now()`, in ticks since 1970. */
export interface ScalarContext {
  /** The request's `now()`, in 100-ns ticks since 1970-01-01; one value for the whole request. */
  now: bigint;
}

/**
 * A scalar function: gets its evaluated arguments with their Kusto types and the call's result type (both
 * from Kusto.Language's semantic analysis) and returns a value of the result type in its in-memory form.
 */
export type ScalarFunctionImpl = (
  args: Value[],
  argTypes: KustoScalarType[],
  resultType: KustoScalarType,
  ctx: ScalarContext,
) => Value;

/** Scalar functions of one family, keyed by lower-case Kusto name (aliases included). */
export type ScalarFunctionTable = Record<string, ScalarFunctionImpl>;
