/**
 * Local host throughput: GET /api/getproducts/{id} of the Products example (a Kusto input query against the
 * embedded emulator per request) under load on loopback, next to a bare node:http server answering the same JSON
 * (the floor), and the same route without the Kusto binding (the host's own cost: routing, the @azure/functions
 * programming model, logging). Each server runs in its own process and autocannon in this one, so the load
 * generator never shares a CPU thread with the server it measures. Goal: host requests/s ≥ 0.5 × the floor's.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fmt } from './stats';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

// autocannon ships no types; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
}) => Promise<AutocannonResult>;

/** Figures of one server. */
export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
}

async function withTarget<T>(kind: 'floor' | 'host' | 'static', run: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [path.join(__dirname, 'hostTarget.js'), kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`the ${kind} server exited (${code}) before it was ready`)));
    });
    return await run(url);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

async function load(url: string, connections: number, seconds: number): Promise<LoadFigures> {
  // Warm-up: JIT, lazily loaded clients, pooled connections.
  await autocannon({ url, connections, duration: 2 });
  const r = await autocannon({ url, connections, duration: seconds });
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    failures: r.errors + r.timeouts + r.non2xx,
  };
}

/** Runs the benchmark and returns its figures. */
export async function hostThroughput(
  connections = Number(process.env.BENCH_CONNECTIONS ?? 10),
  seconds = Number(process.env.BENCH_SECONDS ?? 10),
) {
  const floor = await withTarget('floor', (url) => load(url, connections, seconds));
  const withoutBinding = await withTarget('static', (url) => load(url, connections, seconds));
  const host = await withTarget('host', (url) => load(url, connections, seconds));
  return {
    connections,
    seconds,
    floor,
    withoutBinding,
    host,
    ratio: host.requestsPerSecond / floor.requestsPerSecond,
    ratioWithoutBinding: withoutBinding.requestsPerSecond / floor.requestsPerSecond,
  };
}

function line(name: string, f: LoadFigures): string {
  return `  ${name.padEnd(34)} ${fmt(f.requestsPerSecond).padStart(8)} req/s   p50 ${fmt(f.p50Ms, 1)} ms   p99 ${fmt(f.p99Ms, 1)} ms   (${fmt(f.requests)} requests, ${f.failures} failed)`;
}

if (require.main === module) {
  hostThroughput().then(
    (r) => {
      console.log(`local host, GET /api/getproducts/{id} on loopback (${r.connections} connections, ${r.seconds} s):`);
      console.log(line('bare node:http, same JSON (floor)', r.floor));
      console.log(line('host, same route without Kusto', r.withoutBinding));
      console.log(line('host + Kusto input on the emulator', r.host));
      console.log(
        `  ratio to the floor: ${r.ratio.toFixed(3)} with the Kusto input (goal ≥ 0.5), ${r.ratioWithoutBinding.toFixed(3)} without`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
