import { expect } from 'chai';
import { Client } from 'azure-kusto-data';
import { requestProperties, rowsOf, useEmulator } from '../support/emulatorFixture';
import { stillServing } from './support';

/** The p-th percentile (0–100) of `values`. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('limits: one slow query does not hold the others', () => {
  const fixture = useEmulator();
  // Long enough for a few hundred point queries; the 10 s figure of the issue is measured the same way (README).
  const SLOW_MS = 4000;

  before(async () => {
    await fixture.client.executeMgmt(
      'db',
      '.set-or-replace Items <| range Id from 1 to 1000 step 1 | extend Name = strcat("item", Id)',
    );
    await stillServing(fixture.client);
  });

  // [what runs, its text]
  for (const [what, slowText] of [
    [
      'a regex over a long value',
      "let s = toscalar(print strrep('a', 5000000)); range x from 1 to 100000 step 1 | where s matches regex '[bc]x' | count",
    ],
    [
      'sorts of a million rows, one after the other',
      `union ${Array.from(
        { length: 12 },
        (_, i) =>
          `(range x from 1 to 1000000 step 1 | extend k = (x * ${7919 + 2 * i}) % 1000003 | order by k asc | take 1)`,
      ).join(', ')} | count`,
    ],
  ] as const)
    it(`answers point queries from another client while ${what} runs`, async () => {
      const other = new Client(fixture.emulator.connectionString('db'));
      try {
        const point = (id: number) =>
          other.execute(
            'db',
            'declare query_parameters(id:long); Items | where Id == id',
            requestProperties({}, { id }),
          );
        // The same point queries with nothing else running, for comparison.
        const alone: number[] = [];
        for (let i = 0; i < 100; i++) {
          const started = performance.now();
          await point(i + 1);
          alone.push(performance.now() - started);
        }
        let slowDone = false;
        const slowStarted = performance.now();
        // Work for longer than its servertimeout, which stops it: the query is under way for the whole measurement.
        const slow = fixture.client.execute('db', slowText, requestProperties({ servertimeout: SLOW_MS })).then(
          () => {
            slowDone = true;
            return undefined;
          },
          (error: { response?: { data: { error: { message: string } } } }) => {
            slowDone = true;
            return error.response?.data.error.message ?? String(error);
          },
        );
        const latencies: number[] = [];
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (let i = 0; !slowDone && i < 5000; i++) {
          const started = performance.now();
          const rows = rowsOf(await point((i % 1000) + 1));
          latencies.push(performance.now() - started);
          expect(rows).to.deep.equal([{ Id: (i % 1000) + 1, Name: `item${(i % 1000) + 1}` }]);
        }
        const message = await slow;
        const slowMs = performance.now() - slowStarted;
        expect(message, 'the slow query ran until its servertimeout').to.match(/Query is expired/);
        expect(slowMs).to.be.within(SLOW_MS - 50, SLOW_MS + 1500);
        const p99 = percentile(latencies, 99);
        console.log(
          `      alone: p50 ${percentile(alone, 50).toFixed(1)} ms, p99 ${percentile(alone, 99).toFixed(1)} ms; ${latencies.length} point queries during a ${Math.round(slowMs)} ms query: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
        );
        // Point queries were answered while the slow query ran: a server it held would answer none before it ended.
        // Their latency is a figure of bench/emulatorFairness.ts, not a timed assertion here.
        expect(latencies.length).to.be.greaterThan(20);
        expect(Math.max(...latencies), 'no point query waited for the slow one').to.be.below(SLOW_MS - 200);
      } finally {
        other.close();
      }
    });

  it('runs two copies of one query side by side with the same answers', async () => {
    const text = 'range x from 1 to 400000 step 1 | summarize n = count(), s = sum(x) by k = x % 7 | order by k asc';
    const [a, b] = await Promise.all([fixture.client.execute('db', text), fixture.client.execute('db', text)]);
    expect(rowsOf(a)).to.deep.equal(rowsOf(b));
    expect(rowsOf(a).reduce((n, r) => n + Number(r.n), 0)).to.equal(400000);
  });
});
