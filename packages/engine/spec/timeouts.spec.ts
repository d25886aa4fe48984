import { expect } from 'chai';
import { KustoBindingError } from 'kusto-functions-bindings';
import { createKustoEngine } from '../lib';
import { failureOf, input, makeEngine, output, trigger } from './support/engineFixture';
import { closedPort, startFaultProxy, type FaultProxy } from './support/faultProxy';

// Short timeouts, so that a cluster that never answers fails these specs in well under a second each.
const SHORT = 300;
// Timers and the loopback add a little: a call must end within its timeout plus this.
const SLACK = 1500;

async function timed<T>(call: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await call;
  return { value, ms: Date.now() - started };
}

describe('engine: timeouts', () => {
  // A cluster that accepts every request and never answers: a proxy with nothing behind it, silent on every path.
  let silent: FaultProxy;
  beforeEach(async () => {
    silent = await startFaultProxy(`http://127.0.0.1:${await closedPort()}`);
    silent.failNext(1000, { kind: 'silent' });
  });
  afterEach(() => silent.close());
  const env = () => ({ KustoConnectionString: `Data Source=${silent.url}` });

  it('fails a query of a cluster that never answers at the query timeout, naming it', async () => {
    const { engine } = makeEngine({ env: env(), timeouts: { queryMs: SHORT } });
    const { value: error, ms } = await timed(
      failureOf(engine.runInput(input('Products'), trigger()), KustoBindingError),
    );
    expect(error.message).to.equal(
      `Kusto input 'kustoInput0' of fn: the query on database 'db' timed out: no answer from ${silent.url} within 300 ms (the query timeout).`,
    );
    expect(ms).to.be.within(SHORT - 20, SHORT + SLACK);
    await engine.close();
  });

  it('fails a management command at the command timeout', async () => {
    const { engine } = makeEngine({ env: env(), timeouts: { commandMs: SHORT } });
    const error = await failureOf(engine.runInput(input('.show tables'), trigger()), KustoBindingError);
    expect(error.message).to.match(/timed out: no answer from .* within 300 ms \(the command timeout\)\.$/);
    await engine.close();
  });

  it("lets a binding's @servertimeout, plus 30 s, bound its query instead of the query timeout", async () => {
    const { engine } = makeEngine({ env: env(), timeouts: { queryMs: 100 } });
    const call = engine.runInput(input('Products', { clientRequestProperties: '@servertimeout=00:00:05' }), trigger());
    const state = await Promise.race([
      call.then(
        () => 'settled',
        () => 'settled',
      ),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 4 * 100)),
    ]);
    expect(state).to.equal('pending');
    // The cluster goes away: the query then fails on its own, as a network failure rather than a timeout.
    await silent.close();
    const error = await failureOf(call, KustoBindingError);
    expect(error.message).not.to.match(/timed out/);
    await engine.close();
  });

  it('fails an output after streaming and its queued fallback each ran out of the ingestion timeout', async () => {
    const { engine, logs } = makeEngine({ env: env(), timeouts: { ingestMs: SHORT } });
    const { value: error, ms } = await timed(
      failureOf(engine.runOutput(output('Products'), [{ ProductID: 1 }], trigger()), KustoBindingError),
    );
    expect(error.message).to.match(
      new RegExp(
        `^Kusto output 'kustoOutput1' of fn \\(table 'Products', database 'db', source id [0-9a-f-]{36}\\): queued ingestion timed out: no answer from ${silent.url} within 300 ms \\(the ingestion timeout\\)\\.$`,
      ),
    );
    expect(
      logs.some((l) =>
        l.includes('streaming ingestion timed out (no answer within 300 ms, the ingestion timeout): ingesting queued'),
      ),
    ).to.equal(true);
    expect(ms).to.be.within(2 * SHORT - 20, 2 * SHORT + SLACK);
    await engine.close();
  });

  it('asks a silent cluster for its sign-in metadata once, however many invocations wait on it', async () => {
    const { engine } = makeEngine({ env: env(), timeouts: { queryMs: SHORT } });
    await Promise.all(
      Array.from({ length: 8 }, () => failureOf(engine.runInput(input('Products'), trigger()), KustoBindingError)),
    );
    expect(silent.requests.map((r) => r.path)).to.deep.equal(['/v1/rest/auth/metadata']);
    await engine.close();
  });

  it('ends retries at the deadline, naming the attempts made and the last failure', async () => {
    const { engine } = makeEngine({
      env: env(),
      retry: { attempts: 20, baseDelayMs: 50, maxDelayMs: 50 },
      timeouts: { queryMs: SHORT },
    });
    // Every request, the metadata lookup included, is answered 503: retried until no attempt fits before the deadline.
    silent.reset();
    silent.failNext(100, { kind: 'status', status: 503 });
    const { value: error, ms } = await timed(
      failureOf(engine.runInput(input('Products'), trigger()), KustoBindingError),
    );
    const attempts = Number(/failed after (\d+) attempts \(HTTP 503\)/.exec(error.message)?.[1]);
    expect(attempts, error.message).to.be.within(2, 19);
    expect(ms).to.be.below(SHORT + SLACK);
    await engine.close();
  });

  it('rejects a timeout that is not a positive number of milliseconds, naming the option', () => {
    expect(() => createKustoEngine({ timeouts: { queryMs: 0 } })).to.throw(
      RangeError,
      'timeouts.queryMs must be a number of milliseconds from 1 to 2147483647, not 0.',
    );
    expect(() => createKustoEngine({ timeouts: { ingestMs: Number.POSITIVE_INFINITY } })).to.throw(
      RangeError,
      /^timeouts\.ingestMs must be/,
    );
  });
});
