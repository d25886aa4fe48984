import { HttpTrigger, KustoInput } from 'kusto-functions';
import { productsById, productsByName } from './bindings';
import { Product } from './models';

/** The official input binding samples. */
export class ProductQueries {
  /** GET /api/getproducts/{productId}: products with that id. */
  @HttpTrigger({ route: 'getproducts/{productId:long}', methods: ['GET'] })
  async getProducts(@KustoInput(productsById('@productId={productId}'), Product) products: Product[]) {
    return { jsonBody: products };
  }

  /** GET /api/getproductsfn/{name}: products with that name, through the stored function GetProductsByName. */
  @HttpTrigger({ route: 'getproductsfn/{name}', methods: ['GET'] })
  async getProductsFunction(@KustoInput(productsByName('@name={name}'), Product) products: Product[]) {
    return { jsonBody: products };
  }

  /** GET /api/getproducts?name=…: the name comes from the query string. */
  @HttpTrigger({ route: 'getproducts', methods: ['GET'] })
  async getProductsQueryString(@KustoInput(productsByName('@name={Query.name}'), Product) products: Product[]) {
    return { jsonBody: products };
  }

  /** GET /api/getproductsmq/{productId}/{name}: two queries in one function, results concatenated. */
  @HttpTrigger({ route: 'getproductsmq/{productId:long}/{name}', methods: ['GET'] })
  async getProductsIdOrName(
    @KustoInput({ ...productsById('@productId={productId}'), name: 'productsById' }, Product) byId: Product[],
    @KustoInput({ ...productsByName('@name={name}'), name: 'productsByName' }, Product) byName: Product[],
  ) {
    return { jsonBody: [...byId, ...byName] };
  }
}
