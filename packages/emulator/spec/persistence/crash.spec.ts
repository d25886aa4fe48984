/**
 * Crash safety: a child emulator is killed with SIGKILL at random moments while concurrent clients ingest
 * (streaming, `.ingest inline`, `.set-or-append`, `.append`) and run commands (`.create table`,
 * `.create-or-alter function`); after each kill the data directory is loaded again and every acknowledged row
 * and command must be there, and nothing doubled.
 *
 * The run is driven by a seed, printed at the start: KUSTO_EMULATOR_CRASH_SEED=<seed> replays its choices (which
 * operations, which tables, how many rows, when to kill; the kill lands wherever the child has got to by then).
 */
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { startEmulator } from '../../lib';
import { kustoIngest, rowsOf, streamOf } from '../support/emulatorFixture';

const ROUNDS = 20;
const WORKERS = 4;
const DATABASE = 'crashdb';

/** mulberry32: a small seeded generator, so that a run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Child {
  process: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts the child emulator on `dataDir`; resolves once it listens (bounded). */
function startChild(dataDir: string, warmUp: boolean): Promise<Child> {
  const script = path.join(__dirname, '..', 'support', 'crashChild.js');
  const options = { dataDir, databases: [DATABASE], warmUp };
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The child emulator did not start within 20 s. stderr: ${stderr}`));
    }, 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\S+)\n/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, url: match[1], stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The child emulator exited with ${code} before it listened. stderr: ${stderr}`));
    });
  });
}

function killChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

