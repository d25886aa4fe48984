/**
 * Install footprint: `npm install --omit=dev` of the packed kusto-functions and kusto-functions-bindings plus the
 * peers in an empty app, against an empty app with the peers alone. Counts installed packages and `du -sm
 * node_modules`, and sizes the tarballs. Goals: ≤ 8 packages, ≤ 4 MB (du -sm), kusto-functions tarball ≤ 300 kB.
 * Needs the npm registry and a POSIX `du`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PEERS, createConsumerApp, installApp, runBench, tempDir } from './consumerApp';
import { fmt } from './stats';

const GOALS = { packages: 8, duMb: 4, tarballKb: 300 };

/** What one app's node_modules holds. */
export interface Installed {
  /** `name@version` of every installed package. */
  packages: string[];
  /** `du -sm node_modules`: whole megabytes, rounded up, as the goal counts them. */
  duMb: number;
  /** `du -sk node_modules` / 1024: the same disk usage, not rounded up. */
  mb: number;
}

/**
 * Every directory with a package.json directly under a node_modules folder or one of its @scope folders;
 * nested node_modules are walked too, so a duplicated version npm could not hoist still counts.
 */
function installedPackages(nodeModules: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    const pkg = path.join(dir, 'package.json');
    if (!fs.existsSync(pkg)) return;
    const { name, version } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name: string; version: string };
    found.push(`${name}@${version}`);
    const nested = path.join(dir, 'node_modules');
    if (fs.existsSync(nested)) walk(nested);
  };
  const walk = (modules: string) => {
    for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
      // .bin holds links and .package-lock.json is a file: neither is a package.
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dir = path.join(modules, entry.name);
      if (entry.name.startsWith('@')) {
        for (const scoped of fs.readdirSync(dir, { withFileTypes: true })) {
          if (scoped.isDirectory()) visit(path.join(dir, scoped.name));
        }
      } else {
        visit(dir);
      }
    }
  };
  walk(nodeModules);
  return found.sort();
}

function du(flag: '-sm' | '-sk', dir: string): number {
  return Number.parseInt(execFileSync('du', [flag, dir], { encoding: 'utf8' }).split(/\s/)[0], 10);
}

function measure(app: string): Installed {
  const nodeModules = path.join(app, 'node_modules');
  return { packages: installedPackages(nodeModules), duMb: du('-sm', nodeModules), mb: du('-sk', nodeModules) / 1024 };
}

/** Runs the benchmark and returns its figures. */
export function footprint() {
  const tmp = tempDir('kusto-functions-footprint-');
  try {
    const { app, tarballs } = createConsumerApp(tmp.dir);
    const baselineApp = path.join(tmp.dir, 'peers');
    installApp(baselineApp, PEERS);
    // npm reports tarball sizes in kB of 1000 bytes; so does this.
    const kb = (file: string) => fs.statSync(file).size / 1000;
    const ours = measure(app);
    const peers = measure(baselineApp);
    const tarballKb = { sdk: kb(tarballs.sdk), bindings: kb(tarballs.bindings) };
    const goals = {
      packages: ours.packages.length <= GOALS.packages,
      duMb: ours.duMb <= GOALS.duMb,
      tarballKb: tarballKb.sdk <= GOALS.tarballKb,
    };
    return { ours, peers, tarballKb, goals, met: Object.values(goals).every(Boolean) };
  } finally {
    tmp.remove();
  }
}

function main() {
  const r = footprint();
  const row = (name: string, packages: string, duMb: string, mb: string) =>
    `  ${name.padEnd(40)} ${packages.padStart(8)} ${duMb.padStart(7)} ${mb.padStart(6)}`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log('footprint of `npm install --omit=dev` in an empty app:');
  console.log(row('', 'packages', 'du -sm', 'MB'));
  console.log(
    row('kusto-functions + bindings + peers', `${r.ours.packages.length}`, `${r.ours.duMb}`, fmt(r.ours.mb, 2)),
  );
  console.log(row('peers alone', `${r.peers.packages.length}`, `${r.peers.duMb}`, fmt(r.peers.mb, 2)));
  console.log(
    row(
      'kusto-functions adds',
      `+${r.ours.packages.length - r.peers.packages.length}`,
      '',
      `+${fmt(r.ours.mb - r.peers.mb, 2)}`,
    ),
  );
  console.log('  (du -sm rounds up to whole MB; MB is du -sk / 1024)');
  console.log(`  installed: ${r.ours.packages.join(', ')}`);
  console.log(
    `  tarballs: kusto-functions ${fmt(r.tarballKb.sdk, 1)} kB, kusto-functions-bindings ${fmt(r.tarballKb.bindings, 1)} kB`,
  );
  console.log(`  goal packages ≤ ${GOALS.packages}: ${r.ours.packages.length}, ${verdict(r.goals.packages)}`);
  console.log(`  goal du -sm ≤ ${GOALS.duMb} MB: ${r.ours.duMb} MB, ${verdict(r.goals.duMb)}`);
  console.log(
    `  goal kusto-functions tarball ≤ ${GOALS.tarballKb} kB: ${fmt(r.tarballKb.sdk, 1)} kB, ${verdict(r.goals.tarballKb)}`,
  );
  // Unlike timings these figures are exact, so a missed goal fails the run.
  if (!r.met) process.exitCode = 1;
}

if (require.main === module) runBench(main);
