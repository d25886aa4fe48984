import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import type * as KustoIngest from 'azure-kusto-ingest/types/src/index';
import { kustoIngest, rowsOf, streamOf } from '../support/emulatorFixture';

const { DataFormat } = kustoIngest;

/** A child emulator on `dataDir` (spec/support/crashChild.ts); resolves with it and its URL once it listens. */
async function child(options: object): Promise<{ process: ChildProcess; url: string }> {
  const script = path.join(__dirname, '..', 'support', 'crashChild.js');
  const proc = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`the child emulator exited (${code}) before it listened`)));
  });
  return { process: proc, url };
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

describe('queued ingestion requests through a crash', function () {
  this.timeout(60_000);
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-emulator-queued-'));
  });
  afterEach(async () => {
    for (const proc of children.splice(0)) await kill(proc);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('ingests, after a SIGKILL and a restart, every request the queue acknowledged, exactly once', async () => {
    // The first emulator never gets to process its queue: every request is still waiting when it is killed.
    const first = await child({ dataDir, databases: ['db'], queuedIngestionIntervalMs: 3_600_000 });
    children.push(first.process);
    const client = new Client(`Data Source=${first.url};Database=db`);
    await client.executeMgmt('db', '.create table Events (Id:long, Name:string)');
    const queued = new kustoIngest.IngestClient(`Data Source=${first.url};Database=db`);
    const properties = { database: 'db', table: 'Events', format: DataFormat.CSV } as KustoIngest.IngestionProperties;
    for (const batch of ['1,a\n2,b\n', '3,c\n']) await queued.ingestFromStream(streamOf(batch), properties);
    queued.close();
    client.close();
    expect(await fs.readdir(path.join(dataDir, 'dm.queued'))).to.have.length(2);
    await kill(first.process);

    // On another port, as a restarted host's embedded emulator would be: the requests name the old one.
    const second = await child({ dataDir, databases: ['db'] });
    children.push(second.process);
    expect(second.url).to.not.equal(first.url);
    const reader = new Client(`Data Source=${second.url};Database=db`);
    try {
      const ids = async () => rowsOf(await reader.execute('db', 'Events | order by Id asc')).map((r) => r.Id);
      const deadline = Date.now() + 20_000;
      while ((await ids()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await ids()).to.deep.equal([1, 2, 3]);
      // Processed requests are forgotten, so a later restart ingests nothing twice.
      while ((await fs.readdir(path.join(dataDir, 'dm.queued'))).length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await fs.readdir(path.join(dataDir, 'dm.queued'))).to.deep.equal([]);
    } finally {
      reader.close();
    }
    await kill(second.process);
    const third = await child({ dataDir, databases: ['db'] });
    children.push(third.process);
    const again = new Client(`Data Source=${third.url};Database=db`);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(rowsOf(await again.execute('db', 'Events | count'))).to.deep.equal([{ Count: 3 }]);
    } finally {
      again.close();
    }
  });
});
