/**
 * Runs every benchmark and prints its figures (`npm run bench`). Each is also runnable alone:
 * `node dist/bench/<name>.js`.
 */
import { coldStart } from './coldStart';
import { mapping } from './mapping';
import { fmt } from './stats';

async function main(): Promise<void> {
  const cold = coldStart();
  console.log(
    `cold start (median of ${cold.runs}): @azure/functions ${cold.baselineMs.toFixed(1)} ms, kusto-functions ${cold.oursMs.toFixed(1)} ms → ratio ${cold.ratio.toFixed(3)} (target ≤ 1.15)`,
  );
  for (const [label, r] of Object.entries(await mapping())) {
    console.log(
      `mapping 100k rows ${label}: wrapper ${fmt(r.wrapper)} rows/s, plainToInstance ${fmt(r.plainToInstance)} rows/s (×${(r.wrapper / r.plainToInstance).toFixed(2)}), hand-written ${fmt(r.handWritten)} rows/s`,
    );
  }
}

void main();
