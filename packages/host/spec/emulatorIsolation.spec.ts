import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHost, type HostLogEntry, type RunningHost } from '../lib';
import { eventually, fixtureScript, makeAppDir } from './support/hostFixture';

// A request whose data outgrows the emulator process's heap (host.json memoryLimitMb). Not a query: queries fail at
// the emulator's own limits (memory budget, heap check) long before its process runs out of memory; a streaming
// ingestion of 120 MB of rows, each held as its values, is not bounded by them.
const HOG_ROWS = 3_000_000;

describe('the embedded emulator in a process of its own', () => {
  let appDir: string;
  let host: RunningHost;
  const logs: HostLogEntry[] = [];
  const messages = () => logs.map((entry) => entry.message);

  before(async function () {
    this.timeout(60_000);
    appDir = makeAppDir({
      'host.json': { version: '2.0', kustoFunctions: { emulator: { memoryLimitMb: 160 } } },
      'setup.kql':
        '.create table Notes (Id:long, Text:string)\n\n.alter table Notes policy streamingingestion enable\n',
    });
    const env = { ...process.env };
    delete env.IsolationKusto;
    const script = fixtureScript('isolationApp');
    delete require.cache[script];
    host = await startHost({ appDir, script, port: 0, env, log: (entry) => logs.push(entry) });
  });
  after(async () => {
    await host?.close();
    if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
  });

  it('keeps the host answering when a request exhausts the emulator, which serves again with its data', async function () {
    this.timeout(120_000);
    const added = await fetch(`${host.url}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Id: 1, Text: 'acknowledged before the crash' }),
    });
    expect(added.status).to.equal(201);

    let settled = false;
    const body = Buffer.from(
      Array.from({ length: HOG_ROWS }, (_, i) => `${i},row-${i}-padding-padding-padding\n`).join(''),
      'utf8',
    );
    const hog = fetch(`${host.emulator!.url}/v1/rest/ingest/isolationdb/Notes?streamFormat=csv`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    }).then(
      () => {
        settled = true;
        return undefined;
      },
      (error: unknown) => {
        settled = true;
        return error;
      },
    );
    // While the emulator's process fills its heap and ends, the host answers at once.
    let pings = 0;
    while (!settled && pings < 2000) {
      const response = await fetch(`${host.url}/api/ping`);
      expect(response.status).to.equal(200);
      pings++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await hog, 'the request that exhausted the emulator fails').to.be.instanceOf(Error);
    // Answered 200 throughout; how fast is measured in bench/embeddedEmulator.ts, not here.
    expect(pings).to.be.greaterThan(0);

    await eventually(
      () => (messages().some((m) => m.startsWith('The embedded Kusto emulator serves again')) ? true : undefined),
      30_000,
    );
    expect(messages()).to.include(
      'The embedded Kusto emulator stopped: it ran out of memory. Starting it again with the data on disk...',
    );
    const restart = /serves again at (\S+) \((\d+) ms\)/.exec(messages().find((m) => m.includes('serves again'))!)!;
    expect(restart[1], 'the same URL, so the settings pointing at it stay valid').to.equal(host.emulator!.url);
    expect(Number(restart[2])).to.be.lessThan(10_000);
    expect(host.emulator!.restarts).to.equal(1);

    const notes = await fetch(`${host.url}/api/notes`);
    expect(notes.status).to.equal(200);
    expect(await notes.json()).to.deep.equal([{ Id: 1, Text: 'acknowledged before the crash' }]);
    expect(fs.existsSync(path.join(appDir, '.kusto-emulator'))).to.equal(true);
  });
});
