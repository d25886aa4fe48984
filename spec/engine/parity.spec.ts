import * as azureFunctions from '@azure/functions';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { registerFunctions } from '../../lib';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import type { KustoEngine } from 'kusto-functions-engine';
import { FunctionsHarness } from 'kusto-functions-host/testing';
// The example's classes, from their modules: its entry (src/index.ts) registers into the global app on load.
import { ProductQueries } from '../../examples/products/src/inputBindings';
import { ManagedIdentityQueries } from '../../examples/products/src/managedIdentity';
import { ProductIngestion } from '../../examples/products/src/outputBindings';
import { ProductPipelines } from '../../examples/products/src/triggers';
import { makeEngine } from '../../packages/engine/spec/support/engineFixture';

const CLASSES = [ProductQueries, ProductIngestion, ProductPipelines, ManagedIdentityQueries];
const TABLES = ['Products', 'ProductsChangeLog', 'ProductsExport', 'Item'];
const SETUP = path.resolve(__dirname, '../../../examples/products/setup.kql');

/** One step of the example run: an HTTP call or a trigger invocation. */
type Step =
  | { http: string; params?: Record<string, string>; query?: Record<string, string>; body?: unknown }
  | { invoke: string; trigger: unknown };

// Every sample of examples/products, in an order where later reads see earlier writes, plus bad input.
const STEPS: Step[] = [
  {
    http: 'addProducts',
    body: [
      { ProductID: 1, Name: 'Item-1', Cost: 10.5 },
      { ProductID: 2, Name: 'Item-2', Cost: 20 },
    ],
  },
  { http: 'addProduct', body: { ProductID: 3, Name: 'Item-3', Cost: 3.25 } },
  { http: 'addProductWithMapping', body: { ItemID: 4, ItemName: 'Item-4', ItemCost: 4 } },
  { http: 'addProductCsv', body: { ProductID: 5, Name: 'a, "quoted" name', Cost: 5.5 } },
  { http: 'addProductReturn', body: { ProductID: 6, Name: 'Item-6', Cost: 6 } },
  { http: 'addMultiTable', body: { ProductID: 7, Name: 'Item-7', Cost: 7 } },
  { http: 'addProductParams', query: { productId: '8', name: 'Item-8', cost: '8.5' } },
  { invoke: 'ingestQueuedProduct', trigger: { ProductID: 9, Name: 'Item-9', Cost: 9 } },
  { http: 'getProducts', params: { productId: '1' } },
  { http: 'getProductsFunction', params: { name: 'Item-2' } },
  { http: 'getProductsQueryString', query: { name: 'a, "quoted" name' } },
  { http: 'getProductsIdOrName', params: { productId: '3', name: 'Item-4' } },
  { http: 'getProductsManagedIdentity', params: { name: 'Item-6' } },
  { http: 'getAndAddProducts', params: { productId: '2' } },
  { invoke: 'exportProducts', trigger: { isPastDue: false } },
  // Bad input: a parameter of the wrong type (the query fails), a number that is not one, a malformed body.
  { http: 'getProducts', params: { productId: 'abc' } },
  { http: 'addProductParams', query: { productId: 'nine', name: 'x', cost: '1' } },
  { http: 'addProduct', body: '{"ProductID": ' },
];

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;

// Times differ between the two runs; everything else must not.
function normalize(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).replace(ISO, '<datetime>'),
  );
}

async function run(harness: FunctionsHarness): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const step of STEPS) {
    if ('http' in step) {
      const res = await harness.invokeHttp(step.http, {
        params: step.params,
        query: step.query,
        body: step.body as string | object | undefined,
      });
      const text = res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: compared as text.
      }
      results.push(
        normalize({ step: step.http, status: res.status, body, error: res.error?.message, outputs: res.outputs }),
      );
    } else {
      const res = await harness.invoke(step.invoke, { trigger: step.trigger });
      results.push(
        normalize({ step: step.invoke, error: res.error?.message, outputs: res.outputs, returned: res.returnValue }),
      );
    }
  }
  return results;
}

async function contents(emulator: KustoEmulator): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const table of TABLES) {
    const [result] = await emulator.executeQuery('productsdb', table);
    out[table] = normalize(
      result.rows.map((row) =>
        row.map((v, i) => (result.columns[i].type === 'datetime' && v !== null ? 'datetime' : v)),
      ),
    );
  }
  return out;
}

