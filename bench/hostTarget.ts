/**
 * The servers bench/host.ts loads, each in its own process: `floor` (a bare node:http server answering the JSON
 * the host answers), `host` (the local host running the Products example, in-process API, log lines discarded,
 * embedded emulator in memory) or `static` (the local host running bench/hostStaticApp.ts: the same route and JSON
 * without a Kusto binding). Prints `READY <url>` once serving; stops on SIGTERM.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startHost } from 'kusto-functions-host';

/** The row the benchmark reads back. */
export const BENCH_PRODUCT = { ProductID: 1, Name: 'Widget', Cost: 9.99 };

async function floor(): Promise<{ url: string; close: () => Promise<void> }> {
  const body = JSON.stringify([BENCH_PRODUCT]);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/getproducts/1`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function host(): Promise<{ url: string; close: () => Promise<void> }> {
  const root = path.resolve(__dirname, '../..');
  const env = { ...process.env };
  delete env.KustoConnectionString;
  const running = await startHost({
    appDir: path.join(root, 'examples/products'),
    script: path.join(root, 'dist/examples/products/src/index.js'),
    port: 0,
    env,
    volatile: true,
    log: () => undefined,
  });
  const added = await fetch(`${running.url}/api/addproduct`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([BENCH_PRODUCT]),
  });
  if (added.status !== 201) throw new Error(`Seeding the product failed with HTTP ${added.status}`);
  return { url: `${running.url}/api/getproducts/1`, close: () => running.close() };
}

async function staticHost(): Promise<{ url: string; close: () => Promise<void> }> {
  const running = await startHost({
    appDir: path.resolve(__dirname, '../../examples/products'),
    script: path.join(__dirname, 'hostStaticApp.js'),
    port: 0,
    log: () => undefined,
  });
  return { url: `${running.url}/api/getproducts/1`, close: () => running.close() };
}

if (require.main === module) {
  const kind = process.argv[2];
  const start = kind === 'floor' ? floor : kind === 'host' ? host : kind === 'static' ? staticHost : undefined;
  if (!start) {
    process.stderr.write('usage: node dist/bench/hostTarget.js floor|host|static\n');
    process.exit(2);
  }
  start().then(
    (target) => {
      process.stdout.write(`READY ${target.url}\n`);
      process.once('SIGTERM', () => void target.close().then(() => process.exit(0)));
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
