import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { startEmulator, type KustoEmulator } from 'kusto-emulator';
import { startHost, type HostLogEntry, type RunningHost } from '../lib';
import { eventually, fixtureScript, makeAppDir } from './support/hostFixture';

// A cluster given by the setting (here an emulator started by the spec) is used as is. Another setting names a
// cluster that cannot be reached, with a token in its connection string, which must never reach a log line.
const SECRET = 'TopSecretValue123';

describe('Kusto bindings on the local host', () => {
  let emulator: KustoEmulator;
  let host: RunningHost;
  let appDir: string;
  const logs: HostLogEntry[] = [];

  before(async () => {
    // A port nothing listens on: connections to it are refused at once.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    emulator = await startEmulator({ databases: ['hostdb'] });
    await emulator.runScript(
      'hostdb',
      '.create table Things (Id:long, Label:string)\n\n.alter table Things policy streamingingestion enable',
    );
    appDir = makeAppDir({ 'host.json': { version: '2.0' } });
    host = await startHost({
      appDir,
      script: fixtureScript('kustoApp'),
      port: 0,
      env: {
        ...process.env,
        KustoConnectionString: emulator.connectionString('hostdb'),
        UnreachableKusto: `Data Source=https://127.0.0.1:${closedPort};Database=hostdb;User Token=${SECRET}`,
      },
      log: (entry) => logs.push(entry),
    });
  });
  after(async () => {
    await host?.close();
    await emulator?.close();
    fs.rmSync(appDir, { recursive: true, force: true });
  });

  it('uses the cluster the setting names, starting no emulator', () => {
    expect(host.emulator).to.equal(undefined);
    const messages = logs.map((e) => e.message);
    expect(messages).to.include('Kusto: KustoConnectionString is set: using that cluster.');
    expect(messages).to.include('Kusto: UnreachableKusto is set: using that cluster.');
  });

  it('ingests outputs after the call and queries inputs before it', async () => {
    const written = await fetch(`${host.url}/api/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { Id: 1, Label: 'one' },
        { Id: 2, Label: 'two' },
      ]),
    });
    expect(written.status).to.equal(201);
    const [table] = await emulator.executeQuery('hostdb', 'Things | order by Id asc');
    expect(table.rows.map((r) => r.map(String))).to.deep.equal([
      ['1', 'one'],
      ['2', 'two'],
    ]);
    const read = await fetch(`${host.url}/api/things/2`);
    expect(read.status).to.equal(200);
    expect(await read.json()).to.deep.equal([{ Id: 2, Label: 'two' }]);
  });

  for (const [what, request, functionName, pattern] of [
    ['an ingestion fails', { path: 'broken/ingest', method: 'POST' }, 'ingestIntoMissingTable', /NoSuchTable/],
    ['a query fails', { path: 'broken/query', method: 'GET' }, 'queryMissingTable', /NoSuchTable/],
    [
      'the cluster cannot be reached',
      { path: 'unreachable', method: 'GET' },
      'queryUnreachableCluster',
      /127\.0\.0\.1/,
    ],
  ] as const) {
    it(`fails the invocation with a 500 when ${what}, logging function name and invocation id, never the secret`, async () => {
      const res = await fetch(`${host.url}/api/${request.path}`, {
        method: request.method,
        headers: { 'content-type': 'application/json' },
        body: request.method === 'POST' ? JSON.stringify({ Id: 3, Label: 'three' }) : undefined,
      });
      expect(res.status).to.equal(500);
      expect(await res.text()).to.equal('');
      const error = await eventually(() =>
        logs.find((e) => e.level === 'error' && e.functionName === functionName && !e.lifecycle),
      );
      expect(error.message).to.match(pattern);
      expect(error.invocationId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const executed = logs.find(
        (e) => e.lifecycle && e.invocationId === error.invocationId && /^Executed/.test(e.message),
      );
      expect(executed?.message).to.contain(`'Functions.${functionName}' (Failed, Id=${error.invocationId}`);
      expect(logs.filter((e) => e.message.includes(SECRET))).to.deep.equal([]);
    });
  }
});
