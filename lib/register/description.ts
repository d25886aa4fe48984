/**
 * The resolved, validated description of one function, built once at registration from the decorators' raw
 * records. The wrapper runs from it; nothing re-reads reflect-metadata per invocation.
 */
import type { KustoInputBinding, KustoOutputBinding, TriggerSpec } from '../binding';
import type { ClassType } from '../metadata';

/** How a handler parameter is filled. */
export type ParamPlan =
  /** Rows of a Kusto input: mapped to `type` (`instances`), as plain rows (`rows`), or as JSON text (`json`). */
  | { kind: 'kustoInput'; binding: KustoInputBinding; shape: 'instances' | 'rows' | 'json'; type?: ClassType }
  /** An `Output` the handler calls `set` on. */
  | { kind: 'kustoOutput'; binding: KustoOutputBinding; type?: ClassType }
  /** The HTTP request. */
  | { kind: 'request' }
  /** The HTTP body: mapped to `type`, parsed JSON, or text. */
  | { kind: 'body'; shape: 'instances' | 'json' | 'text'; type?: ClassType }
  /** A route parameter, query value or header, converted to the parameter's declared primitive type. */
  | { kind: 'param' | 'query' | 'header'; name: string; convert: 'string' | 'number' | 'boolean' }
  /** The trigger payload, mapped to `type` when given. */
  | { kind: 'trigger'; type?: ClassType }
  /** The invocation context. */
  | { kind: 'context' };

/** A method-level Kusto output: the return value is ingested. */
export interface ReturnOutput {
  /** The registered binding. */
  binding: KustoOutputBinding;
  /** Row class for mapping plain objects, when given. */
  type?: ClassType;
}

/** One function, ready to register. */
export interface FunctionDescription {
  /** Name of the class declaring the handler. */
  readonly className: string;
  /** Handler method name. */
  readonly methodName: string;
  /** Function name, unique within the app. */
  readonly functionName: string;
  /** The trigger. */
  readonly trigger: TriggerSpec;
  /** How each parameter is filled, by index. */
  readonly params: readonly ParamPlan[];
  /** Kusto input bindings, in parameter order. */
  readonly inputs: readonly KustoInputBinding[];
  /** Kusto output bindings (parameter outputs in order, then the method's), as registered. */
  readonly outputs: readonly KustoOutputBinding[];
  /** The method-level output, if any. */
  readonly returnOutput?: ReturnOutput;
}
