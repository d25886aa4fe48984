import { expect } from 'chai';
import { FunctionsHarness, type FunctionMetadata, type RpcBindingInfo } from 'kusto-functions-host/testing';

// The Products example app, loaded once: its entry registers through the real @azure/functions into the
// @azure/functions-core stand-in, exactly as in Azure. Only this spec loads the entry module.
const harness = FunctionsHarness.install().capture(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded inside the capture, on purpose
  require('../../examples/products/src');
});

const PRODUCTS_BY_ID = 'declare query_parameters (productId:long);Products | where ProductID == productId';
const PRODUCTS_BY_NAME = 'declare query_parameters (name:string);GetProductsByName(name)';
const common = { type: 'kusto', database: 'productsdb', connection: 'KustoConnectionString' };

function kustoBindings(metadata: FunctionMetadata): Record<string, RpcBindingInfo> {
  const out: Record<string, RpcBindingInfo> = {};
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    if (binding.type !== 'kusto') continue;
    // `properties` is @azure/functions' own flag object; the rest is what function.json would hold.
    const { properties: _flags, ...rest } = binding;
    out[name] = rest;
  }
  return out;
}

function trigger(metadata: FunctionMetadata): RpcBindingInfo {
  return Object.values(metadata.bindings).find((b) => /Trigger$/.test(String(b.type))) as RpcBindingInfo;
}

const sample = [
  { ProductID: 1, Name: 'Item-1', Cost: 10.5 },
  { ProductID: 2, Name: 'Item-2', Cost: 20 },
];

