/**
 * Cold start: a fresh `node` process requiring kusto-functions and @azure/functions against one requiring what a
 * decorated app loads anyway, @azure/functions and reflect-metadata, alternating runs so both see the same machine
 * state; bare `node` is timed alongside for scale. Goal: ratio of medians ≤ 1.05 over ≥ 31 runs. kusto-functions
 * loads reflect-metadata, and @azure/functions only when registering: both sides load both, so the ratio is the
 * SDK's own cost.
 *
 * It runs in an empty app with the packed package installed (consumerApp.ts): the files and module resolution
 * users get. `--repo` runs from the repository instead, skipping the pack and install for a quicker loop; there
 * kusto-functions resolves by self-reference and kusto-functions-bindings through the workspace link.
 * `--instructions` adds valgrind's instruction counts of the same two processes, a load-independent cross-check.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createConsumerApp, runBench, tempDir } from './consumerApp';
import { median, msSince, percentile } from './stats';

const BASELINE = "require('@azure/functions'); require('reflect-metadata')";
const OURS = "require('kusto-functions'); require('@azure/functions')";

function timeProcess(code: string, cwd: string): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', code], { cwd });
  return msSince(start);
}

/** Times the three processes in `cwd` for `runs` rounds; returns their medians and quartiles, and the ratio. */
export function timeColdStart(cwd: string, runs: number) {
  const node: number[] = [];
  const baseline: number[] = [];
  const ours: number[] = [];
  for (const code of [OURS, BASELINE, OURS, BASELINE]) timeProcess(code, cwd); // warm the file system cache
  for (let i = 0; i < runs; i++) {
    const round = [() => baseline.push(timeProcess(BASELINE, cwd)), () => ours.push(timeProcess(OURS, cwd))];
    // Which of the two goes first flips each round, so neither always runs right after the other.
    if (i % 2) round.reverse();
    for (const run of round) run();
    node.push(timeProcess('', cwd));
  }
  return {
    runs,
    node: summary(node),
    baseline: summary(baseline),
    ours: summary(ours),
    ratio: median(ours) / median(baseline),
  };
}

// The quartiles go with the median so a run on a busy machine shows itself.
function summary(ms: number[]) {
  return { medianMs: median(ms), p25Ms: percentile(ms, 25), p75Ms: percentile(ms, 75) };
}

// Instruction counts do not move with the machine's load, which on a shared box swings wall times by more than the
// 5% at stake; they leave out system calls and GC threads' waits, so they cross-check the timing, not replace it.
const INSTRUCTION_RUNS = 3;

function countInstructions(code: string, cwd: string): number {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '-e', code];
  const result = spawnSync('valgrind', args, { cwd, encoding: 'utf8', timeout: 300_000 });
  const collected = /Collected : (\d+)/.exec(result.stderr ?? '');
  if (!collected) throw new Error(`valgrind counted nothing: ${result.error?.message ?? result.stderr?.slice(-500)}`);
  return Number(collected[1]);
}

/** Median instruction counts (valgrind) of the two processes in `cwd`, and their ratio. */
export function countColdStart(cwd: string) {
  const baseline: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < INSTRUCTION_RUNS; i++) {
    baseline.push(countInstructions(BASELINE, cwd));
    ours.push(countInstructions(OURS, cwd));
  }
  return {
    runs: INSTRUCTION_RUNS,
    baseline: median(baseline),
    ours: median(ours),
    ratio: median(ours) / median(baseline),
  };
}

/** Runs the benchmark and returns its figures; with `instructions`, valgrind's instruction counts too. */
export function coldStart(
  { fromRepo = false, instructions = false } = {},
  runs = Math.max(31, Number(process.env.BENCH_RUNS ?? 41)),
) {
  const measure = (where: string, cwd: string) => ({
    where,
    ...timeColdStart(cwd, runs),
    instructions: instructions ? countColdStart(cwd) : undefined,
  });
  if (fromRepo) return measure('repository', path.resolve(__dirname, '../..'));
  const tmp = tempDir('kusto-functions-cold-start-');
  try {
    return measure('packed, installed in an empty app', createConsumerApp(tmp.dir).app);
  } finally {
    tmp.remove();
  }
}

function main() {
  const r = coldStart({
    fromRepo: process.argv.includes('--repo'),
    instructions: process.argv.includes('--instructions'),
  });
  const line = (name: string, s: ReturnType<typeof summary>) =>
    `  ${name.padEnd(44)} ${s.medianMs.toFixed(1).padStart(6)} ms   (p25–p75 ${s.p25Ms.toFixed(1)}–${s.p75Ms.toFixed(1)})`;
  console.log(`cold start, whole-process medians of ${r.runs} alternating runs (${r.where}):`);
  console.log(line("node -e ''", r.node));
  console.log(line('require @azure/functions + reflect-metadata', r.baseline));
  console.log(line('require kusto-functions + @azure/functions', r.ours));
  const added = r.ours.medianMs - r.baseline.medianMs;
  const peers = r.baseline.medianMs - r.node.medianMs;
  console.log(
    `  ratio ${r.ratio.toFixed(3)} (goal ≤ 1.05, ${r.ratio <= 1.05 ? 'met' : 'MISSED'}): kusto-functions adds ${added.toFixed(1)} ms to the ${peers.toFixed(1)} ms its peers take over bare node`,
  );
  if (r.instructions) {
    const mega = (n: number) => `${(n / 1e6).toFixed(1)} M`;
    console.log(
      `  instructions (valgrind, median of ${r.instructions.runs}): ${mega(r.instructions.baseline)} vs ${mega(r.instructions.ours)}, ratio ${r.instructions.ratio.toFixed(3)}`,
    );
  }
}

if (require.main === module) runBench(main);
