import type { InvocationContext } from '@azure/functions';
import {
  Context,
  KustoInput,
  KustoOutput,
  StorageQueueTrigger,
  TimerTrigger,
  Trigger,
  type Output,
} from 'kusto-functions';
import { CONNECTION, DATABASE, intoTable } from './bindings';
import { Product, ProductExport } from './models';

/** The samples with non-HTTP triggers. */
export class ProductPipelines {
  /** A queued product (JSON message on the `products` queue) is ingested into Products: the return value is the output. */
  @StorageQueueTrigger({ queueName: 'products', connection: 'AzureWebJobsStorage' })
  @KustoOutput(intoTable('Products'))
  async ingestQueuedProduct(
    @Trigger(Product) product: Product,
    @Context() context: InvocationContext,
  ): Promise<Product> {
    context.log(`Processing message with ID ${product.ProductID}`);
    return product;
  }

  /** Every five minutes, copies the products ingested in the last five minutes into ProductsExport. */
  @TimerTrigger({ schedule: '0 */5 * * * *' })
  async exportProducts(
    @KustoInput(
      {
        database: DATABASE,
        connection: CONNECTION,
        kqlCommand:
          'declare query_parameters (windowEnd:datetime);Products | extend ig = ingestion_time() | where ig > windowEnd - 5m and ig <= windowEnd | order by ig asc | project-away ig',
        kqlParameters: '@windowEnd={sys.utcnow}',
      },
      Product,
    )
    products: Product[],
    @KustoOutput(intoTable('ProductsExport'), ProductExport) out: Output<ProductExport[]>,
    @Context() context: InvocationContext,
  ) {
    const exportedAt = new Date();
    out.set(products.map((p) => Object.assign(new ProductExport(), p, { ExportedAt: exportedAt })));
    context.log(`Exported ${products.length} products`);
  }
}
