/**
 * The app bench/host.ts uses to separate the SDK's cost: the Products example's GET /api/getproducts/{productId}
 * with the same Kusto input, declared with @azure/functions alone (rows reach the handler as plain objects, not
 * class instances).
 */
import { app, input, type InvocationContext } from '@azure/functions';

const productsById = input.generic({
  type: 'kusto',
  database: 'productsdb',
  connection: 'KustoConnectionString',
  kqlCommand: 'declare query_parameters (productId:long);Products | where ProductID == productId',
  kqlParameters: '@productId={productId}',
});

app.http('getProductsPlain', {
  route: 'getproducts/{productId}',
  methods: ['GET'],
  extraInputs: [productsById],
  handler: async (_request, context: InvocationContext) => ({ jsonBody: context.extraInputs.get(productsById) }),
});
