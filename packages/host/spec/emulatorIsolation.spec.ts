import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { startHost, type HostLogEntry, type RunningHost } from '../lib';
import { eventually, fixtureScript, makeAppDir } from './support/hostFixture';

// A query whose values outgrow the emulator thread's heap (host.json memoryLimitMb), as any query could on a laptop.
const HOG =
  "range x from 1 to 3000000 step 1 | extend s = strcat('row-', tostring(x), '-padding-padding') | summarize make_list(s)";

describe('the embedded emulator in a thread of its own', () => {
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

  it('keeps the host answering when a query exhausts the emulator, which serves again with its data', async function () {
    this.timeout(120_000);
    const added = await fetch(`${host.url}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Id: 1, Text: 'acknowledged before the crash' }),
    });
    expect(added.status).to.equal(201);

    const client = new Client(host.emulator!.connectionString('isolationdb'));
    let settled = false;
    const hog = client.execute('isolationdb', HOG).then(
      () => {
        settled = true;
        return undefined;
      },
      (error: unknown) => {
        settled = true;
        return error;
      },
    );
    // While the emulator's thread fills its heap and ends, the host's own thread answers at once.
    const pings: number[] = [];
    while (!settled && pings.length < 2000) {
      const started = performance.now();
      const response = await fetch(`${host.url}/api/ping`);
      expect(response.status).to.equal(200);
      pings.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await hog, 'the query that exhausted the emulator fails').to.be.instanceOf(Error);
    client.close();
    expect(pings.length).to.be.greaterThan(0);
    expect(Math.max(...pings)).to.be.lessThan(1000);

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
