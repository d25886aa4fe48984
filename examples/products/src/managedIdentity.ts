import { HttpTrigger, KustoInput } from 'kusto-functions';
import { productsByName } from './bindings';
import { Product } from './models';

/**
 * The managed identity variant (as in the extension's managed identity tutorial): the connection string names only
 * the cluster, and the app's user-assigned identity, whose client id is in the KustoManagedIdentityClientId app
 * setting, signs in.
 */
export class ManagedIdentityQueries {
  @HttpTrigger({ route: 'getproductsmi/{name}', methods: ['GET'] })
  async getProductsManagedIdentity(
    @KustoInput(
      { ...productsByName('@name={name}'), managedServiceIdentity: '%KustoManagedIdentityClientId%' },
      Product,
    )
    products: Product[],
  ) {
    return { jsonBody: products };
  }
}