describe('the Products example app', () => {
  it('registers every ported sample', () => {
    expect(harness.names).to.have.members([
      'getProducts',
      'getProductsFunction',
      'getProductsQueryString',
      'getProductsIdOrName',
      'addProducts',
      'addProduct',
      'addProductWithMapping',
      'addProductCsv',
      'addProductReturn',
      'addMultiTable',
      'getAndAddProducts',
      'addProductParams',
      'ingestQueuedProduct',
      'exportProducts',
      'getProductsManagedIdentity',
    ]);
  });

  describe('registers the bindings the Kusto extension reads', () => {
    const expectations: Record<string, { trigger: Record<string, unknown>; kusto: Record<string, object> }> = {
      getProducts: {
        trigger: { type: 'httpTrigger', route: 'getproducts/{productId:long}', methods: ['GET'], direction: 'in' },
        kusto: {
          kustoInput0: {
            ...common,
            name: 'kustoInput0',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_ID,
            kqlParameters: '@productId={productId}',
          },
        },
      },
      getProductsFunction: {
        trigger: { type: 'httpTrigger', route: 'getproductsfn/{name}', methods: ['GET'] },
        kusto: {
          kustoInput0: {
            ...common,
            name: 'kustoInput0',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_NAME,
            kqlParameters: '@name={name}',
          },
        },
      },
      getProductsQueryString: {
        trigger: { type: 'httpTrigger', route: 'getproducts', methods: ['GET'] },
        kusto: {
          kustoInput0: {
            ...common,
            name: 'kustoInput0',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_NAME,
            kqlParameters: '@name={Query.name}',
          },
        },
      },
      getProductsIdOrName: {
        trigger: { type: 'httpTrigger', route: 'getproductsmq/{productId:long}/{name}', methods: ['GET'] },
        kusto: {
          productsById: {
            ...common,
            name: 'productsById',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_ID,
            kqlParameters: '@productId={productId}',
          },
          productsByName: {
            ...common,
            name: 'productsByName',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_NAME,
            kqlParameters: '@name={name}',
          },
        },
      },
      addProducts: {
        trigger: { type: 'httpTrigger', route: 'addproduct', methods: ['POST'] },
        kusto: { kustoOutput1: { ...common, name: 'kustoOutput1', direction: 'out', tableName: 'Products' } },
      },
      addProduct: {
        trigger: { type: 'httpTrigger', route: 'addproductuni', methods: ['POST'] },
        kusto: { kustoOutput1: { ...common, name: 'kustoOutput1', direction: 'out', tableName: 'Products' } },
      },
      addProductWithMapping: {
        trigger: { type: 'httpTrigger', route: 'addproductswithmapping', methods: ['POST'] },
        kusto: {
          kustoOutput1: {
            ...common,
            name: 'kustoOutput1',
            direction: 'out',
            tableName: 'Products',
            mappingRef: 'item_to_product_json',
          },
        },
      },
      addProductCsv: {
        trigger: { type: 'httpTrigger', route: 'addproductcsv', methods: ['POST'] },
        kusto: {
          kustoOutput1: { ...common, name: 'kustoOutput1', direction: 'out', tableName: 'Products', dataFormat: 'csv' },
        },
      },
      addProductReturn: {
        trigger: { type: 'httpTrigger', route: 'addproductreturn', methods: ['POST'] },
        kusto: { kustoOutputReturn: { ...common, name: 'kustoOutputReturn', direction: 'out', tableName: 'Products' } },
      },
      addMultiTable: {
        trigger: { type: 'httpTrigger', route: 'addmultitable', methods: ['POST'] },
        kusto: {
          kustoOutput1: { ...common, name: 'kustoOutput1', direction: 'out', tableName: 'Products' },
          kustoOutput2: { ...common, name: 'kustoOutput2', direction: 'out', tableName: 'ProductsChangeLog' },
        },
      },
      getAndAddProducts: {
        trigger: { type: 'httpTrigger', route: 'getsgetaddproductsetproducts/{productId:long}', methods: ['GET'] },
        kusto: {
          kustoInput0: {
            ...common,
            name: 'kustoInput0',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_ID,
            kqlParameters: '@productId={productId}',
          },
          kustoOutput1: { ...common, name: 'kustoOutput1', direction: 'out', tableName: 'Products' },
        },
      },
      addProductParams: {
        trigger: { type: 'httpTrigger', route: 'addproductsparams', methods: ['GET'] },
        kusto: { kustoOutputReturn: { ...common, name: 'kustoOutputReturn', direction: 'out', tableName: 'Products' } },
      },
      ingestQueuedProduct: {
        trigger: { type: 'queueTrigger', queueName: 'products', connection: 'AzureWebJobsStorage' },
        kusto: { kustoOutputReturn: { ...common, name: 'kustoOutputReturn', direction: 'out', tableName: 'Products' } },
      },
      exportProducts: {
        trigger: { type: 'timerTrigger', schedule: '0 */5 * * * *' },
        kusto: {
          kustoInput0: {
            ...common,
            name: 'kustoInput0',
            direction: 'in',
            kqlCommand:
              'declare query_parameters (windowEnd:datetime);Products | extend ig = ingestion_time() | where ig > windowEnd - 5m and ig <= windowEnd | order by ig asc | project-away ig',
            kqlParameters: '@windowEnd={sys.utcnow}',
          },
          kustoOutput1: { ...common, name: 'kustoOutput1', direction: 'out', tableName: 'ProductsExport' },
        },
      },
      getProductsManagedIdentity: {
        trigger: { type: 'httpTrigger', route: 'getproductsmi/{name}', methods: ['GET'] },
        kusto: {
          kustoInput0: {
            ...common,
            name: 'kustoInput0',
            direction: 'in',
            kqlCommand: PRODUCTS_BY_NAME,
            kqlParameters: '@name={name}',
            managedServiceIdentity: '%KustoManagedIdentityClientId%',
          },
        },
      },
    };

    for (const [name, expected] of Object.entries(expectations)) {
      it(`for ${name}`, () => {
        const metadata = harness.metadata(name);
        expect(trigger(metadata)).to.deep.include(expected.trigger);
        expect(kustoBindings(metadata)).to.deep.equal(expected.kusto);
        if (expected.trigger.type === 'httpTrigger') {
          expect(metadata.bindings.$return).to.include({ type: 'http', direction: 'out' });
        }
      });
    }
  });

  describe('runs through the @azure/functions programming model', () => {
    it('getProducts answers the rows the host delivered', async () => {
      const res = await harness.invokeHttp('getProducts', {
        params: { productId: '1' },
        inputs: { kustoInput0: [sample[0]] },
      });
      expect(res.error).to.equal(undefined);
      expect(res.status).to.equal(200);
      expect(res.json()).to.deep.equal([sample[0]]);
    });

    it('getProductsIdOrName concatenates its two inputs', async () => {
      const res = await harness.invokeHttp('getProductsIdOrName', {
        params: { productId: '1', name: 'Item-2' },
        inputs: { productsById: [sample[0]], productsByName: [sample[1]] },
      });
      expect(res.json()).to.deep.equal(sample);
    });

    it('addProducts ingests the posted array and answers 201', async () => {
      const res = await harness.invokeHttp('addProducts', { body: sample });
      expect(res.status).to.equal(201);
      expect(res.outputs).to.deep.equal({ kustoOutput1: sample });
    });

    it('addProductWithMapping sends the Item as is, for the table mapping to translate', async () => {
      const item = { ItemID: 7, ItemName: 'Item-7', ItemCost: 7.5 };
      const res = await harness.invokeHttp('addProductWithMapping', { body: item });
      expect(res.outputs).to.deep.equal({ kustoOutput1: [item] });
    });

    it('addProductCsv sends a CSV record in column order', async () => {
      const res = await harness.invokeHttp('addProductCsv', {
        body: { ProductID: 3, Name: 'a, "quoted" name', Cost: 1.25 },
      });
      expect(res.outputs).to.deep.equal({ kustoOutput1: '3,"a, ""quoted"" name",1.25\n' });
    });

    it('addProductReturn ingests the returned product and answers 201 with it', async () => {
      const res = await harness.invokeHttp('addProductReturn', { body: sample[1] });
      expect(res.status).to.equal(201);
      expect(res.json()).to.deep.equal(sample[1]);
      expect(res.outputs).to.deep.equal({ kustoOutputReturn: [sample[1]] });
    });

    it('addMultiTable writes a product and a change record with a datetime', async () => {
      const before = Date.now();
      const res = await harness.invokeHttp('addMultiTable', { body: sample[0] });
      expect(res.status).to.equal(201);
      expect(res.outputs.kustoOutput1).to.deep.equal([sample[0]]);
      const [change] = res.outputs.kustoOutput2 as { ProductID: number; CreatedAt: string }[];
      expect(change.ProductID).to.equal(1);
      expect(change.CreatedAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(change.CreatedAt)).to.be.at.least(before - 1);
    });

    it('getAndAddProducts renames what it read and writes it back', async () => {
      const res = await harness.invokeHttp('getAndAddProducts', {
        params: { productId: '2' },
        inputs: { kustoInput0: [sample[1]] },
      });
      const renamed = [{ ...sample[1], Name: 'js-get-set2' }];
      expect(res.json()).to.deep.equal(renamed);
      expect(res.outputs).to.deep.equal({ kustoOutput1: renamed });
    });

    it('addProductParams builds a typed product from the query string', async () => {
      const res = await harness.invokeHttp('addProductParams', { query: { productId: '9', name: 'Q', cost: '3.5' } });
      expect(res.status).to.equal(201);
      expect(res.outputs).to.deep.equal({ kustoOutputReturn: [{ ProductID: 9, Name: 'Q', Cost: 3.5 }] });
    });

    it('addProductParams answers 400 when a number is not a number', async () => {
      const res = await harness.invokeHttp('addProductParams', {
        query: { productId: 'nine', name: 'Q', cost: '3.5' },
      });
      expect(res.status).to.equal(400);
      expect(res.json()).to.deep.equal({ error: "The query parameter 'productId' must be a number." });
      expect(res.outputs).to.deep.equal({});
    });

    it('ingestQueuedProduct ingests the queue message it returns, and logs', async () => {
      const res = await harness.invoke('ingestQueuedProduct', { trigger: sample[0] });
      expect(res.error).to.equal(undefined);
      expect(res.outputs).to.deep.equal({ kustoOutputReturn: [sample[0]] });
      expect(res.logs.map((l) => l.message)).to.include('Processing message with ID 1');
    });

    it('exportProducts stamps the exported rows', async () => {
      const res = await harness.invoke('exportProducts', {
        trigger: { isPastDue: false },
        inputs: { kustoInput0: sample },
      });
      const exported = res.outputs.kustoOutput1 as { ProductID: number; ExportedAt: string }[];
      expect(exported.map((r) => r.ProductID)).to.deep.equal([1, 2]);
      expect(exported[0].ExportedAt).to.equal(exported[1].ExportedAt);
      expect(Number.isNaN(Date.parse(exported[0].ExportedAt))).to.equal(false);
    });

    it('fails the invocation, naming the binding and the extension bundle, when the host delivers no Kusto data', async () => {
      const res = await harness.invokeHttp('getProducts', { params: { productId: '1' } });
      expect(res.status).to.equal(500);
      expect(res.error?.message).to.match(
        /no data for the Kusto input 'kustoInput0' of ProductQueries\.getProducts.*ExtensionBundle\.Preview/,
      );
    });
  });
});
