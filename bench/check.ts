/**
 * `kusto-functions check` on the Products example (15 functions, schema from its setup.kql): the whole command in a
 * fresh process, as a build runs it, against a fresh process that only loads Kusto.Language and analyses one query
 * (the parser's load, the floor of any check). Goal: ≤ 3 s on an idle machine. Runs alternate so both see the same
 * machine state; each process's CPU time (user + system) is reported too, a figure a busy machine inflates far less
 * than the wall time.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { median, msSince } from './stats';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'packages/host/dist/lib/cli.js');
const emulator = path.join(root, 'packages/emulator/dist/lib/index.js');
const CPU =
  "process.on('exit', () => { const u = process.cpuUsage(); console.log('CPU ' + (u.user + u.system) / 1000); });";
const CHECK = `${CPU} require(${JSON.stringify(cli)}).main(['check']).then((code) => { process.exitCode = code; });`;
const PARSER_ONLY = `${CPU} require(${JSON.stringify(emulator)}).analyzeQuery({ databases: [] }, 'db', 'print 1');`;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function run(code: string): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['-e', code], {
    cwd: path.join(root, 'examples/products'),
    encoding: 'utf8',
  });
  const wall = msSince(start);
  return { wall, cpu: Number(/CPU ([\d.]+)/.exec(out)?.[1] ?? NaN) };
}

const check: { wall: number; cpu: number }[] = [];
const parser: { wall: number; cpu: number }[] = [];
run(CHECK); // warm the file system cache
for (let i = 0; i < RUNS; i++) {
  const round = [() => check.push(run(CHECK)), () => parser.push(run(PARSER_ONLY))];
  if (i % 2) round.reverse();
  for (const step of round) step();
}
const ms = (n: number) => `${Math.round(n)} ms`;
const line = (label: string, runs: { wall: number; cpu: number }[]) =>
  console.log(
    `  ${label} wall median ${ms(median(runs.map((r) => r.wall)))}, CPU median ${ms(median(runs.map((r) => r.cpu)))}`,
  );
console.log(`kusto-functions check examples/products (15 functions), ${RUNS} runs:`);
line('check:            ', check);
line('parser load alone:', parser);
const ratio = median(check.map((r) => r.wall)) / median(parser.map((r) => r.wall));
console.log(`  ratio check/parser (wall): ${ratio.toFixed(2)}; goal: check ≤ 3000 ms on an idle machine`);
