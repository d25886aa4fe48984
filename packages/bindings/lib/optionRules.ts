/**
 * The rules a Kusto binding's option values follow, written once for the two places that check them: registration
 * (the SDK, on a decorator's options, before anything runs) and the engine (on a binding's values when it runs, after
 * binding expressions are resolved: a function.json written by hand is never registered).
 *
 * Each rule returns its problem as a phrase that starts with the option's label, or undefined when the value is
 * fine. The caller chooses the label (registration writes `option 'dataFormat'`, the engine `dataFormat`) and says
 * where the binding is: registration collects the problems, the engine throws the first.
 */
import { KUSTO_DATA_FORMATS, KUSTO_INGESTION_TYPES, type KustoInputOptions, type KustoOutputOptions } from './options';
import { parsePropertyList, PropertyListSyntaxError, type PropertyPair } from './properties';

/** What a rule that also reads the value returns when the value breaks it. */
export interface OptionProblem {
  /** The problem, phrased as the other rules phrase theirs. */
  problem: string;
}

/**
 * The options `@KustoInput` must set. (A binding's `connection` is required at registration; the engine, like the
 * Kusto extension, reads `KustoConnectionString` when a hand-written binding names none.)
 */
export const KUSTO_INPUT_REQUIRED_OPTIONS: readonly (keyof KustoInputOptions)[] = [
  'database',
  'connection',
  'kqlCommand',
];

/** The options `@KustoOutput` must set (the note on {@link KUSTO_INPUT_REQUIRED_OPTIONS} applies). */
export const KUSTO_OUTPUT_REQUIRED_OPTIONS: readonly (keyof KustoOutputOptions)[] = [
  'database',
  'connection',
  'tableName',
];

/** An option value that is not text (every Kusto option is), or undefined when it is text or not given. */
export function optionTypeProblem(label: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return undefined;
  return `${label} must be a string, not ${value === null ? 'null' : typeof value}`;
}

/** A required option that is not given or blank; a value that is not text is {@link optionTypeProblem}'s. */
export function requiredOptionProblem(label: string, value: unknown): string | undefined {
  return value === undefined || (typeof value === 'string' && value.trim() === '') ? `${label} is required` : undefined;
}

/** A `dataFormat` that is not one of {@link KUSTO_DATA_FORMATS}. */
export function dataFormatProblem(label: string, value: string | undefined): string | undefined {
  if (value === undefined || (KUSTO_DATA_FORMATS as readonly string[]).includes(value)) return undefined;
  return `${label} is '${value}', which is not a supported format (${KUSTO_DATA_FORMATS.join(', ')})`;
}

/** An `ingestionType` that is not one of {@link KUSTO_INGESTION_TYPES}. */
export function ingestionTypeProblem(label: string, value: string | undefined): string | undefined {
  if (value === undefined || (KUSTO_INGESTION_TYPES as readonly string[]).includes(value)) return undefined;
  return `${label} is '${value}'; use 'managed' (the default) or 'queued'`;
}

/**
 * Reads an `@name=value,…` option (kqlParameters, clientRequestProperties, ingestionProperties): its pairs, or the
 * problem when the text does not follow the grammar of {@link parsePropertyList}.
 */
export function readPropertyListOption(label: string, text: string): PropertyPair[] | OptionProblem {
  try {
    return parsePropertyList(text);
  } catch (error) {
    if (!(error instanceof PropertyListSyntaxError)) throw error;
    return { problem: `${label} must be '@name=value' pairs separated by commas: ${error.message}` };
  }
}

/** The properties `ingestionProperties` may set (queued ingestion settings), with what each value must be. */
export const KUSTO_INGESTION_PROPERTIES = {
  /** Whether Kusto aggregates the data (false, the default) or ingests it at once. */
  flushImmediately: 'true or false',
  /** How often to poll the ingestion's status; without it the status is not polled. */
  pollIntervalSeconds: 'a positive number of seconds',
  /** When polling gives up (30 minutes unless given). */
  pollTimeoutMinutes: 'a positive number of minutes',
} as const;

/** The name of a property `ingestionProperties` may set. */
export type KustoIngestionProperty = keyof typeof KUSTO_INGESTION_PROPERTIES;

/** One `ingestionProperties` setting, read: the property, by its own spelling, and its typed value. */
export type KustoIngestionSetting =
  | {
      /** The property. */
      readonly name: 'flushImmediately';
      /** Its value. */
      readonly value: boolean;
    }
  | {
      /** The property. */
      readonly name: 'pollIntervalSeconds' | 'pollTimeoutMinutes';
      /** Its value. */
      readonly value: number;
    };

/**
 * Reads one `ingestionProperties` pair: the setting, or the problem with its name or value.
 *
 * @param ignoreCase - match the property's name in any case (the engine has always read hand-written bindings so;
 *   registration holds the SDK's options to the documented spelling).
 */
export function readIngestionProperty(
  label: string,
  pair: { readonly name: string; readonly value: string },
  ignoreCase = false,
): KustoIngestionSetting | OptionProblem {
  const names = Object.keys(KUSTO_INGESTION_PROPERTIES) as KustoIngestionProperty[];
  const wanted = ignoreCase ? pair.name.toLowerCase() : pair.name;
  const name = names.find((n) => (ignoreCase ? n.toLowerCase() : n) === wanted);
  if (name === undefined) {
    const known = names.map((n) => '@' + n).join(', ');
    return { problem: `${label} has an unknown property '@${pair.name}' (known: ${known})` };
  }
  const invalid = { problem: `${label}: '@${pair.name}' must be ${KUSTO_INGESTION_PROPERTIES[name]}` };
  if (name === 'flushImmediately') {
    return /^(true|false)$/i.test(pair.value) ? { name, value: pair.value.toLowerCase() === 'true' } : invalid;
  }
  const value = Number(pair.value);
  return value > 0 && Number.isFinite(value) ? { name, value } : invalid;
}
