/**
 * Options of the trigger decorators. Each extends the trigger options of @azure/functions with the function's
 * name, so a user who knows `app.http(...)` already knows these.
 */
import type {
  EventHubTriggerOptions as AzureEventHubTriggerOptions,
  FunctionTrigger,
  HttpTriggerOptions as AzureHttpTriggerOptions,
  RetryOptions,
  ServiceBusQueueTriggerOptions as AzureServiceBusQueueTriggerOptions,
  ServiceBusTopicTriggerOptions as AzureServiceBusTopicTriggerOptions,
  StorageQueueTriggerOptions as AzureStorageQueueTriggerOptions,
  TimerTriggerOptions as AzureTimerTriggerOptions,
} from '@azure/functions';

/** What every trigger decorator accepts besides its trigger's own options. */
export interface FunctionNameOptions {
  /**
   * The function's name, unique within the app (letters, digits, `_` and `-`, starting with a letter).
   * Defaults to the method's name.
   */
  name?: string;
}

/** Options of `@HttpTrigger`. */
export interface HttpTriggerOptions extends FunctionNameOptions, AzureHttpTriggerOptions {
  /**
   * Status of the response when the method returns a value that is not an HTTP response: 201 when the method is
   * a Kusto output (`@KustoOutput` on the method: the response body is what was ingested), 200 otherwise.
   */
  successStatus?: number;
}

/** Options of `@TimerTrigger`. */
export interface TimerTriggerOptions extends FunctionNameOptions, AzureTimerTriggerOptions {}

/** Options of `@StorageQueueTrigger`. */
export interface StorageQueueTriggerOptions extends FunctionNameOptions, AzureStorageQueueTriggerOptions {}

/** Options of `@ServiceBusQueueTrigger`. */
export interface ServiceBusQueueTriggerOptions extends FunctionNameOptions, AzureServiceBusQueueTriggerOptions {}

/** Options of `@ServiceBusTopicTrigger`. */
export interface ServiceBusTopicTriggerOptions extends FunctionNameOptions, AzureServiceBusTopicTriggerOptions {}

/** Options of `@EventHubTrigger`. */
export interface EventHubTriggerOptions extends FunctionNameOptions, AzureEventHubTriggerOptions {}

/** Options of `@GenericTrigger` besides the trigger itself. */
export interface GenericTriggerOptions extends FunctionNameOptions {
  /** Retry policy, as for `app.generic`. */
  retry?: RetryOptions;
}

/** A trigger as recorded by a trigger decorator: its kind and options. */
export interface TriggerSpecOf<K extends string, O> {
  /** Which trigger: the `app.*` registration used. */
  kind: K;
  /** The decorator's options. */
  options: O;
}

/** A generic trigger as recorded by `@GenericTrigger`. */
export interface GenericTriggerSpec extends TriggerSpecOf<'generic', GenericTriggerOptions> {
  /** The trigger object of @azure/functions. */
  trigger: FunctionTrigger;
}

/** A trigger as recorded by a trigger decorator. */
export type TriggerSpec =
  | TriggerSpecOf<'http', HttpTriggerOptions>
  | TriggerSpecOf<'timer', TimerTriggerOptions>
  | TriggerSpecOf<'storageQueue', StorageQueueTriggerOptions>
  | TriggerSpecOf<'serviceBusQueue', ServiceBusQueueTriggerOptions>
  | TriggerSpecOf<'serviceBusTopic', ServiceBusTopicTriggerOptions>
  | TriggerSpecOf<'eventHub', EventHubTriggerOptions>
  | GenericTriggerSpec;

/** The kind of a trigger spec. */
export type TriggerKind = TriggerSpec['kind'];
