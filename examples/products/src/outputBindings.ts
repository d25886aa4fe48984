import { Body, HttpTrigger, KustoInput, KustoOutput, Query, type Output } from 'kusto-functions';
import { intoTable, productsById } from './bindings';
import { Item, Product, ProductChangeLog } from './models';

/** The official output binding samples. */
export class ProductIngestion {
  /** POST /api/addproduct with an array of products. */
  @HttpTrigger({ route: 'addproduct', methods: ['POST'] })
  async addProducts(@Body(Product) products: Product[], @KustoOutput(intoTable('Products')) out: Output<Product[]>) {
    out.set(products);
    return { status: 201, jsonBody: products };
  }

  /** POST /api/addproductuni with one product. */
  @HttpTrigger({ route: 'addproductuni', methods: ['POST'] })
  async addProduct(@Body(Product) product: Product, @KustoOutput(intoTable('Products')) out: Output<Product>) {
    out.set(product);
    return { status: 201, jsonBody: product };
  }

  /** POST /api/addproductswithmapping with an Item: the table's mapping turns it into a product. */
  @HttpTrigger({ route: 'addproductswithmapping', methods: ['POST'] })
  async addProductWithMapping(
    @Body(Item) item: Item,
    @KustoOutput(intoTable('Products', { mappingRef: 'item_to_product_json' })) out: Output<Item>,
  ) {
    out.set(item);
    return { status: 201, jsonBody: item };
  }

  /** POST /api/addproductcsv with a product, ingested as a CSV record. */
  @HttpTrigger({ route: 'addproductcsv', methods: ['POST'] })
  async addProductCsv(
    @Body(Product) product: Product,
    @KustoOutput(intoTable('Products', { dataFormat: 'csv' })) out: Output<Product>,
  ) {
    // Objects are written as CSV in their property order, which matches the table's columns.
    out.set(product);
    return { status: 201, jsonBody: product };
  }

  /** POST /api/addproductreturn: the returned product is ingested and answered with 201. */
  @HttpTrigger({ route: 'addproductreturn', methods: ['POST'] })
  @KustoOutput(intoTable('Products'))
  async addProductReturn(@Body(Product) product: Product): Promise<Product> {
    return product;
  }

  /** POST /api/addmultitable: one product into Products and a change record into ProductsChangeLog. */
  @HttpTrigger({ route: 'addmultitable', methods: ['POST'] })
  async addMultiTable(
    @Body(Product) product: Product,
    @KustoOutput(intoTable('Products')) products: Output<Product>,
    @KustoOutput(intoTable('ProductsChangeLog'), ProductChangeLog) changes: Output<ProductChangeLog>,
  ) {
    products.set(product);
    changes.set(Object.assign(new ProductChangeLog(), { ProductID: product.ProductID, CreatedAt: new Date() }));
    return { status: 201, jsonBody: product };
  }

  /** GET /api/getsgetaddproductsetproducts/{productId}: read products, rename them, write them back. */
  @HttpTrigger({ route: 'getsgetaddproductsetproducts/{productId:long}', methods: ['GET'] })
  async getAndAddProducts(
    @KustoInput(productsById('@productId={productId}'), Product) products: Product[],
    @KustoOutput(intoTable('Products')) out: Output<Product[]>,
  ) {
    for (const product of products) product.Name = `js-get-set${product.ProductID}`;
    out.set(products);
    return { status: 201, jsonBody: products };
  }

  /** GET /api/addproductsparams?productId=…&name=…&cost=…: a product from the query string. */
  @HttpTrigger({ route: 'addproductsparams', methods: ['GET'] })
  @KustoOutput(intoTable('Products'))
  async addProductParams(
    @Query('productId') productId: number,
    @Query('name') name: string,
    @Query('cost') cost: number,
  ): Promise<Product> {
    return Object.assign(new Product(), { ProductID: productId, Name: name, Cost: cost });
  }
}
