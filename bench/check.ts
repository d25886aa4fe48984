/**
 * `kusto-functions check` on the Products example (15 functions, schema from its setup.kql): the whole command in a
 * fresh process, as a build runs it, against a fresh process that only loads Kusto.Language and analyses one query
 * (the parser's load, the floor of any check). Goal: median ≤ 3 s on an idle machine. Runs alternate so both see
 * the same machine state.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { median, msSince } from './stats';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'packages/host/dist/lib/cli.js');
const emulator = path.join(root, 'packages/emulator/dist/lib/index.js');
const PARSER_ONLY = `const e = require(${JSON.stringify(emulator)}); e.analyzeQuery({ databases: [] }, 'db', 'print 1');`;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: path.join(root, 'examples/products'), stdio: 'pipe' });
  return msSince(start);
}

const check: number[] = [];
const parser: number[] = [];
time([cli, 'check']); // warm the file system cache
for (let i = 0; i < RUNS; i++) {
  const round = [() => check.push(time([cli, 'check'])), () => parser.push(time(['-e', PARSER_ONLY]))];
  if (i % 2) round.reverse();
  for (const run of round) run();
}
const ms = (n: number) => `${Math.round(n)} ms`;
console.log(`kusto-functions check examples/products (15 functions), ${RUNS} runs:`);
console.log(`  check:              median ${ms(median(check))} (min ${ms(Math.min(...check))})`);
console.log(`  parser load alone:  median ${ms(median(parser))} (min ${ms(Math.min(...parser))})`);
console.log(`  ratio check/parser: ${(median(check) / median(parser)).toFixed(2)}; goal: check ≤ 3000 ms idle`);
