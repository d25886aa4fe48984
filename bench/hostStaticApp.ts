/**
 * The app bench/host.ts uses to measure the host's own cost: the Products example's GET route answering the same
 * JSON without a Kusto binding, registered through @azure/functions like any app.
 */
import { app } from '@azure/functions';

const PRODUCTS = [{ ProductID: 1, Name: 'Widget', Cost: 9.99 }];

app.http('getProductsStatic', {
  route: 'getproducts/{productId}',
  methods: ['GET'],
  handler: async () => ({ jsonBody: PRODUCTS }),
});
