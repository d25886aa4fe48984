/**
 * kusto-functions: decorator-based Kusto (Azure Data Explorer) bindings for Azure Functions apps on the
 * Node.js v4 programming model.
 *
 * @example
 * ```ts
 * import { HttpTrigger, KustoInput, registerFunctions } from 'kusto-functions';
 *
 * export class ProductFunctions {
 *   @HttpTrigger({ route: 'getproducts/{productId}', methods: ['GET'] })
 *   async getProducts(
 *     @KustoInput({
 *       database: 'productsdb',
 *       connection: 'KustoConnectionString',
 *       kqlCommand: 'declare query_parameters (productId:long);Products | where ProductID == productId',
 *       kqlParameters: '@productId={productId}',
 *     }, Product) products: Product[],
 *   ) {
 *     return { jsonBody: products };
 *   }
 * }
 *
 * registerFunctions(ProductFunctions);
 * ```
 *
 * @packageDocumentation
 */
// Decorated classes are evaluated after this module loads: reflect-metadata must be in place first.
import './metadata/reflect';

export { KustoInput, KustoOutput } from './decorators/kusto';
export {
  EventHubTrigger,
  GenericTrigger,
  HttpTrigger,
  ServiceBusQueueTrigger,
  ServiceBusTopicTrigger,
  StorageQueueTrigger,
  TimerTrigger,
} from './decorators/triggers';
export { Body, Context, Header, Param, Query, Req, Trigger } from './decorators/params';
export type {
  EventHubTriggerOptions,
  FunctionNameOptions,
  GenericTriggerOptions,
  HttpTriggerOptions,
  ServiceBusQueueTriggerOptions,
  ServiceBusTopicTriggerOptions,
  StorageQueueTriggerOptions,
  TimerTriggerOptions,
} from './binding';
export type {
  KustoCommonOptions,
  KustoDataFormat,
  KustoIngestionType,
  KustoInputOptions,
  KustoManagedIdentity,
  KustoOutputOptions,
} from 'kusto-functions-bindings';
// Straight from the modules, not the barrels: importing the SDK loads only what decorating needs.
export { registerFunctions } from './register/registerFunctions';
export type { FunctionTarget, FunctionsApp, Output, RegisteredFunction, RegisterOptions } from './register';
export type { ClassType } from './metadata';
// The errors' own entry: the vocabulary's barrel is for registration, which loads on the first call.
export { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings/errors';
