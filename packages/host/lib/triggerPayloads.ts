/**
 * What the host sends for non-HTTP triggers: the timer's TimerInfo, a queue message with its metadata, or the raw
 * input for other triggers, with the binding data the Kusto expressions read (`{Prop}` from a JSON payload).
 */
import { randomUUID } from 'node:crypto';
import { toRpcData, type RpcTypedData } from './worker';
import type { HostFunction } from './appFunctions';
import type { InvocationInput } from './invoker';

/** The TimerInfo the host sends (PascalCase; @azure/functions camel-cases it into `Timer`). */
export function timerPayload(last: Date | undefined, next: Date | undefined, isPastDue = false): RpcTypedData {
  const info = {
    Schedule: { AdjustForDST: true },
    ScheduleStatus: {
      Last: (last ?? new Date(0)).toISOString(),
      Next: next?.toISOString() ?? null,
      LastUpdated: new Date().toISOString(),
    },
    IsPastDue: isPastDue,
  };
  return { string: JSON.stringify(info) };
}

/** An invocation of a timer function. */
export function timerInvocation(
  reason: string,
  last: Date | undefined,
  next: Date | undefined,
  isPastDue = false,
): InvocationInput {
  return { trigger: timerPayload(last, next, isPastDue), bindingData: {}, reason };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The invocation the admin endpoint (`POST /admin/functions/<name>` with `{"input": …}`) starts: the input is the
 * trigger's value (text as is, other JSON values as JSON text); a timer function gets a TimerInfo whatever the input.
 */
export function adminInvocation(fn: HostFunction, input: unknown): InvocationInput {
  const type = String(fn.trigger.type).toLowerCase();
  const reason = 'This function was programmatically called via the host APIs.';
  if (type === 'timertrigger') return timerInvocation(reason, undefined, undefined);
  const text = input === undefined || input === null ? '' : typeof input === 'string' ? input : JSON.stringify(input);
  const payload = parsed(text);
  const trigger: RpcTypedData = toRpcData(text);
  let triggerMetadata: Record<string, RpcTypedData> | undefined;
  let metadata: Record<string, unknown> | undefined;
  if (type === 'queuetrigger') {
    // A message as the storage queue trigger describes it: first delivery, visible for the default 10 minutes.
    const now = new Date();
    metadata = {
      QueueTrigger: text,
      Id: randomUUID(),
      DequeueCount: 1,
      InsertionTime: now.toISOString(),
      ExpirationTime: new Date(now.getTime() + 7 * 24 * 3600 * 1000).toISOString(),
      NextVisibleTime: new Date(now.getTime() + 10 * 60 * 1000).toISOString(),
      PopReceipt: randomUUID(),
    };
    triggerMetadata = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, toRpcData(v)]));
  }
  return { trigger, triggerMetadata, bindingData: { body: payload, metadata }, reason };
}
