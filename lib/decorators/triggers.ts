/**
 * Trigger decorators: what invokes a handler method. Exactly one per function.
 */
import type { FunctionTrigger } from '@azure/functions';
import type {
  EventHubTriggerOptions,
  GenericTriggerOptions,
  HttpTriggerOptions,
  ServiceBusQueueTriggerOptions,
  ServiceBusTopicTriggerOptions,
  StorageQueueTriggerOptions,
  TimerTriggerOptions,
  TriggerSpec,
} from '../binding';
import { recordTrigger } from '../metadata/store';
import { decorationSite, misplaced } from './site';

function triggerDecorator(decorator: string, spec: TriggerSpec): MethodDecorator {
  return (...args: unknown[]) => {
    const site = decorationSite(args);
    if (site.kind !== 'method') throw misplaced(decorator, 'handler methods', site);
    recordTrigger(site.ctor, site.method, spec, decorator);
  };
}

function optionsObject<T extends object>(decorator: string, options: T | undefined, required: boolean): T {
  if (options === undefined && !required) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${decorator} needs an options object.`);
  }
  return options;
}

/**
 * Makes the method an HTTP-triggered function (`app.http`). Route parameters (`{productId}`) can feed Kusto
 * binding expressions and `@Param`.
 *
 * What the method returns becomes the response: an `HttpResponse` or `HttpResponseInit` (`{ status, jsonBody }`)
 * as is; any other value as a JSON body with status 200 (201 when the method is a Kusto output); nothing → 204.
 *
 * @example
 * ```ts
 * @HttpTrigger({ route: 'getproducts/{productId}', methods: ['GET'] })
 * ```
 */
export function HttpTrigger(options?: HttpTriggerOptions): MethodDecorator {
  return triggerDecorator('@HttpTrigger', { kind: 'http', options: optionsObject('@HttpTrigger', options, false) });
}

/**
 * Makes the method a timer-triggered function (`app.timer`) on an NCRONTAB schedule
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`).
 *
 * @example
 * ```ts
 * @TimerTrigger('0 *\/5 * * * *')
 * ```
 */
export function TimerTrigger(schedule: string | TimerTriggerOptions): MethodDecorator {
  const options = typeof schedule === 'string' ? { schedule } : optionsObject('@TimerTrigger', schedule, true);
  if (typeof options.schedule !== 'string' || options.schedule.trim() === '') {
    throw new TypeError("@TimerTrigger needs a schedule: an NCRONTAB expression such as '0 */5 * * * *'.");
  }
  return triggerDecorator('@TimerTrigger', { kind: 'timer', options });
}

/** Makes the method a storage-queue-triggered function (`app.storageQueue`); `@Trigger(Type)` receives the message. */
export function StorageQueueTrigger(options: StorageQueueTriggerOptions): MethodDecorator {
  return triggerDecorator('@StorageQueueTrigger', {
    kind: 'storageQueue',
    options: optionsObject('@StorageQueueTrigger', options, true),
  });
}

/** Makes the method a Service Bus queue-triggered function (`app.serviceBusQueue`). */
export function ServiceBusQueueTrigger(options: ServiceBusQueueTriggerOptions): MethodDecorator {
  return triggerDecorator('@ServiceBusQueueTrigger', {
    kind: 'serviceBusQueue',
    options: optionsObject('@ServiceBusQueueTrigger', options, true),
  });
}

/** Makes the method a Service Bus topic-triggered function (`app.serviceBusTopic`). */
export function ServiceBusTopicTrigger(options: ServiceBusTopicTriggerOptions): MethodDecorator {
  return triggerDecorator('@ServiceBusTopicTrigger', {
    kind: 'serviceBusTopic',
    options: optionsObject('@ServiceBusTopicTrigger', options, true),
  });
}

/** Makes the method an Event Hub-triggered function (`app.eventHub`). */
export function EventHubTrigger(options: EventHubTriggerOptions): MethodDecorator {
  return triggerDecorator('@EventHubTrigger', {
    kind: 'eventHub',
    options: optionsObject('@EventHubTrigger', options, true),
  });
}

/**
 * Makes the method a function with any trigger of @azure/functions (`app.generic`), for example
 * `@GenericTrigger(trigger.cosmosDB({ … }))` or `@GenericTrigger(trigger.generic({ type: 'rabbitMQTrigger', … }))`.
 */
export function GenericTrigger(trigger: FunctionTrigger, options?: GenericTriggerOptions): MethodDecorator {
  if (typeof trigger !== 'object' || trigger === null || typeof trigger.type !== 'string') {
    throw new TypeError('@GenericTrigger needs a trigger object such as trigger.generic({ type: … }).');
  }
  return triggerDecorator('@GenericTrigger', {
    kind: 'generic',
    trigger,
    options: optionsObject('@GenericTrigger', options, false),
  });
}
