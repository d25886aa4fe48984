import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { SECRET_MASK } from 'kusto-functions-engine';
import { eventually, startFixtureHost, type FixtureHost } from './support/hostFixture';

// The password failuresApp's throwing handler puts in its message.
const FIXTURE_SECRET = 'FixtureSecret42';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A call must end within its timeout plus this: timers and the loopback add a little, and the first Kusto call of the
// process loads the Kusto client packages (about a second) before its timeout starts.
const SLACK = 3000;

/** A cluster stand-in that accepts connections and never answers, counting them. */
async function silentCluster(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function timedFetch(url: string, init?: RequestInit): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, body, ms: Date.now() - started };
}

describe('failures on the local host', () => {
  let fixture: FixtureHost;
  let silent: Awaited<ReturnType<typeof silentCluster>>;
  let late: Awaited<ReturnType<typeof silentCluster>>;

  before(async () => {
    silent = await silentCluster();
    late = await silentCluster();
    fixture = await startFixtureHost(
      'failuresApp',
      {
        version: '2.0',
        functionTimeout: '00:00:02',
        kustoFunctions: { timeouts: { query: '00:00:00.300', ingestion: '00:00:00.300' } },
      },
      {
        env: {
          ...process.env,
          SilentKusto: `Data Source=${silent.url};Database=hostdb`,
          LateKusto: `Data Source=${late.url};Database=hostdb`,
        },
      },
    );
  });
  after(async () => {
    await fixture?.close();
    await silent?.close();
    await late?.close();
  });

  const failure = (functionName: string) =>
    eventually(() => fixture.logs.find((e) => e.level === 'error' && e.functionName === functionName && !e.lifecycle));

  it("logs a handler's exception with its stack (the app's frames, this fixture's line), never a secret", async () => {
    const res = await timedFetch(`${fixture.api}/throwing`);
    expect(res.status).to.equal(500);
    expect(res.body).to.equal('');
    const error = await failure('throwingHandler');
    expect(error.invocationId).to.match(UUID);
    const [first, ...frames] = error.message.split('\n');
    expect(first).to.equal(`Error: The order store refused Password=${SECRET_MASK};`);
    // The frame of the throw names the fixture's file and the line that throws.
    const at = /^ {4}at placeOrder \((.*failuresApp\.(?:ts|js)):(\d+):\d+\)$/.exec(frames[0]);
    expect(at, error.message).to.not.equal(null);
    const line = fs.readFileSync(at![1], 'utf8').split('\n')[Number(at![2]) - 1];
    expect(line).to.contain('throw new Error(');
    // Only the app's frames: no Node internals, no dependency, nothing of the host.
    for (const frame of frames) expect(frame).to.match(/failuresApp\.(ts|js):\d+:\d+\)?$/);
    expect(fixture.logs.filter((e) => e.message.includes(FIXTURE_SECRET))).to.deep.equal([]);
  });

  it('fails an invocation that runs past functionTimeout with a 500 naming the function and the timeout', async () => {
    const res = await timedFetch(`${fixture.api}/slow?ms=3000`);
    expect(res.status).to.equal(500);
    expect(res.ms).to.be.within(2000 - 20, 2000 + SLACK);
    const error = await failure('slowHandler');
    expect(error.message).to.equal(
      'FunctionTimeoutException: Timeout value of 00:00:02 was exceeded by function: Functions.slowHandler',
    );
    expect(error.invocationId).to.match(UUID);
    const executed = fixture.logs.find(
      (e) => e.lifecycle && e.invocationId === error.invocationId && /^Executed/.test(e.message),
    );
    expect(executed?.message).to.contain(`'Functions.slowHandler' (Failed, Id=${error.invocationId}`);
    // The handler runs on (it cannot be stopped), but what it returns late is dropped: its output is not written.
    await eventually(() => fixture.logs.find((e) => e.message === 'slow handler finished'), 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(late.connections()).to.equal(0);
  });

  it('fails a Kusto input on a cluster that never answers at the query timeout (host.json)', async () => {
    const res = await timedFetch(`${fixture.api}/silent/input`);
    expect(res.status).to.equal(500);
    expect(res.ms).to.be.below(300 + SLACK);
    const error = await failure('silentInput');
    expect(error.message).to.match(
      /^KustoBindingError: Kusto input '\w+' of silentInput: the query on database 'hostdb' timed out: no answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms \(the query timeout\)\.$/,
    );
    expect(error.invocationId).to.match(UUID);
  });

  it('fails a Kusto output on a cluster that never answers once streaming and its queued fallback timed out', async () => {
    const res = await timedFetch(`${fixture.api}/silent/output`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ Id: 1 }]),
    });
    expect(res.status).to.equal(500);
    expect(res.ms).to.be.below(2 * 300 + SLACK);
    const error = await failure('silentOutput');
    expect(error.message).to.match(
      /^KustoBindingError: Kusto output '\w+' of silentOutput \(table 'Things', database 'hostdb', source id [0-9a-f-]{36}\): queued ingestion timed out: no answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms \(the ingestion timeout\)\.$/,
    );
    expect(
      fixture.logs.some(
        (e) => e.level === 'warning' && /streaming ingestion timed out .*: ingesting queued/.test(e.message),
      ),
    ).to.equal(true);
  });
});
