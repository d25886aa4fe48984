/**
 * First request after start: runs `kusto-functions start examples/products --volatile --port 0` as a child process
 * (no Kusto setting, so the embedded emulator serves the app), waits for "Host started.", then times the first
 * GET /api/getproducts/1 and a second one. Repeated in fresh processes; prints medians. Goal: first request
 * ≤ 200 ms on an idle machine (the KQL parser is warmed while the host starts, not on the first query).
 *
 * Then the test harness: `startWarmedEmulator()` of `kusto-functions-host/testing` in a fresh process, as a mocha
 * `before` hook runs it, and the first engine query after it (the figure behind the README's hook timeout).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createKustoEngine, startWarmedEmulator } from 'kusto-functions-host/testing';
import { fmt, median, msSince } from './stats';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'packages/host/dist/lib/cli.js');
const RUNS = Math.max(1, Math.min(10, Number(process.env.BENCH_RUNS ?? 5)));

/** Figures of one host start. */
export interface FirstRequestRun {
  /** Spawn to "Host started.". */
  startMs: number;
  /** The first GET after "Host started.". */
  firstMs: number;
  /** The GET after it. */
  secondMs: number;
  /** The host's warm-up line, if it printed one. */
  warmUpLine?: string;
}

async function timedGet(url: string): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fetch(url);
  await res.arrayBuffer();
  const ms = msSince(start);
  if (res.status !== 200) throw new Error(`GET ${url} answered HTTP ${res.status}`);
  return ms;
}

async function oneRun(): Promise<FirstRequestRun> {
  const env = { ...process.env };
  delete env.KustoConnectionString;
  const spawned = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'start', 'examples/products', '--volatile', '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    const baseUrl = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const listening = /Now listening on: (\S+)/.exec(out);
        if (listening && out.includes('Host started.')) resolve(listening[1]);
      });
      child.once('exit', (code) => reject(new Error(`the host exited (${code}) before "Host started."\n${out}`)));
    });
    const startMs = msSince(spawned);
    const url = `${baseUrl}/api/getproducts/1`;
    const firstMs = await timedGet(url);
    const secondMs = await timedGet(url);
    return { startMs, firstMs, secondMs, warmUpLine: /^.*KQL parser.*$/m.exec(out)?.[0].trim() };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

/** Runs the benchmark `runs` times, each in a fresh host process. */
export async function firstRequest(runs = RUNS): Promise<FirstRequestRun[]> {
  const results: FirstRequestRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await oneRun());
  return results;
}

/** Figures of one warmed emulator start in a fresh process. */
export interface WarmedStartRun {
  /** `await startWarmedEmulator()`. */
  startMs: number;
  /** The first Kusto input query through an engine after it. */
  firstQueryMs: number;
}

async function warmedStartChild(): Promise<WarmedStartRun> {
  let start = process.hrtime.bigint();
  const emulator = await startWarmedEmulator({ databases: ['benchdb'] });
  const startMs = msSince(start);
  const engine = createKustoEngine({ env: { KustoConnectionString: emulator.connectionString('benchdb') } });
  start = process.hrtime.bigint();
  await engine.runInput(
    {
      type: 'kusto',
      name: 'rows',
      database: 'benchdb',
      connection: 'KustoConnectionString',
      kqlCommand: 'print a = 1',
    },
    { functionName: 'bench' },
  );
  const firstQueryMs = msSince(start);
  await engine.close();
  await emulator.close();
  return { startMs, firstQueryMs };
}

/** Runs `startWarmedEmulator()` `runs` times, each in a fresh process. */
export function warmedStart(runs = RUNS): WarmedStartRun[] {
  const results: WarmedStartRun[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [__filename, 'warmed-start'], { encoding: 'utf8', stdio: 'pipe' });
    if (child.status !== 0) throw new Error(`the warmed start failed (${child.status}):\n${child.stderr}`);
    results.push(JSON.parse(child.stdout) as WarmedStartRun);
  }
  return results;
}

if (require.main === module && process.argv[2] === 'warmed-start') {
  warmedStartChild().then(
    (run) => process.stdout.write(JSON.stringify(run)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  firstRequest().then(
    (runs) => {
      const m = (pick: (r: FirstRequestRun) => number) => fmt(median(runs.map(pick)), 1);
      console.log(`first request after "Host started." (Products example, embedded emulator, ${runs.length} runs):`);
      console.log(`  start to "Host started."   median ${m((r) => r.startMs)} ms`);
      console.log(
        `  first GET /api/getproducts/1  median ${m((r) => r.firstMs)} ms (goal ≤ 200)   [${runs.map((r) => fmt(r.firstMs, 0)).join(', ')}]`,
      );
      console.log(`  second GET                    median ${m((r) => r.secondMs)} ms`);
      if (runs[0].warmUpLine) console.log(`  host said: ${runs[0].warmUpLine}`);
      const warmed = warmedStart();
      const w = (pick: (r: WarmedStartRun) => number) => fmt(median(warmed.map(pick)), 1);
      console.log(`startWarmedEmulator() in a fresh process (${warmed.length} runs):`);
      console.log(
        `  start                         median ${w((r) => r.startMs)} ms, max ${fmt(Math.max(...warmed.map((r) => r.startMs)), 1)} ms`,
      );
      console.log(`  first engine query after it   median ${w((r) => r.firstQueryMs)} ms`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
