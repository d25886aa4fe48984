import * as azureFunctions from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { expect } from 'chai';
import {
  Body,
  Context,
  HttpTrigger,
  KustoInput,
  KustoOutput,
  StorageQueueTrigger,
  Trigger,
  registerFunctions,
  type Output,
} from '../../lib';
import { KustoConfigurationError } from 'kusto-functions-bindings';
import { FunctionsHarness } from 'kusto-functions-host/testing';
import { makeEngine, tableRows, useEmulator } from '../../packages/engine/spec/support/engineFixture';

const SETUP = `
.create table Products (ProductID:long, Name:string, Cost:real)

.alter table Products policy streamingingestion enable

.ingest inline into table Products <| 1,one,1
2,two,2
`;

const db = { database: 'db', connection: 'KustoConnectionString' };
const byId = {
  ...db,
  kqlCommand: 'declare query_parameters (id:long);Products | where ProductID == id',
  kqlParameters: '@id={id}',
};

class Product {
  ProductID!: number;
  Name!: string;
  Cost!: number;
}

class Functions {
  @HttpTrigger({ route: 'products/{id}', methods: ['GET'], name: 'ipGet' })
  get(@KustoInput(byId, Product) products: Product[]) {
    return { jsonBody: { first: products[0] instanceof Product, products } };
  }

  @HttpTrigger({ route: 'byheader', methods: ['GET'], name: 'ipHeader' })
  byHeader(
    @KustoInput({ ...byId, kqlParameters: '@id={Headers.x-product-id}' }) rows: unknown,
    @KustoInput({ ...byId, kqlParameters: '@id={Query.other}', name: 'other' }) other: unknown,
  ) {
    return { jsonBody: [rows, other] };
  }

  @HttpTrigger({ route: 'add', methods: ['POST'], name: 'ipAdd' })
  add(@Body(Product) product: Product, @KustoOutput({ ...db, tableName: 'Products' }) out: Output<Product>) {
    out.set(product);
    return { status: 201, jsonBody: product };
  }

  @HttpTrigger({ route: 'bybody', methods: ['POST'], name: 'ipByBody' })
  byBody(@KustoInput({ ...byId, kqlParameters: '@id={ProductID}' }) rows: unknown) {
    return { jsonBody: rows };
  }

  @StorageQueueTrigger({ queueName: 'q', connection: 'AzureWebJobsStorage', name: 'ipQueue' })
  @KustoOutput({ ...db, tableName: 'Products' })
  queued(
    @Trigger(Product) product: Product,
    @KustoInput({ ...byId, kqlParameters: '@id={ProductID}', name: 'existing' }, Product) existing: Product[],
    @Context() context: InvocationContext,
  ): Product | undefined {
    context.log(`existing ${existing.length}`);
    return existing.length === 0 ? product : undefined;
  }
}