describe('engine: parity of host mode and in-process mode (examples/products)', function () {
  this.timeout(60_000);
  const emulators: KustoEmulator[] = [];
  const engines: KustoEngine[] = [];
  let hostResults: unknown[];
  let inProcessResults: unknown[];

  async function emulatorWithSchema(): Promise<{ emulator: KustoEmulator; env: NodeJS.ProcessEnv }> {
    const emulator = await startEmulator({ databases: ['productsdb'] });
    emulators.push(emulator);
    await emulator.runScript('productsdb', await fs.readFile(SETUP, 'utf8'));
    return {
      emulator,
      env: {
        KustoConnectionString: emulator.connectionString('productsdb'),
        // The managed identity sample's user-assigned identity (ignored on the emulator's loopback endpoint).
        KustoManagedIdentityClientId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
      },
    };
  }

  before(async () => {
    const host = await emulatorWithSchema();
    const inProcess = await emulatorWithSchema();
    const hostEngine = makeEngine({ env: host.env }).engine;
    const inProcessEngine = makeEngine({ env: inProcess.env }).engine;
    engines.push(hostEngine, inProcessEngine);
    const worker = FunctionsHarness.install();
    // Host mode: Kusto bindings declared to the host, run by a stand-in host with the engine.
    const hostHarness = worker
      .capture(() => registerFunctions({ app: { ...azureFunctions.app } }, ...CLASSES))
      .withEngine(hostEngine);
    hostResults = await run(hostHarness);
    // In-process mode: no Kusto bindings declared, the engine runs them inside the worker.
    const inProcessHarness = worker.capture(() =>
      registerFunctions(
        { app: { ...azureFunctions.app }, bindings: 'in-process', engine: inProcessEngine },
        ...CLASSES,
      ),
    );
    inProcessResults = await run(inProcessHarness);
  });

  after(async () => {
    for (const engine of engines) await engine.close();
    for (const emulator of emulators) await emulator.close();
  });

  it('every step succeeds or fails as the sample intends', () => {
    const summary = hostResults.map((r) => {
      const { step, status, error } = r as { step: string; status?: number; error?: string };
      return `${step} ${status ?? (error ? 'failed' : 'ok')}`;
    });
    expect(summary).to.deep.equal([
      'addProducts 201',
      'addProduct 201',
      'addProductWithMapping 201',
      'addProductCsv 201',
      'addProductReturn 201',
      'addMultiTable 201',
      'addProductParams 201',
      'ingestQueuedProduct ok',
      'getProducts 200',
      'getProductsFunction 200',
      'getProductsQueryString 200',
      'getProductsIdOrName 200',
      'getProductsManagedIdentity 200',
      'getAndAddProducts 201',
      'exportProducts ok',
      'getProducts 500',
      'addProductParams 400',
      'addProduct 400',
    ]);
    const bodies = hostResults.map((r) => (r as { body?: unknown }).body);
    expect(bodies[8]).to.deep.equal([{ ProductID: 1, Name: 'Item-1', Cost: 10.5 }]);
    expect(bodies[10]).to.deep.equal([{ ProductID: 5, Name: 'a, "quoted" name', Cost: 5.5 }]);
    expect(bodies[11]).to.deep.equal([
      { ProductID: 3, Name: 'Item-3', Cost: 3.25 },
      { ProductID: 4, Name: 'Item-4', Cost: 4 },
    ]);
  });

  it('answers identically', () => {
    expect(inProcessResults.map((r) => ({ ...(r as object), outputs: undefined }))).to.deep.equal(
      hostResults.map((r) => ({ ...(r as object), outputs: undefined })),
    );
  });

  it('leaves identical table contents', async () => {
    const [host, inProcess] = await Promise.all(emulators.map(contents));
    expect(inProcess).to.deep.equal(host);
    const products = (host as Record<string, unknown[][]>).Products;
    // Nine products, one written back renamed by getAndAddProducts, and what the export copied.
    expect(products.map((r) => r[0])).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '2']);
    expect((host as Record<string, unknown[]>).ProductsExport).to.have.length(10);
    expect((host as Record<string, unknown[]>).ProductsChangeLog).to.deep.equal([['7', 'datetime']]);
  });
});
