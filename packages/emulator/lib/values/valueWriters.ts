/**
 * Values written out: as Kusto's REST API writes them (`toJson`), as `tostring()` renders them (`toText`), and inside
 * a dynamic (`toDynamic`). Numbers inside a dynamic are JavaScript numbers: integers beyond 2^53 lose precision there.
 */
import type { DynamicValue, KustoScalarType, Value } from '../model';
import { formatDatetime } from './datetimeText';
import { formatReal } from './primitiveText';
import { formatTimespan } from './timespanText';

/**
 * The value of `type` inside a dynamic: long as a number (precision beyond 2^53 is lost), datetime as
 * ISO text with 7 fraction digits, timespan as `[d.]hh:mm:ss[.fffffff]`, guid as text.
 */
export function toDynamic(type: KustoScalarType, value: Value): DynamicValue {
  if (value === null) return null;
  switch (type) {
    case 'long':
      return Number(value as bigint);
    case 'datetime':
      return formatDatetime(value as bigint, 'full');
    case 'timespan':
      return formatTimespan(value as bigint);
    case 'decimal':
      // A dynamic holds numbers as doubles: the nearest one.
      return Number(value as string);
    default:
      return typeof value === 'bigint' ? Number(value) : (value as DynamicValue);
  }
}

/**
 * The JSON value Kusto's REST API writes for a value of `type`: bool/int/real as JSON values (real NaN and
 * infinities as the strings `NaN`, `Infinity`, `-Infinity`), long as the bigint itself (the protocol writer
 * emits it as an exact JSON number), decimal as text, datetime as ISO 8601 with the fraction trimmed,
 * timespan as `[-][d.]hh:mm:ss[.fffffff]`, guid and string as text, dynamic as the JSON value, null as null.
 */
export function toJson(type: KustoScalarType, value: Value): unknown {
  if (value === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'real':
      return Number.isFinite(value as number) ? value : formatReal(value as number);
    case 'decimal':
      // Kusto's v1 and v2 responses carry a decimal as a JSON string of its digits.
      return value as string;
    case 'datetime':
      return formatDatetime(value as bigint, 'trim');
    case 'timespan':
      return formatTimespan(value as bigint);
    default:
      return value;
  }
}

/**
 * Text of a value as `tostring()` renders it: null → '', datetime as ISO 8601 with 7 fraction digits,
 * timespan as `[-][d.]hh:mm:ss[.fffffff]`, real in .NET's round-trip form, a dynamic string as its text and
 * any other dynamic as compact JSON.
 */
export function toText(type: KustoScalarType, value: Value): string {
  if (value === null) return '';
  switch (type) {
    case 'string':
    case 'guid':
      return value as string;
    case 'bool':
      return value ? 'true' : 'false';
    case 'int':
    case 'long':
      return String(value);
    case 'real':
      return formatReal(value as number);
    case 'decimal':
      return value as string;
    case 'datetime':
      return formatDatetime(value as bigint, 'full');
    case 'timespan':
      return formatTimespan(value as bigint);
    case 'dynamic':
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}
