/**
 * The local host's embedded emulator isolated in a child process (what the host does) against the same emulator in a
 * worker thread (the design it replaced): time from start to serving, with the KQL parser warmed as the host warms
 * it, and the round trip of one call through the API (`executeQuery('print 1')`, IPC against postMessage). Then what
 * the isolation is for: a child process whose heap a request exhausts (memoryLimitMb 160) is replaced on the same
 * port: the time from the failed request to serving again, and how this process (standing for the host) answered its
 * own HTTP requests meanwhile. Apps reach the emulator over HTTP on
 * loopback either way, so the call round trip matters only to the host's own start-up calls and to tests.
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fmt, median, msSince, percentile } from './stats';

const ROOT = path.resolve(__dirname, '../..');
const RUNS = Math.max(1, Math.min(10, Number(process.env.BENCH_RUNS ?? 3)));
const CALLS = 300;

// The host's isolation is internal to its package (not exported): loaded from its build by path.
interface Embedded {
  url: string;
  executeQuery(database: string, text: string): Promise<unknown>;
  close(): Promise<void>;
  readonly restarts: number;
}
type StartIsolated = (options: {
  emulator: { port?: number; warmUp?: boolean; databases?: string[] };
  memoryLimitMb?: number;
  onRestart?: (event: { phase: string; message: string }) => void;
}) => Promise<Embedded>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startIsolatedEmulator } = require(path.join(ROOT, 'packages/host/dist/lib/isolatedEmulator.js')) as {
  startIsolatedEmulator: StartIsolated;
};

// The replaced design, reduced to what is measured: a thread that starts the emulator and answers queries.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { startEmulator } = require(workerData.emulator);
startEmulator({ warmUp: true, databases: ['db'] }).then((emulator) => {
  parentPort.on('message', (m) => {
    if (m === 'close') emulator.close().then(() => parentPort.postMessage('closed'));
    else emulator.executeQuery('db', m).then((r) => parentPort.postMessage(r));
  });
  parentPort.postMessage('ready');
});
`;

async function threadRun(): Promise<{ startMs: number; callUs: number }> {
  const started = process.hrtime.bigint();
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { emulator: require.resolve('kusto-emulator') },
    resourceLimits: { maxOldGenerationSizeMb: 2048 },
  });
  const next = () => new Promise<unknown>((resolve) => worker.once('message', resolve));
  await next();
  const startMs = msSince(started);
  const callStart = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    worker.postMessage('print 1');
    await next();
  }
  const callUs = (msSince(callStart) * 1000) / CALLS;
  worker.postMessage('close');
  await next();
  await worker.terminate();
  return { startMs, callUs };
}

async function processRun(): Promise<{ startMs: number; callUs: number }> {
  const started = process.hrtime.bigint();
  const emulator = await startIsolatedEmulator({ emulator: { warmUp: true, databases: ['db'] } });
  const startMs = msSince(started);
  const callStart = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await emulator.executeQuery('db', 'print 1');
  const callUs = (msSince(callStart) * 1000) / CALLS;
  await emulator.close();
  return { startMs, callUs };
}

// Another client, in a process of its own as in real use: it builds the CSV rows and sends them as one streaming
// ingestion, printing the outcome. Sending 120 MB costs its sender a second of CPU, which must not count as the host's.
const HOG_CLIENT = `
const [url, rows] = [process.argv[1], Number(process.argv[2])];
const body = Buffer.allocUnsafe(rows * 48);
let at = 0;
for (let i = 0; i < rows; i++) at += body.write(i + ',row-' + i + '-padding-padding-padding\\n', at, 'latin1');
fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: body.subarray(0, at) })
  .then((r) => console.log('answered ' + r.status), () => console.log('failed'));
`;

function hogFromAnotherProcess(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', HOG_CLIENT, url, '3000000'], { timeout: 120_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    );
  });
}

/** Exhausts a child emulator's heap with one request; returns the ms from the failed request to serving again. */
async function outOfMemoryRestart(): Promise<{ restartMs: number; restarts: number; pings: number[] }> {
  const pings: number[] = [];
  let restarted: () => void = () => undefined;
  const serving = new Promise<void>((resolve) => (restarted = resolve));
  const emulator = await startIsolatedEmulator({
    emulator: { databases: ['db'] },
    memoryLimitMb: 160,
    onRestart: (event) => event.phase === 'restarted' && restarted(),
  });
  try {
    await emulator.executeQuery('db', 'print 1');
    const { Client } = await import('azure-kusto-data');
    const client = new Client(`Data Source=${emulator.url};Database=db`);
    await client.executeMgmt('db', '.create table Hog (Id:long, Text:string)');
    await client.executeMgmt('db', '.alter table Hog policy streamingingestion enable');
    client.close();
    // This process stands for the host: its own HTTP server is pinged while the emulator's heap fills.
    const server = http.createServer((_, response) => response.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pingUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    let hogDone = false;
    const pinging = (async () => {
      for (let i = 0; i < 2000 && !hogDone; i++) {
        const start = process.hrtime.bigint();
        const response = await fetch(pingUrl);
        await response.text();
        if (response.status !== 200) throw new Error(`ping answered ${response.status}`);
        pings.push(msSince(start));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const outcome = await hogFromAnotherProcess(`${emulator.url}/v1/rest/ingest/db/Hog?streamFormat=csv`);
    hogDone = true;
    await pinging;
    server.close();
    if (outcome !== 'failed') throw new Error(`The request meant to exhaust the emulator ${outcome}.`);
    const since = process.hrtime.bigint();
    await Promise.race([
      serving,
      new Promise((_, reject) => setTimeout(() => reject(new Error('not serving again within 30 s')), 30_000)),
    ]);
    return { restartMs: msSince(since), restarts: emulator.restarts, pings };
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const thread: { startMs: number; callUs: number }[] = [];
  const child: { startMs: number; callUs: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternated, so a change of load on the machine falls on both.
    thread.push(await threadRun());
    child.push(await processRun());
  }
  const threadStart = median(thread.map((r) => r.startMs));
  const childStart = median(child.map((r) => r.startMs));
  const threadCall = median(thread.map((r) => r.callUs));
  const childCall = median(child.map((r) => r.callUs));
  console.log(`embedded emulator, ${RUNS} starts each (parser warmed), ${CALLS} calls of executeQuery('print 1'):`);
  console.log(`  worker thread (replaced): start ${fmt(threadStart)} ms, call ${fmt(threadCall, 1)} µs`);
  console.log(`  child process (the host): start ${fmt(childStart)} ms, call ${fmt(childCall, 1)} µs`);
  console.log(
    `  ratio process/thread: start ${(childStart / threadStart).toFixed(2)}, call ${(childCall / threadCall).toFixed(2)}`,
  );
  const oom = await outOfMemoryRestart();
  console.log(
    `  out of memory (memoryLimitMb 160): serving again ${fmt(oom.restartMs)} ms after the request failed (goal ≤ 10,000), restarts ${oom.restarts}`,
  );
  console.log(
    `  the host process meanwhile: ${oom.pings.length} pings, p50 ${fmt(median(oom.pings), 1)} ms, p99 ${fmt(percentile(oom.pings, 99), 1)} ms, max ${fmt(Math.max(...oom.pings), 1)} ms`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
