/**
 * Cold start: a fresh `node` process requiring kusto-functions against one requiring @azure/functions alone,
 * alternating runs so both see the same machine state. Target: ratio of medians ≤ 1.15.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { median, msSince } from './stats';

const root = path.resolve(__dirname, '../..');

function timeRequire(id: string): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(id)})`], { cwd: root });
  return msSince(start);
}

/** Runs the benchmark and returns its figures. */
export function coldStart(runs = Number(process.env.BENCH_RUNS ?? 31)) {
  const ours: number[] = [];
  const baseline: number[] = [];
  timeRequire('kusto-functions'); // warm the file system cache for both
  timeRequire('@azure/functions');
  for (let i = 0; i < runs; i++) {
    baseline.push(timeRequire('@azure/functions'));
    ours.push(timeRequire('kusto-functions'));
  }
  const result = { runs, baselineMs: median(baseline), oursMs: median(ours), ratio: median(ours) / median(baseline) };
  return result;
}

if (require.main === module) {
  const r = coldStart();
  console.log(
    `cold start (median of ${r.runs}): @azure/functions ${r.baselineMs.toFixed(1)} ms, kusto-functions ${r.oursMs.toFixed(1)} ms, ratio ${r.ratio.toFixed(3)} (target ≤ 1.15)`,
  );
}
