/**
 * What the emulator's durable storage costs, each emulator in a child process of its own (so that the load generator
 * here does not share its event loop):
 * (a) streaming ingestion throughput (POST /v1/rest/ingest, as StreamingIngestClient sends it) with a dataDir, where
 *     every acknowledged batch is written and fsynced first, against the same emulator in memory, with concurrent
 *     clients; the modes alternate, several rounds each, and each figure is the median. Target: durable/in-memory
 *     ≥ 0.5 with concurrent clients (fsyncs batched across requests); one client is shown too, for what it costs alone.
 * (b) restart time of a data directory holding 1M rows (startEmulator until it listens, in a fresh process), and the
 *     time until every row is built in memory (rows are built in the background after the start, or by the first
 *     query that reads them). Target: ≤ 3 s.
 * `BENCH_STORAGE_DIR` sets where the data directories go (default: the OS temp directory; it must be a real disk for
 * the fsync figures to mean anything).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from 'kusto-emulator';
import { fmt, median, msSince } from './stats';

const DB = 'benchdb';

/** A child emulator: with a dataDir or in memory, a streaming-enabled table `T`; prints its URL. */
const CHILD = `
const { startEmulator } = require('kusto-emulator');
const options = JSON.parse(process.argv[1]);
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
startEmulator(options).then(async (emulator) => {
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const startCpuMs = (used.user + used.system) / 1000;
  if (options.prepare) {
    await emulator.executeCommand('${DB}', '.create table T (Id:long, Name:string, At:datetime, Value:real)');
    await emulator.executeCommand('${DB}', '.alter table T policy streamingingestion enable');
  }
  // Rows are built in the background after the start; reading them all now builds what is left.
  const rows = emulator.catalog.get('${DB}')?.tables.get('T')?.extents.reduce((n, e) => n + e.rows.length, 0) ?? 0;
  const builtMs = Number(process.hrtime.bigint() - started) / 1e6;
  const total = process.cpuUsage(cpu);
  const builtCpuMs = (total.user + total.system) / 1000;
  process.stdout.write(JSON.stringify({ url: emulator.url, startMs, startCpuMs, builtMs, builtCpuMs, rows }) + '\\n');
});
`;

interface Child {
  process: ChildProcess;
  url: string;
  startMs: number;
  /** CPU time of the start (all threads): less sensitive than wall time to other load on the machine. */
  startCpuMs: number;
  /** Until every row is built in memory (wall, CPU). */
  builtMs: number;
  builtCpuMs: number;
  rows: number;
}

function startChild(options: Record<string, unknown>): Promise<Child> {
  const child = spawn(process.execPath, ['-e', CHILD, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: __dirname,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ process: child, ...(JSON.parse(line) as Omit<Child, 'process'>) });
    });
    child.on('exit', (code) => reject(new Error(`the bench emulator exited with ${code}`)));
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}

function csvBatch(first: number, rows: number): string {
  let text = '';
  for (let i = first; i < first + rows; i++) text += `${i},name-${i},2024-01-01T00:00:00Z,${i * 0.5}\n`;
  return text;
}

/** Posts `requests` streaming batches from `clients` concurrent connections; returns rows per second. */
async function load(url: string, clients: number, requests: number, batchRows: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const target = new URL(`/v1/rest/ingest/${DB}/T?streamFormat=Csv`, url);
  let next = 0;
  const post = (body: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        target,
        { method: 'POST', agent, headers: { 'Content-Type': 'application/json; charset=utf-8' } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const bodies = Array.from({ length: 8 }, (_, i) => csvBatch(i * batchRows, batchRows));
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        const n = next++;
        await post(bodies[n % bodies.length]);
      }
    }),
  );
  const ms = msSince(start);
  agent.destroy();
  return ((requests * batchRows) / ms) * 1000;
}

