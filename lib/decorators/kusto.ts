/**
 * `@KustoInput` and `@KustoOutput`: the Kusto bindings of a handler.
 */
import type { KustoInputOptions, KustoOutputOptions } from 'kusto-functions-bindings';
// The store itself, not the barrel: importing the SDK must not load what only registration reads.
import type { ClassType } from '../metadata';
import { recordMethodOutput, recordParam } from '../metadata/store';
import { decorationSite, misplaced } from './site';

function checkArguments(decorator: string, options: unknown, type: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${decorator} needs an options object as its first argument.`);
  }
  if (type !== undefined && typeof type !== 'function') {
    throw new TypeError(`${decorator}: the second argument must be a class (the row type), not a ${typeof type}.`);
  }
}

/**
 * Binds a handler parameter to the result of a Kusto query: the handler receives the rows, mapped to
 * instances of `type` when given (or of the parameter's declared class), as an array.
 *
 * A `string` parameter receives the rows as JSON text; an untyped (`unknown`/`any`) parameter receives them as
 * plain objects.
 *
 * @param options - the binding, named as the Kusto extension names it.
 * @param type - the row class; required when the parameter is an array (`Product[]`), since TypeScript records
 *   only `Array` for it.
 *
 * @example
 * ```ts
 * @HttpTrigger({ route: 'getproducts/{productId}', methods: ['GET'] })
 * async getProducts(
 *   @KustoInput({
 *     database: 'productsdb',
 *     connection: 'KustoConnectionString',
 *     kqlCommand: 'declare query_parameters (productId:long);Products | where ProductID == productId',
 *     kqlParameters: '@productId={productId}',
 *   }, Product) products: Product[],
 * ) {
 *   return { jsonBody: products };
 * }
 * ```
 */
export function KustoInput(options: KustoInputOptions, type?: ClassType): ParameterDecorator {
  checkArguments('@KustoInput', options, type);
  return (...args: unknown[]) => {
    const site = decorationSite(args);
    if (site.kind !== 'parameter') throw misplaced('@KustoInput', 'handler method parameters', site);
    recordParam(site.ctor, site.method, site.index, { kind: 'kustoInput', options, type, decorator: '@KustoInput' });
  };
}

/**
 * Ingests what a handler produces into a Kusto table.
 *
 * - On a parameter (typed `Output<T>`): the handler receives an output and calls `set(value)`; one function
 *   can write several tables this way.
 * - On the method: the method's return value is ingested. For an HTTP trigger the response is then
 *   201 (or the trigger's `successStatus`) with what was ingested as its JSON body, and 204 when the method
 *   returns nothing.
 *
 * Values may be class instances (mapped to plain rows with class-transformer: `@Expose` names, `@Exclude`,
 * `Date` → ISO 8601), plain objects, arrays of either, or a string sent as is (JSON or CSV per `dataFormat`).
 *
 * @param options - the binding, named as the Kusto extension names it.
 * @param type - the row class, used to map plain objects before ingestion when given.
 *
 * @example
 * ```ts
 * @HttpTrigger({ route: 'addproductreturn', methods: ['POST'] })
 * @KustoOutput({ database: 'productsdb', tableName: 'Products', connection: 'KustoConnectionString' })
 * async addProduct(@Body(Product) product: Product): Promise<Product> {
 *   return product;
 * }
 * ```
 */
export function KustoOutput(options: KustoOutputOptions, type?: ClassType): ParameterDecorator & MethodDecorator {
  checkArguments('@KustoOutput', options, type);
  return ((...args: unknown[]) => {
    const site = decorationSite(args);
    if (site.kind === 'parameter') {
      recordParam(site.ctor, site.method, site.index, {
        kind: 'kustoOutput',
        options,
        type,
        decorator: '@KustoOutput',
      });
    } else if (site.kind === 'method') {
      recordMethodOutput(site.ctor, site.method, { options, type });
    } else {
      throw misplaced('@KustoOutput', 'handler methods or their parameters', site);
    }
  }) as ParameterDecorator & MethodDecorator;
}