describe('engine: in-process mode', () => {
  const fixture = useEmulator(SETUP);
  let harness: FunctionsHarness;
  let logs: string[];
  let engine: ReturnType<typeof makeEngine>['engine'];

  before(() => {
    ({ engine, logs } = makeEngine({ env: fixture.env }));
    harness = FunctionsHarness.install().capture(() =>
      registerFunctions({ app: { ...azureFunctions.app }, bindings: 'in-process', engine }, Functions),
    );
  });
  after(() => engine.close());

  it('declares no Kusto bindings to the host', () => {
    for (const name of harness.names) {
      const types = Object.values(harness.metadata(name).bindings).map((b) => b.type);
      expect(types, name).to.not.include('kusto');
    }
    expect(harness.names).to.have.members(['ipGet', 'ipHeader', 'ipAdd', 'ipByBody', 'ipQueue']);
  });

  it('runs Kusto inputs with the engine, from route parameters, headers and the query string', async () => {
    const res = await harness.invokeHttp('ipGet', { params: { id: '2' } });
    expect(res.error).to.equal(undefined);
    expect(res.json()).to.deep.equal({ first: true, products: [{ ProductID: 2, Name: 'two', Cost: 2 }] });
    const both = await harness.invokeHttp('ipHeader', { headers: { 'X-Product-Id': '1' }, query: { other: '2' } });
    expect(both.json()).to.deep.equal([
      [{ ProductID: 1, Name: 'one', Cost: 1 }],
      [{ ProductID: 2, Name: 'two', Cost: 2 }],
    ]);
  });

  it('ingests Kusto outputs with the engine', async () => {
    const res = await harness.invokeHttp('ipAdd', { body: { ProductID: 10, Name: 'ten', Cost: 10 } });
    expect(res.status).to.equal(201);
    expect(res.outputs).to.deep.equal({});
    const rows = await tableRows(fixture.emulator, 'Products', 'ProductID asc');
    expect(rows.at(-1)).to.deep.equal({ ProductID: '10', Name: 'ten', Cost: 10 });
  });

  it('binds JSON body properties, and a body that is not JSON leaves them unset (as in the host)', async () => {
    const ok = await harness.invokeHttp('ipByBody', { body: { ProductID: 1 } });
    expect(ok.json()).to.deep.equal([{ ProductID: 1, Name: 'one', Cost: 1 }]);
    const bad = await harness.invokeHttp('ipByBody', { body: '{not json' });
    expect(bad.status).to.equal(500);
    expect(bad.error?.message).to.equal(
      "Kusto input 'kustoInput0' of ipByBody: the binding expression '{ProductID}' in kqlParameters (@id) has no value: the trigger data has no route parameter, body property or metadata named 'ProductID'.",
    );
  });

  it('binds the trigger payload of a non-HTTP trigger, and ingests the return value', async () => {
    const res = await harness.invoke('ipQueue', { trigger: { ProductID: 20, Name: 'twenty', Cost: 20 } });
    expect(res.error).to.equal(undefined);
    expect(res.logs.map((l) => l.message)).to.include('existing 0');
    const again = await harness.invoke('ipQueue', { trigger: { ProductID: 20, Name: 'twenty', Cost: 20 } });
    expect(again.logs.map((l) => l.message)).to.include('existing 1');
    const [count] = await fixture.emulator.executeQuery('db', 'Products | where ProductID == 20 | count');
    expect(count.rows).to.deep.equal([[1n]]);
  });

  it('resolves %Setting% in kqlCommand from the app settings, as the Kusto extension does', async () => {
    class FromSetting {
      @HttpTrigger({ route: 'cheap/{max}', methods: ['GET'], name: 'ipSettingQuery' })
      cheap(
        @KustoInput({ ...db, kqlCommand: '%CheapProductsQuery%', kqlParameters: '@max={max}' }, Product)
        rows: Product[],
      ) {
        return { jsonBody: rows };
      }
    }
    const query = 'declare query_parameters (max:real);Products | where Cost <= max | order by ProductID asc';
    const own = makeEngine({ env: { ...fixture.env, CheapProductsQuery: query } }).engine;
    try {
      const fns = FunctionsHarness.install().capture(() =>
        registerFunctions({ app: { ...azureFunctions.app }, bindings: 'in-process', engine: own }, FromSetting),
      );
      const res = await fns.invokeHttp('ipSettingQuery', { params: { max: '1.5' } });
      expect(res.error).to.equal(undefined);
      expect(res.json()).to.deep.equal([{ ProductID: 1, Name: 'one', Cost: 1 }]);
    } finally {
      await own.close();
    }
  });

  it('fails the invocation with the engine error when a query fails', async () => {
    const res = await harness.invokeHttp('ipGet', { params: { id: 'abc' } });
    expect(res.status).to.equal(500);
    expect(res.error?.message).to.match(
      /^Kusto input 'kustoInput0' of ipGet: the query on database 'db' failed \(HTTP 400/,
    );
    expect(logs.length).to.be.greaterThan(0);
  });

  describe('the default engine', () => {
    const saved = process.env.KustoConnectionString;
    before(() => {
      process.env.KustoConnectionString = fixture.env.KustoConnectionString;
    });
    after(() => {
      if (saved === undefined) delete process.env.KustoConnectionString;
      else process.env.KustoConnectionString = saved;
    });

    it('reads process.env, is shared by the registrations into one app, and closes when the app terminates', async () => {
      class A {
        @HttpTrigger({ route: 'a/{id}', methods: ['GET'], name: 'ipDefaultA' })
        a(@KustoInput(byId) rows: unknown) {
          return { jsonBody: rows };
        }
      }
      class B {
        @HttpTrigger({ route: 'b/{id}', methods: ['GET'], name: 'ipDefaultB' })
        b(@KustoInput(byId) rows: unknown) {
          return { jsonBody: rows };
        }
      }
      const harness = FunctionsHarness.install();
      const hooks = harness.hookCount('appTerminate');
      const app = { ...azureFunctions.app };
      const fns = FunctionsHarness.install().capture(() => {
        registerFunctions({ app, bindings: 'in-process' }, A);
        registerFunctions({ app, bindings: 'in-process' }, B);
      });
      expect(harness.hookCount('appTerminate')).to.equal(hooks + 1);
      expect((await fns.invokeHttp('ipDefaultA', { params: { id: '1' } })).json()).to.deep.equal([
        { ProductID: 1, Name: 'one', Cost: 1 },
      ]);
      await harness.terminateApp();
      const after = await fns.invokeHttp('ipDefaultB', { params: { id: '1' } });
      expect(after.status).to.equal(500);
      expect(after.error?.message).to.equal("Kusto input 'kustoInput0' of ipDefaultB: the Kusto engine is closed.");
    });
  });

  it('checks the options', () => {
    class C {
      @HttpTrigger({ route: 'c', name: 'ipC' })
      c() {}
    }
    const app = { ...azureFunctions.app };
    expect(() => registerFunctions({ app, bindings: 'sideways' as 'host' }, C)).to.throw(
      KustoConfigurationError,
      "registerFunctions: bindings is 'sideways'; use 'host' or 'in-process'.",
    );
    expect(() => registerFunctions({ app, engine }, C)).to.throw(
      KustoConfigurationError,
      "an engine is used only with bindings: 'in-process'",
    );
  });
});