/** (a): rows/s durable and in memory, alternating, median of `rounds`. */
async function throughput(root: string, clients: number, rounds: number, requests: number, batchRows: number) {
  const durable: number[] = [];
  const memory: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? ['durable', 'memory'] : ['memory', 'durable']) {
      const dataDir = mode === 'durable' ? await fs.mkdtemp(path.join(root, 'kusto-bench-stream-')) : undefined;
      const child = await startChild({ databases: [DB], dataDir, prepare: true });
      try {
        // A short warm-up, so that both modes are measured with the JIT warm.
        await load(child.url, clients, Math.min(50, requests), batchRows);
        (mode === 'durable' ? durable : memory).push(await load(child.url, clients, requests, batchRows));
      } finally {
        await stopChild(child);
        if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  return { clients, durable: median(durable), memory: median(memory), ratio: median(durable) / median(memory) };
}

/** (b): a data directory with `rows` rows in extents of `extentRows`, then restart times in fresh processes. */
async function restart(root: string, rows: number, extentRows: number, restarts: number) {
  const dataDir = await fs.mkdtemp(path.join(root, 'kusto-bench-restart-'));
  try {
    const emulator = await startEmulator({ dataDir, databases: [DB] });
    await emulator.executeCommand(DB, '.create table T (Id:long, Name:string, At:datetime, Value:real)');
    for (let first = 0; first < rows; first += extentRows) {
      await emulator.executeCommand(DB, `.ingest inline into table T <|\n${csvBatch(first, extentRows)}`);
    }
    await emulator.close();
    let bytes = 0;
    for (const dir of await fs.readdir(dataDir)) {
      for (const file of await fs.readdir(path.join(dataDir, dir)))
        bytes += (await fs.stat(path.join(dataDir, dir, file))).size;
    }
    const times: number[] = [];
    const cpu: number[] = [];
    const built: number[] = [];
    const builtCpu: number[] = [];
    let loaded = 0;
    for (let i = 0; i < restarts; i++) {
      const child = await startChild({ dataDir });
      times.push(child.startMs);
      cpu.push(child.startCpuMs);
      built.push(child.builtMs);
      builtCpu.push(child.builtCpuMs);
      loaded = child.rows;
      await stopChild(child);
    }
    return {
      rows: loaded,
      bytes,
      startMs: median(times),
      worstMs: Math.max(...times),
      cpuMs: median(cpu),
      builtMs: median(built),
      builtCpuMs: median(builtCpu),
    };
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and returns its figures. */
export async function emulatorStorageBench(
  root = process.env.BENCH_STORAGE_DIR ?? os.tmpdir(),
  rounds = Number(process.env.BENCH_ROUNDS ?? 3),
  requests = Number(process.env.BENCH_REQUESTS ?? 2000),
  batchRows = Number(process.env.BENCH_BATCH_ROWS ?? 10),
  restartRows = Number(process.env.BENCH_RESTART_ROWS ?? 1_000_000),
) {
  const concurrent = await throughput(root, 16, rounds, requests, batchRows);
  const single = await throughput(root, 1, rounds, Math.ceil(requests / 4), batchRows);
  const restarted = await restart(root, restartRows, 10_000, 3);
  return { requests, batchRows, concurrent, single, restarted };
}

if (require.main === module) {
  void emulatorStorageBench().then((r) => {
    for (const t of [r.concurrent, r.single]) {
      console.log(
        `streaming ingestion, ${t.clients} client${t.clients > 1 ? 's' : ''} (${r.batchRows} rows a request, median rows/s): durable ${fmt(t.durable)}, in memory ${fmt(t.memory)}, ratio ${t.ratio.toFixed(2)}${t.clients > 1 ? ' (target ≥ 0.5)' : ''}`,
      );
    }
    console.log(
      `restart with ${fmt(r.restarted.rows)} rows (${fmt(r.restarted.bytes / 1048576, 1)} MiB on disk): startEmulator ${fmt(r.restarted.startMs)} ms median, ${fmt(r.restarted.worstMs)} ms worst (target ≤ 3000 ms); CPU ${fmt(r.restarted.cpuMs)} ms median; every row built after ${fmt(r.restarted.builtMs)} ms (CPU ${fmt(r.restarted.builtCpuMs)} ms); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
    );
  });
}
