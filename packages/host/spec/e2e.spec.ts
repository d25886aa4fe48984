import { expect } from 'chai';
import { spawnHost, type HostProcess } from './support/cliProcess';

// The official samples' multi-language scenario (Azure/Webjobs.Extensions.Kusto, functions-int-tests
// FunctionsMultiLangTests.java) against the Products example, run by the CLI exactly as `npm start` runs it, on a
// free port, with no Kusto setting: the embedded emulator serves it (volatile, so runs never share data).

interface Product {
  ProductID: number;
  Name: string;
  Cost: number;
}

/** The scenario's data for one virtual user: nine products and one item, with ids no other user has. */
function scenarioData(base: number) {
  const products: Product[] = [];
  for (let count = 1; count < 10; count++) {
    const id = base - count;
    products.push({ ProductID: id, Name: `Product-node-${id}`, Cost: id / 1000999.999 });
  }
  const itemId = base + 10;
  const item = { ItemID: itemId, ItemName: `Item-node-${itemId}`, ItemCost: itemId / 1000999.999 };
  return { products, item, expected: { ProductID: itemId, Name: item.ItemName, Cost: item.ItemCost } };
}

describe('end to end: the Products example on the local host', function () {
  this.timeout(180_000);
  let host: HostProcess;
  let api: string;
  let base: string;

  before(async () => {
    const env = { ...process.env };
    delete env.KustoConnectionString;
    host = spawnHost(['start', 'examples/products', '--port', '0', '--volatile'], env);
    base = await host.listening;
    api = `${base}/api`;
    await host.waitFor('Host started.');
  });
  after(async () => {
    if (host) expect(await host.stop()).to.equal(0);
  });

  const post = (path: string, body: unknown) =>
    fetch(`${api}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  const getJson = async (path: string) => {
    const res = await fetch(`${api}/${path}`, { headers: { accept: 'application/json' } });
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as Product[]) : undefined };
  };

  /** One virtual user's chain; returns the statuses it saw, in order. */
  async function chain(baseId: number): Promise<{ statuses: number[]; byId?: Product[]; byName?: Product[] }> {
    const { products, item } = scenarioData(baseId);
    const statuses: number[] = [];
    statuses.push((await post('addproduct', products)).status);
    statuses.push((await post('addproductswithmapping', item)).status);
    const byId = await getJson(`getproducts/${item.ItemID}`);
    statuses.push(byId.status);
    const byName = await getJson(`getproductsfn/${encodeURIComponent(item.ItemName)}`);
    statuses.push(byName.status);
    return { statuses, byId: byId.body, byName: byName.body };
  }

  it('starts on the embedded emulator and prints the function table', () => {
    const out = host.stdout();
    const port = new URL(base).port;
    expect(out).to.match(
      /Kusto: KustoConnectionString is not set: using the embedded Kusto emulator at http:\/\/127\.0\.0\.1:\d+ \(volatile/,
    );
    expect(out).to.contain('Kusto: ran setup.kql in productsdb');
    expect(out).to.contain(`\tgetProducts: [GET] http://localhost:${port}/api/getproducts/{productId:long}\n`);
    expect(out).to.contain(`\taddProducts: [POST] http://localhost:${port}/api/addproduct\n`);
    expect(out).to.contain('\tingestQueuedProduct: queueTrigger\n');
    expect(out).to.contain('\texportProducts: timerTrigger (0 */5 * * * *)\n');
  });

  it('runs the scenario once: add products, add an item through the mapping, read it by id and through the stored function', async () => {
    const seconds = Date.now();
    const { expected } = scenarioData(seconds);
    const result = await chain(seconds);
    expect(result.statuses[0]).to.be.oneOf([200, 201]);
    expect(result.statuses[1]).to.be.oneOf([200, 201]);
    expect(result.statuses.slice(2)).to.deep.equal([200, 200]);
    expect(result.byId).to.deep.equal([expected]);
    expect(result.byName).to.deep.equal([expected]);
  });

  it('runs it for 50 concurrent virtual users: every request succeeds and every written row reads back exactly once', async () => {
    // Distinct id ranges per user, away from the single run's.
    const start = Date.now() + 1_000_000;
    const users = Array.from({ length: 50 }, (_, i) => start + i * 100);
    const results = await Promise.all(users.map((baseId) => chain(baseId)));
    const statuses = results.flatMap((r) => r.statuses);
    expect(statuses.filter((s) => s !== 200 && s !== 201)).to.deep.equal([]);
    expect(statuses).to.have.length(50 * 4);
    users.forEach((baseId, i) => {
      const { expected } = scenarioData(baseId);
      expect(results[i].byId, `user ${i} by id`).to.deep.equal([expected]);
      expect(results[i].byName, `user ${i} by name`).to.deep.equal([expected]);
    });
    // Every product every user wrote is there exactly once (read back concurrently too).
    const reads = await Promise.all(
      users.flatMap((baseId) =>
        scenarioData(baseId).products.map(async (p) => ({
          expected: p,
          read: await getJson(`getproducts/${p.ProductID}`),
        })),
      ),
    );
    expect(reads).to.have.length(450);
    for (const { expected, read } of reads) {
      expect(read.status).to.equal(200);
      expect(read.body).to.deep.equal([expected]);
    }
  });

  it('invokes the queue-triggered function through the admin API, which ingests the message', async () => {
    const product = { ProductID: Date.now() + 5_000_000, Name: 'Queued-node', Cost: 3.25 };
    const res = await fetch(`${base}/admin/functions/ingestQueuedProduct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: JSON.stringify(product) }),
    });
    expect(res.status).to.equal(202);
    // Accepted, then run in the background: poll (bounded) until the row is there.
    let rows: Product[] | undefined;
    for (let attempt = 0; attempt < 100 && !rows?.length; attempt++) {
      rows = (await getJson(`getproducts/${product.ProductID}`)).body;
      if (!rows?.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows).to.deep.equal([product]);
    await host.waitFor(`Processing message with ID ${product.ProductID}`, 5000);
    expect(host.stdout()).to.match(
      new RegExp(
        `Functions\\.ingestQueuedProduct \\(Id=[0-9a-f-]{36}\\): Processing message with ID ${product.ProductID}`,
      ),
    );
  });
});
