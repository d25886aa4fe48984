/**
 * Runs every benchmark, each in its own process so none warms or loads the next, and lets each print its figures
 * (`npm run bench`). Each is also runnable alone: `node dist/bench/<name>.js`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BENCHES = [
  'footprint',
  'coldStart',
  'mapping',
  'engine',
  'host',
  'firstRequest',
  'emulatorStorage',
  'emulatorFairness',
  'embeddedEmulator',
  'kql',
  'check',
];

let failed = false;
for (const name of BENCHES) {
  console.log(`\n# ${name}`);
  const result = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
