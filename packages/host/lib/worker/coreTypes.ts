/**
 * The part of the worker's `@azure/functions-core` API that @azure/functions uses, typed after the module the
 * Azure Functions Node.js worker provides (types-core/index.d.ts of azure-functions-nodejs-library). Only the
 * worker ships that module, so the local host and the test harness provide their own implementation of it.
 */

/** Log levels of the worker protocol. */
export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
/** Log categories of the worker protocol. */
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

/** Typed data as the host and worker exchange it. */
export interface RpcTypedData {
  /** Text; @azure/functions JSON-parses it when it can. */
  string?: string | null;
  /** JSON text. */
  json?: string | null;
  /** Bytes. */
  bytes?: Uint8Array | null;
  /** Stream bytes. */
  stream?: Uint8Array | null;
  /** An HTTP request or response. */
  http?: RpcHttpData | null;
  /** An integer. */
  int?: number | null;
  /** A double. */
  double?: number | null;
}

/** An HTTP request (host → worker) or response (worker → host). */
export interface RpcHttpData {
  /** Request method. */
  method?: string | null;
  /** Request URL. */
  url?: string | null;
  /** Headers (lower-case names). */
  headers?: Record<string, string> | null;
  /** Body. */
  body?: RpcTypedData | null;
  /** Route parameters. */
  params?: Record<string, string> | null;
  /** Response status, as text. */
  statusCode?: string | null;
  /** Query string values. */
  query?: Record<string, string> | null;
  /** Response content negotiation flag. */
  enableContentNegotiation?: boolean | null;
  /** Response cookies. */
  cookies?: unknown[] | null;
}

/** A binding of a function. */
export interface RpcBindingInfo {
  /** Binding type, e.g. `httpTrigger`, `kusto`. */
  type?: string | null;
  /** Direction. */
  direction?: 'in' | 'out' | 'inout' | null;
  /** Further properties (the binding's own options are spread onto this object by @azure/functions). */
  [property: string]: unknown;
}

/** Function metadata as @azure/functions registers it. */
export interface FunctionMetadata {
  /** Function name. */
  name: string;
  /** Optional id. */
  functionId?: string;
  /** Bindings by name. */
  bindings: Record<string, RpcBindingInfo>;
  /** Retry options. */
  retryOptions?: unknown;
}

/** A named input or output value. */
export interface RpcParameterBinding {
  /** Binding name. */
  name?: string | null;
  /** Value. */
  data?: RpcTypedData | null;
}

/** An invocation request (host → worker). */
export interface RpcInvocationRequest {
  /** Invocation id. */
  invocationId?: string | null;
  /** Function id. */
  functionId?: string | null;
  /** Trigger and input values. */
  inputData?: RpcParameterBinding[] | null;
  /** Trigger metadata. */
  triggerMetadata?: Record<string, RpcTypedData> | null;
  /** Trace context. */
  traceContext?: unknown;
  /** Retry context. */
  retryContext?: unknown;
}

/** An invocation response (worker → host). */
export interface RpcInvocationResponse {
  /** Invocation id. */
  invocationId?: string | null;
  /** Output values. */
  outputData?: RpcParameterBinding[] | null;
  /** The `$return` binding's value. */
  returnValue?: RpcTypedData | null;
}

/** The worker's view of an invocation, given to the programming model. */
export interface CoreInvocationContext {
  /** Invocation id. */
  invocationId: string;
  /** The request. */
  request: RpcInvocationRequest;
  /** Metadata of the invoked function. */
  metadata: RpcFunctionMetadata;
  /** Current stage. */
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  /** Logs for the invocation. */
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

/** The invoked function's metadata, as the worker hands it to the programming model. */
export interface RpcFunctionMetadata {
  /** Function name. */
  name?: string | null;
  /** Bindings by name. */
  bindings?: Record<string, RpcBindingInfo> | null;
}

/** What `getArguments` returns. */
export interface InvocationArguments {
  /** The context object passed to the handler. */
  context: unknown;
  /** The handler's arguments before the context. */
  inputs: unknown[];
}

/** The invocation model @azure/functions returns for each invocation. */
export interface InvocationModel {
  /** Builds the context and the handler's arguments. */
  getArguments(): Promise<InvocationArguments>;
  /** Calls the handler. */
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  /** Converts the result and outputs into the response. */
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

/** The programming model @azure/functions sets. */
export interface ProgrammingModel {
  /** Name, e.g. `@azure/functions`. */
  name: string;
  /** Version. */
  version: string;
  /** A new invocation model per invocation. */
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel | Promise<InvocationModel>;
  /** Adjusts worker capabilities. */
  getCapabilities?(capabilities: Record<string, string>): Record<string, string> | Promise<Record<string, string>>;
}

/** A registered function's callback. */
export type FunctionCallback = (...args: unknown[]) => unknown;

/** A hook's callback. */
export type HookCallback = (context: Record<string, unknown>) => unknown;

/** Something that can be disposed (hooks, registrations). */
export interface Disposable {
  /** Releases it. */
  dispose(): void;
}
