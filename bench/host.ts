/**
 * Local host throughput: GET /api/getproducts/{id} of the Products example (a parameterized Kusto query per request)
 * under load on loopback, against its floor: a bare node:http server running the same query with azure-kusto-data
 * against the same emulator and answering the rows (bench/hostTarget.ts). Measured twice: with each server's own
 * emulator (the host's embedded one, in the child process the host starts; the floor's in its own process), and with
 * one emulator in a process of its own that both use. Also the same route without the Kusto binding (the host's routing and the @azure/functions
 * programming model alone). Each server runs in its own process and autocannon in this one. Goal: host requests/s
 * ≥ 0.8 × the floor's, p99 ≤ 2 × the floor's.
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
  /**
   * CPU time of the server's process per request (user + system, µs): unlike requests/s, it does not depend on what
   * else the machine runs at the time, so it tells the host's own cost on a busy machine too.
   */
  cpuUsPerRequest: number;
}

/** A server under test: its URL, and its process's CPU time so far (µs). */
interface Target {
  url: string;
  cpuUs(): Promise<number>;
}

async function withTarget<T>(
  kind: 'emulator' | 'floor' | 'host' | 'plain' | 'static',
  run: (target: Target) => Promise<T>,
  connectionString?: string,
): Promise<T> {
  const args = [path.join(__dirname, 'hostTarget.js'), kind, ...(connectionString ? [connectionString] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const lines: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const waiter = waiting.shift();
        if (waiter) waiter(line);
        else lines.push(line);
      }
    });
    const nextLine = () =>
      new Promise<string>((resolve, reject) => {
        const queued = lines.shift();
        if (queued !== undefined) resolve(queued);
        else waiting.push(resolve);
        child.once('exit', (code) => reject(new Error(`the ${kind} server exited (${code})`)));
      });
    const url = /^READY (.+)$/.exec(await nextLine())?.[1];
    if (!url) throw new Error(`the ${kind} server did not print READY`);
    const cpuUs = async () => {
      // The target answers SIGUSR2 with a line: its process.cpuUsage() total.
      child.kill('SIGUSR2');
      return Number(/^CPU (\d+)$/.exec(await nextLine())?.[1]);
    };
    return await run({ url, cpuUs });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

async function load({ url, cpuUs }: Target, connections: number, seconds: number): Promise<LoadFigures> {
  // Warm-up: JIT, lazily loaded clients, pooled connections.
  await autocannon({ url, connections, duration: 2 });
  const cpuBefore = await cpuUs();
  const r = await autocannon({ url, connections, duration: seconds });
  const cpu = (await cpuUs()) - cpuBefore;
  return {
    cpuUsPerRequest: cpu / r.requests.total,
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    failures: r.errors + r.timeouts + r.non2xx,
  };
}

/** The host next to its floor, alternating so that drift hits both alike. */
async function pair(connections: number, seconds: number, connectionString?: string) {
  const floor = await withTarget('floor', (url) => load(url, connections, seconds), connectionString);
  const host = await withTarget('host', (url) => load(url, connections, seconds), connectionString);
  const plain = await withTarget('plain', (url) => load(url, connections, seconds), connectionString);
  return {
    floor,
    host,
    plain,
    ratio: host.requestsPerSecond / floor.requestsPerSecond,
    p99Ratio: host.p99Ms / floor.p99Ms,
    cpuRatio: floor.cpuUsPerRequest / host.cpuUsPerRequest,
  };
}

/** Runs the benchmark and returns its figures. */
export async function hostThroughput(
  connections = Number(process.env.BENCH_CONNECTIONS ?? 10),
  seconds = Number(process.env.BENCH_SECONDS ?? 10),
) {
  const inProcess = await pair(connections, seconds);
  const ownProcess = await withTarget('emulator', ({ url: connectionString }) =>
    pair(connections, seconds, connectionString),
  );
  const withoutBinding = await withTarget('static', (url) => load(url, connections, seconds));
  return { connections, seconds, inProcess, ownProcess, withoutBinding };
}

function line(name: string, f: LoadFigures): string {
  return `  ${name.padEnd(46)} ${fmt(f.requestsPerSecond).padStart(8)} req/s   p50 ${fmt(f.p50Ms, 1)} ms   p99 ${fmt(f.p99Ms, 1)} ms   ${fmt(f.cpuUsPerRequest)} µs CPU/request   (${fmt(f.requests)} requests, ${f.failures} failed)`;
}

if (require.main === module) {
  hostThroughput().then(
    (r) => {
      console.log(`local host, GET /api/getproducts/{id} on loopback (${r.connections} connections, ${r.seconds} s):`);
      for (const [where, p] of [
        ['each server its own emulator', r.inProcess],
        ['emulator in its own process', r.ownProcess],
      ] as const) {
        console.log(line(`floor (node:http + azure-kusto-data), ${where}`, p.floor));
        console.log(line(`host + Kusto input, ${where}`, p.host));
        console.log(line(`  same, declared without the SDK`, p.plain));
        console.log(
          `  ratio to the floor: ${p.ratio.toFixed(3)} req/s (goal ≥ 0.8), p99 ${p.p99Ratio.toFixed(2)} × (goal ≤ 2), ${p.cpuRatio.toFixed(3)} by CPU per request`,
        );
      }
      console.log(line('host, same route without Kusto', r.withoutBinding));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
