/**
 * Parameter decorators for what the trigger delivers: the HTTP request and its parts, the trigger payload,
 * and the invocation context. Built from one factory, like the Kusto ones.
 */
import type { ClassType, ParamRecord } from '../metadata';
import { recordParam } from '../metadata/store';
import { decorationSite, misplaced } from './site';

function paramDecorator(decorator: string, record: ParamRecord): ParameterDecorator {
  return (...args: unknown[]) => {
    const site = decorationSite(args);
    if (site.kind !== 'parameter') throw misplaced(decorator, 'handler method parameters', site);
    recordParam(site.ctor, site.method, site.index, { ...record, decorator });
  };
}

function checkName(decorator: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${decorator} needs a non-empty name.`);
  return name;
}

function checkType(decorator: string, type: unknown): ClassType | undefined {
  if (type !== undefined && typeof type !== 'function') throw new TypeError(`${decorator}: the type must be a class.`);
  return type as ClassType | undefined;
}

/** The HTTP request (`HttpRequest` of @azure/functions). */
export function Req(): ParameterDecorator {
  return paramDecorator('@Req', { kind: 'request' });
}

/**
 * The HTTP request's JSON body, mapped to `type` (an array body to an array of `type`). A body that is not
 * JSON, or does not map, is answered with 400 and a message naming the property at fault.
 */
export function Body(type?: ClassType): ParameterDecorator {
  return paramDecorator('@Body', { kind: 'body', type: checkType('@Body', type) });
}

/** A route parameter (`{productId}` of the route), converted to number or boolean when the parameter is typed so. */
export function Param(name: string): ParameterDecorator {
  return paramDecorator('@Param', { kind: 'param', name: checkName('@Param', name) });
}

/** A query string value, converted to number or boolean when the parameter is typed so. */
export function Query(name: string): ParameterDecorator {
  return paramDecorator('@Query', { kind: 'query', name: checkName('@Query', name) });
}

/** A request header's value. */
export function Header(name: string): ParameterDecorator {
  return paramDecorator('@Header', { kind: 'header', name: checkName('@Header', name) });
}

/**
 * The trigger's payload (a queue message, timer info, Event Hub events, …), mapped to `type` when given.
 */
export function Trigger(type?: ClassType): ParameterDecorator {
  return paramDecorator('@Trigger', { kind: 'trigger', type: checkType('@Trigger', type) });
}

/** The `InvocationContext` of the invocation (logging, invocation id, trigger metadata). */
export function Context(): ParameterDecorator {
  return paramDecorator('@Context', { kind: 'context' });
}
