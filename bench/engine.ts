/**
 * What the binding engine adds to a Kusto call, against the embedded emulator in this process:
 * (a) a query round trip through engine.runInput (a kqlParameters expression resolved, the parameter typed, rows as
 *     objects) against the same query with a bare azure-kusto-data client (same parameter, raw rows);
 * (b) ingestion throughput through engine.runOutput (rows serialized as multijson, streamed) against a bare
 *     StreamingIngestClient sending the same rows serialized the same way.
 * Calls alternate between the two, and each figure is the median of many, so that drift hits both alike.
 * Target: ratio ≤ 1.05 for each (the engine adds at most 5 %).
 */
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Client, ClientRequestProperties } from 'azure-kusto-data';
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import type { KustoInputBinding, KustoOutputBinding } from 'kusto-functions-bindings';
import { startEmulator } from 'kusto-emulator';
import { createKustoEngine } from 'kusto-functions-engine';
import { fmt, median, msSince } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's types live under `exports`
const kustoIngest = require('azure-kusto-ingest') as typeof KustoIngest;

const DB = 'benchdb';

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return msSince(start);
}

/** Runs the benchmark and returns its figures. */
export async function engineBench(
  queries = Number(process.env.BENCH_QUERIES ?? 2000),
  batches = Number(process.env.BENCH_BATCHES ?? 60),
  batchRows = Number(process.env.BENCH_BATCH_ROWS ?? 1000),
) {
  const emulator = await startEmulator({ databases: [DB], warmUp: true });
  await emulator.runScript(
    DB,
    '.create table Products (ProductID:long, Name:string, Cost:real)\n\n.create table Ingested (ProductID:long, Name:string, Cost:real)' +
      '\n\n.alter table Ingested policy streamingingestion enable',
  );
  const seed = Array.from({ length: 1000 }, (_, i) => `${i},product-${i},${i * 1.5}`).join('\n');
  await emulator.executeCommand(DB, `.ingest inline into table Products <| ${seed}`);
  const connectionString = emulator.connectionString(DB);
  const engine = createKustoEngine({ env: { KustoConnectionString: connectionString } });
  const client = new Client(connectionString);
  const streaming = new kustoIngest.StreamingIngestClient(connectionString);

  // (a) query round trips
  const kql = 'declare query_parameters (productId:long);Products | where ProductID == productId';
  const input: KustoInputBinding = {
    type: 'kusto',
    name: 'kustoInput0',
    database: DB,
    connection: 'KustoConnectionString',
    kqlCommand: kql,
    kqlParameters: '@productId={productId}',
  };
  const viaEngine = (id: number) =>
    engine.runInput(input, { functionName: 'bench', params: { productId: String(id) } });
  const bare = (id: number) => {
    const properties = new ClientRequestProperties();
    properties.setParameter('productId', String(id));
    return client.execute(DB, kql, properties).then((r) => r.primaryResults[0]._rows);
  };
  for (let i = 0; i < 200; i++) {
    await viaEngine(i);
    await bare(i);
  }
  const engineQueryMs: number[] = [];
  const bareQueryMs: number[] = [];
  for (let i = 0; i < queries; i++) {
    const id = i % 1000;
    // Alternate which goes first, so neither always meets a warmer socket.
    if (i % 2 === 0) {
      engineQueryMs.push(await timed(() => viaEngine(id)));
      bareQueryMs.push(await timed(() => bare(id)));
    } else {
      bareQueryMs.push(await timed(() => bare(id)));
      engineQueryMs.push(await timed(() => viaEngine(id)));
    }
  }

  // (b) ingestion throughput
  const output: KustoOutputBinding = {
    type: 'kusto',
    name: 'kustoOutput1',
    database: DB,
    connection: 'KustoConnectionString',
    tableName: 'Ingested',
  };
  const batch = (n: number) =>
    Array.from({ length: batchRows }, (_, i) => ({ ProductID: n * batchRows + i, Name: `product-${i}`, Cost: i / 2 }));
  const ingestViaEngine = (rows: object[]) => engine.runOutput(output, rows, { functionName: 'bench' });
  const ingestBare = (rows: object[]) =>
    streaming.ingestFromStream(
      new kustoIngest.StreamDescriptor(Readable.from([Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'))])),
      { database: DB, table: 'Ingested', format: kustoIngest.DataFormat.MULTIJSON },
      `bench;${randomUUID()}`,
    );
  for (let i = 0; i < 5; i++) {
    await ingestViaEngine(batch(i));
    await ingestBare(batch(i));
  }
  const engineIngestMs: number[] = [];
  const bareIngestMs: number[] = [];
  for (let i = 0; i < batches; i++) {
    const rows = batch(i);
    if (i % 2 === 0) {
      engineIngestMs.push(await timed(() => ingestViaEngine(rows)));
      bareIngestMs.push(await timed(() => ingestBare(rows)));
    } else {
      bareIngestMs.push(await timed(() => ingestBare(rows)));
      engineIngestMs.push(await timed(() => ingestViaEngine(rows)));
    }
  }

  await engine.close();
  client.close();
  streaming.close();
  await emulator.close();
  const query = { engineMs: median(engineQueryMs), bareMs: median(bareQueryMs) };
  const ingest = {
    engineRowsPerSecond: (batchRows / median(engineIngestMs)) * 1000,
    bareRowsPerSecond: (batchRows / median(bareIngestMs)) * 1000,
  };
  return {
    queries,
    batches,
    batchRows,
    query: { ...query, ratio: query.engineMs / query.bareMs },
    ingest: { ...ingest, ratio: ingest.bareRowsPerSecond / ingest.engineRowsPerSecond },
  };
}

if (require.main === module) {
  void engineBench().then((r) => {
    console.log(
      `engine query round trip (median of ${r.queries}): engine ${r.query.engineMs.toFixed(3)} ms, bare client ${r.query.bareMs.toFixed(3)} ms, ratio ${r.query.ratio.toFixed(3)} (target ≤ 1.05)`,
    );
    console.log(
      `engine ingestion (${r.batches} batches of ${r.batchRows} rows, median): engine ${fmt(r.ingest.engineRowsPerSecond)} rows/s, bare streaming client ${fmt(r.ingest.bareRowsPerSecond)} rows/s, time ratio ${r.ingest.ratio.toFixed(3)} (target ≤ 1.05)`,
    );
  });
}
