/** What `registerFunctions` takes: the targets and the options. Types only. */
import type * as azureFunctions from '@azure/functions';
import type { KustoEngine } from 'kusto-functions-bindings';
import type { ClassType } from '../metadata';

/** The part of @azure/functions' `app` that registration uses; pass your own in tests. */
export type FunctionsApp = Pick<
  typeof azureFunctions.app,
  'http' | 'timer' | 'storageQueue' | 'serviceBusQueue' | 'serviceBusTopic' | 'eventHub' | 'generic'
>;

/** A handler class (instantiated once with `new`, so it needs a constructor without arguments) or an instance. */
export type FunctionTarget = ClassType | object;

/** Options of {@link registerFunctions}. */
export interface RegisterOptions {
  /** Where to register: @azure/functions' `app` unless given. */
  app?: FunctionsApp;
  /**
   * Who runs the Kusto bindings: `host` (the default) declares them to the Functions host, whose Kusto extension
   * (extension bundle Microsoft.Azure.Functions.ExtensionBundle.Preview) runs them; `in-process` declares none and
   * runs them inside the worker with the SDK's engine, for apps without that bundle. Handlers see the same either way.
   */
  bindings?: 'host' | 'in-process';
  /**
   * The engine for `in-process` mode. Default: one made on first use with the app settings of `process.env`, closed
   * when the app terminates (@azure/functions' `app.hook.appTerminate`). An engine you pass is yours to close.
   */
  engine?: KustoEngine;
}
