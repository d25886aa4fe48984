/**
 * The plan of one function: how each handler parameter is filled and which Kusto bindings it has, resolved and
 * checked once at registration from the decorators' raw records. The handler runs from it; nothing re-reads
 * reflect-metadata per invocation. Internal: registerFunctions returns only a summary of it (`RegisteredFunction`).
 */
import type { KustoInputBinding, KustoOutputBinding } from 'kusto-functions-bindings';
import type { TriggerSpec } from '../binding';
import type { ClassType } from '../metadata';

/** A parameter that receives the rows of a Kusto input. */
export interface KustoInputParam {
  /** Discriminator. */
  kind: 'kustoInput';
  /** The registered binding. */
  binding: KustoInputBinding;
  /** Mapped to `type` (`instances`), plain rows (`rows`), or JSON text (`json`). */
  shape: 'instances' | 'rows' | 'json';
  /** Row class, for `instances`. */
  type?: ClassType;
}

/** A parameter that receives an `Output` to set. */
export interface KustoOutputParam {
  /** Discriminator. */
  kind: 'kustoOutput';
  /** The registered binding. */
  binding: KustoOutputBinding;
  /** Row class for mapping plain objects, when given. */
  type?: ClassType;
}

/** A parameter that receives the HTTP body. */
export interface BodyParam {
  /** Discriminator. */
  kind: 'body';
  /** Mapped to `type` (`instances`), parsed JSON (`json`), or text (`text`). */
  shape: 'instances' | 'json' | 'text';
  /** Class to map to, for `instances`. */
  type?: ClassType;
}

/** A parameter that receives a route parameter, query value or header. */
export interface RequestValueParam {
  /** Where the value comes from. */
  kind: 'param' | 'query' | 'header';
  /** Its name. */
  name: string;
  /** The parameter's declared primitive type, converted to. */
  convert: 'string' | 'number' | 'boolean';
}

/** A parameter that receives the trigger payload. */
export interface TriggerParam {
  /** Discriminator. */
  kind: 'trigger';
  /** Class to map the payload to, when given. */
  type?: ClassType;
}

/** A parameter that receives the HTTP request or the invocation context. */
export interface ContextParam {
  /** The request or the context. */
  kind: 'request' | 'context';
}

/** How a handler parameter is filled. */
export type ParamPlan =
  KustoInputParam | KustoOutputParam | BodyParam | RequestValueParam | TriggerParam | ContextParam;

/** A method-level Kusto output: the return value is ingested. */
export interface ReturnOutput {
  /** The registered binding. */
  binding: KustoOutputBinding;
  /** Row class for mapping plain objects, when given. */
  type?: ClassType;
}

/** One function, ready to register. */
export interface FunctionPlan {
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