describe('emulator storage under SIGKILL', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-emulator-crash-'));
  });

  after(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged row and command through ${ROUNDS} kills at random moments`, async function () {
    this.timeout(150_000);
    const seed = Number(process.env.KUSTO_EMULATOR_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`      crash spec seed: ${seed} (replay with KUSTO_EMULATOR_CRASH_SEED=${seed})`);
    const rng = random(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(rng() * items.length)];

    // What was acknowledged, and what was sent (acknowledged or not): rows by id, tables, functions.
    const ackedRows = new Map<string, Set<number>>([['T0', new Set()]]);
    const sentRows = new Set<number>();
    const ackedTables = new Set<string>(['T0']);
    const ackedFunctions = new Map<string, number>();
    const sentFunctionVersions = new Map<string, Set<number>>();
    let nextId = 1;
    let nextTable = 1;
    let nextVersion = 1;
    const context = (round: number): string => `(seed ${seed}, round ${round})`;

    for (let round = 0; round <= ROUNDS; round++) {
      // Restart: the child loads the directory the previous child was killed over.
      // Two rounds load the KQL engine (seconds of CPU) for `.set-or-append` and `.append`; the others do without.
      const warmUp = round % 10 === 5;
      const child = await startChild(dataDir, warmUp);
      const client = new Client(`Data Source=${child.url}`);
      const ingest = new kustoIngest.StreamingIngestClient(`Data Source=${child.url};Database=${DATABASE}`);
      try {
        expect(child.stderr(), `warnings at load ${context(round)}`).not.to.match(/cannot be loaded|moved to|skipped/);
        if (round === 0) {
          await client.executeMgmt(DATABASE, '.create table T0 (Id:long, Name:string)');
          await client.executeMgmt(DATABASE, '.alter database crashdb policy streamingingestion enable');
        }
        if (round === ROUNDS) break;

        const rowsText = (ids: number[], separator: string, quote: string): string =>
          ids.map((id) => `${id}${separator}${quote}n${id}${quote}`).join(separator === ',' && quote ? ',' : '\n');
        const operation = async (worker: number): Promise<void> => {
          const table = pick([...ackedTables]);
          const ids = Array.from({ length: 1 + Math.floor(rng() * 40) }, () => nextId++);
          const kinds = ['stream', 'stream', 'inline', 'inline', 'table', 'function'];
          if (warmUp) kinds.push('set-or-append', 'append');
          const kind = pick(kinds);
          const acknowledge = (): void => {
            for (const id of ids) ackedRows.get(table)?.add(id);
          };
          switch (kind) {
            case 'stream':
              for (const id of ids) sentRows.add(id);
              await ingest.ingestFromStream(streamOf(`${rowsText(ids, ',', '')}\n`), {
                database: DATABASE,
                table,
                format: kustoIngest.DataFormat.CSV,
              });
              return acknowledge();
            case 'inline':
              for (const id of ids) sentRows.add(id);
              await client.executeMgmt(DATABASE, `.ingest inline into table ${table} <|\n${rowsText(ids, ',', '')}`);
              return acknowledge();
            case 'set-or-append':
            case 'append':
              for (const id of ids) sentRows.add(id);
              await client.executeMgmt(
                DATABASE,
                `.${kind} ${table} <| datatable(Id:long, Name:string)[${rowsText(ids, ',', "'")}]`,
              );
              return acknowledge();
            case 'table': {
              const name = `T${nextTable++}`;
              await client.executeMgmt(DATABASE, `.create table ${name} (Id:long, Name:string)`);
              ackedTables.add(name);
              ackedRows.set(name, new Set());
              return;
            }
            default: {
              // One function per worker: its versions are sent (and applied) in order.
              const name = `F${worker}`;
              const version = nextVersion++;
              if (!sentFunctionVersions.has(name)) sentFunctionVersions.set(name, new Set());
              sentFunctionVersions.get(name)?.add(version);
              await client.executeMgmt(DATABASE, `.create-or-alter function ${name}() { print v=${version} }`);
              ackedFunctions.set(name, version);
            }
          }
        };
        let killed = false;
        const defects: string[] = [];
        const worker = async (index: number): Promise<void> => {
          while (!killed && defects.length === 0) {
            try {
              await operation(index);
            } catch (error) {
              // Only the kill may fail a request; anything else is a defect.
              if (!killed) defects.push(error instanceof Error ? error.message : String(error));
            }
          }
        };
        const workers = Array.from({ length: WORKERS }, (_, index) => worker(index));
        await new Promise((resolve) => setTimeout(resolve, 30 + Math.floor(rng() * 250)));
        killed = true;
        await killChild(child);
        await Promise.all(workers);
        expect(defects, `requests failed before the kill ${context(round)}`).to.deep.equal([]);
      } finally {
        client.close();
        ingest.close();
        await killChild(child);
      }

      // The directory loads, and holds every acknowledged change, nothing twice and nothing never sent.
      const warnings: string[] = [];
      const check = await startEmulator({ dataDir, onWarning: (message) => warnings.push(message) });
      const reader = new Client(check.connectionString(DATABASE));
      try {
        expect(warnings.join('\n'), `load ${context(round)}`).not.to.match(/cannot be loaded|moved to|skipped/);
        const tables = rowsOf(await reader.executeMgmt(DATABASE, '.show tables')).map((r) => r.TableName as string);
        expect(tables, `tables ${context(round)}`).to.include.members([...ackedTables]);
        for (const table of tables) {
          const ids = rowsOf(await reader.execute(DATABASE, `${table} | project Id`)).map((r) => Number(r.Id));
          const distinct = new Set(ids);
          expect(ids.length, `rows of ${table} doubled ${context(round)}`).to.equal(distinct.size);
          for (const id of ids) expect(sentRows.has(id), `row ${id} was never sent ${context(round)}`).to.equal(true);
          const missing = [...(ackedRows.get(table) ?? [])].filter((id) => !distinct.has(id));
          expect(missing, `acknowledged rows missing from ${table} ${context(round)}`).to.deep.equal([]);
        }
        const functions = new Map(
          rowsOf(await reader.executeMgmt(DATABASE, '.show functions')).map((r) => [
            r.Name as string,
            r.Body as string,
          ]),
        );
        for (const [name, acked] of ackedFunctions) {
          const version = Number(/v=(\d+)/.exec(functions.get(name) ?? '')?.[1]);
          // The acknowledged version, or one sent after it whose answer the kill cut off.
          expect(
            version >= acked && (sentFunctionVersions.get(name)?.has(version) ?? false),
            `${name} ${context(round)}`,
          ).to.equal(true);
        }
      } finally {
        reader.close();
        await check.close();
      }
    }
    const total = [...ackedRows.values()].reduce((n, s) => n + s.size, 0);
    expect(total, 'rows acknowledged over the run').to.be.greaterThan(0);
  });
});
