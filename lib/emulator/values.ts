/**
 * Conversions of Kusto scalar values between their in-memory form (see model.ts) and text / JSON.
 *
 * CONTRACT (owned by the scalar-values part; used by the KQL engine, ingestion and the REST protocol):
 */
import type { KustoScalarType, Value } from './model';

/** Parses a query parameter value (the text a client sends in `properties.Parameters`) as `type`. */
export declare function parseParameterValue(type: KustoScalarType, text: string): Value;
/** Converts a CSV/TSV/PSV cell to `type`; throws a message naming the value when it does not convert. */
export declare function fromText(type: KustoScalarType, text: string): Value;
/** Converts a JSON value (JSON ingestion, `dynamic` extraction) to `type`; throws when it does not convert. */
export declare function fromJson(type: KustoScalarType, json: unknown): Value;
/** The JSON value Kusto's REST API v1/v2 writes for a value of `type` (datetime as ISO string, …). */
export declare function toJson(type: KustoScalarType, value: Value): unknown;
/** Text of a value as `tostring()` renders it. */
export declare function toText(type: KustoScalarType, value: Value): string;
