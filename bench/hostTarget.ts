/**
 * The servers bench/host.ts loads, each in its own process, printing `READY <url>` once serving and stopping on
 * SIGTERM:
 * - `emulator`: a Kusto emulator alone, with the Products example's schema and the benchmark's product;
 * - `floor [connection string]`: the floor, a bare node:http server that runs the same parameterized query as the
 *   Products example's GET /api/getproducts/{productId} with azure-kusto-data per request and answers the rows as
 *   JSON, against the emulator given, or one in its own process as the host embeds it;
 * - `host [connection string]`: the local host running the Products example (log lines discarded), against the
 *   emulator given, or its embedded emulator in memory;
 * - `plain [connection string]`: the local host running bench/hostPlainKustoApp.ts (the same route and Kusto input
 *   declared with @azure/functions alone, without the SDK);
 * - `static`: the local host running bench/hostStaticApp.ts (the same route and JSON without a Kusto binding).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client, ClientRequestProperties } from 'azure-kusto-data';
import { startEmulator } from 'kusto-emulator';
import { startHost } from 'kusto-functions-host';

/** The row the benchmark reads back. */
export const BENCH_PRODUCT = { ProductID: 1, Name: 'Widget', Cost: 9.99 };

const ROOT = path.resolve(__dirname, '../..');
const DATABASE = 'productsdb';
// The example's own query: what the host runs for GET /api/getproducts/{productId}.
const QUERY = 'declare query_parameters (productId:long);Products | where ProductID == productId';

type Target = { url: string; close: () => Promise<void> };

/** An emulator in this process with the example's schema and the product, warmed as the host warms its own. */
async function seededEmulator() {
  const emulator = await startEmulator({ databases: [DATABASE], warmUp: true });
  await emulator.runScript(DATABASE, fs.readFileSync(path.join(ROOT, 'examples/products/setup.kql'), 'utf8'));
  const { ProductID, Name, Cost } = BENCH_PRODUCT;
  await emulator.executeCommand(DATABASE, `.ingest inline into table Products <| ${ProductID},${Name},${Cost}`);
  return emulator;
}

async function emulatorAlone(): Promise<Target> {
  const emulator = await seededEmulator();
  return { url: emulator.connectionString(DATABASE), close: () => emulator.close() };
}

async function floor(connectionString?: string): Promise<Target> {
  const emulator = connectionString ? undefined : await seededEmulator();
  const client = new Client(connectionString ?? emulator!.connectionString(DATABASE));
  const server = http.createServer((req, res) => {
    const id = /^\/api\/getproducts\/(\d+)$/.exec(req.url ?? '')?.[1];
    if (!id) {
      res.writeHead(404).end();
      return;
    }
    const properties = new ClientRequestProperties();
    properties.setParameter('productId', Number(id));
    client.execute(DATABASE, QUERY, properties).then(
      (result) => {
        const body = JSON.stringify(result.primaryResults[0].toJSON().data);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/getproducts/1`;
  return {
    url,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      client.close();
      await emulator?.close();
    },
  };
}

async function host(connectionString?: string): Promise<Target> {
  const env = { ...process.env };
  delete env.KustoConnectionString;
  if (connectionString) env.KustoConnectionString = connectionString;
  const running = await startHost({
    appDir: path.join(ROOT, 'examples/products'),
    script: path.join(ROOT, 'dist/examples/products/src/index.js'),
    port: 0,
    env,
    volatile: true,
    log: () => undefined,
  });
  if (!connectionString) {
    const added = await fetch(`${running.url}/api/addproduct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([BENCH_PRODUCT]),
    });
    if (added.status !== 201) throw new Error(`Seeding the product failed with HTTP ${added.status}`);
  }
  return { url: `${running.url}/api/getproducts/1`, close: () => running.close() };
}

/** The local host running one of the bench apps, against the emulator given or an embedded one. */
async function benchApp(app: string, connectionString?: string): Promise<Target> {
  const env = { ...process.env };
  delete env.KustoConnectionString;
  if (connectionString) env.KustoConnectionString = connectionString;
  const running = await startHost({
    appDir: path.join(ROOT, 'examples/products'),
    script: path.join(__dirname, `${app}.js`),
    port: 0,
    env,
    volatile: true,
    log: () => undefined,
  });
  if (running.emulator) {
    const { ProductID, Name, Cost } = BENCH_PRODUCT;
    await running.emulator.executeCommand(
      DATABASE,
      `.ingest inline into table Products <| ${ProductID},${Name},${Cost}`,
    );
  }
  return { url: `${running.url}/api/getproducts/1`, close: () => running.close() };
}

if (require.main === module) {
  const [kind, connectionString] = process.argv.slice(2);
  const targets: Record<string, (connectionString?: string) => Promise<Target>> = {
    emulator: emulatorAlone,
    floor,
    host,
    static: () => benchApp('hostStaticApp'),
    plain: (connectionString) => benchApp('hostPlainKustoApp', connectionString),
  };
  const start = targets[kind];
  if (!start) {
    process.stderr.write('usage: node dist/bench/hostTarget.js emulator|floor|host|plain|static [connection string]\n');
    process.exit(2);
  }
  start(connectionString).then(
    (target) => {
      process.stdout.write(`READY ${target.url}\n`);
      process.on('SIGUSR2', () => {
        const { user, system } = process.cpuUsage();
        process.stdout.write(`CPU ${user + system}\n`);
      });
      process.once('SIGTERM', () => void target.close().then(() => process.exit(0)));
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
