import { expect } from 'chai';
import { failure, requestProperties, rowsOf, useEmulator } from '../support/emulatorFixture';
import { seededRandom, stillServing } from './support';

describe('limits: regular expressions (RE2) and servertimeout while a query runs', () => {
  const fixture = useEmulator();
  const query = (text: string, options: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}) =>
    fixture.client.execute('db', text, requestProperties(options, parameters));

  before(() => stillServing(fixture.client));

  it("answers the issue's '(a+)+$' at once, as RE2 does, instead of backtracking", async () => {
    const started = performance.now();
    const rows = rowsOf(
      await query("print m = strcat(strrep('a', 40), 'b') matches regex '(a+)+$', n = 'aaaa' matches regex '(a+)+$'"),
    );
    expect(rows).to.deep.equal([{ m: false, n: true }]);
    expect(performance.now() - started).to.be.below(500);
  });

  it("runs '(a+)+$' over a 100,000-character string in time linear in its length", async () => {
    const timed = async (n: number) => {
      const started = performance.now();
      const rows = rowsOf(
        await query(
          "declare query_parameters(n:long); print m = strcat(strrep('a', n), 'b') matches regex '(a+)+$'",
          {},
          { n },
        ),
      );
      expect(rows).to.deep.equal([{ m: false }]);
      return performance.now() - started;
    };
    await timed(1_000);
    // Backtracking doubles its work with each further 'a'; RE2's grows with the length: 100k is answered at once.
    expect(await timed(100_000)).to.be.below(3000);
  });

  it('matches generated catastrophic patterns in time linear in the input', async () => {
    const random = seededRandom('regex patterns');
    const shapes = [
      (n: number) => `(a+)+${'$'.repeat(n > 0 ? 1 : 0)}`,
      () => '(a|aa)+$',
      () => '(a|a?)+b',
      (n: number) => `(.*a){${Math.min(n, 50)}}c`,
      () => '^(([a-z])+.)+[A-Z]([a-z])+$',
      () => '(\\w+\\s?)+$',
    ];
    for (let k = 0; k < 12; k++) {
      const shape = shapes[random.int(0, shapes.length - 1)];
      const pattern = shape(random.int(1, 60));
      const length = random.int(20, 20_000);
      const started = performance.now();
      const rows = rowsOf(
        await query(
          "declare query_parameters(p:string, n:long); range x from 1 to 40 step 1 | where strcat(strrep('a', n), '!') matches regex p | count",
          {},
          { p: pattern, n: length },
        ),
      );
      expect(rows[0].Count, pattern).to.equal(0);
      // 40 rows of up to 20,000 characters: RE2 takes milliseconds; a backtracking engine would take forever.
      expect(performance.now() - started, `${pattern} on ${length} characters`).to.be.below(3000);
    }
  });

  it('speaks RE2: scoped flags, \\A, \\z, \\Q…\\E, POSIX classes, named groups, Unicode classes', async () => {
    const rows = rowsOf(
      await query(
        String.raw`print a = 'xABCx' matches regex @'x(?i:abc)x', b = 'ab' matches regex @'\Aab\z', c = 'a.b' matches regex @'\Qa.b\E', d = 'q9' matches regex @'^[[:alpha:]][[:digit:]]$', e = extract(@'(?P<w>\w+)@', 1, 'me@x'), f = 'é' matches regex @'^\pL$', g = 'aXb' matches regex @'\Q.\E'`,
      ),
    );
    expect(rows).to.deep.equal([{ a: true, b: true, c: true, d: true, e: 'me', f: true, g: false }]);
    const bad = await failure(query("print 'a' matches regex '(?<=a)b'"));
    expect(bad.status).to.equal(400);
    expect(bad.error.message).to.match(/Invalid regular expression '\(\?<=a\)b'/);
  });

  it('stops a query at its servertimeout while it runs, even when each row is slow', async () => {
    for (const ms of [1000, 2000]) {
      const started = performance.now();
      // 100,000 matches over a 5M-character value: minutes of work, stopped at the deadline.
      const f = await failure(
        query(
          "let s = toscalar(print strrep('a', 5000000)); range x from 1 to 100000 step 1 | where s matches regex '[bc]x' | count",
          { servertimeout: ms },
        ),
      );
      const elapsed = performance.now() - started;
      expect(f.error.message).to.match(/0x80DA0006.*Query is expired/);
      expect(f.status, 'the REST API status of a request that timed out').to.equal(504);
      expect(elapsed, `servertimeout ${ms} ms`).to.be.within(ms - 50, ms + 1000);
    }
    await stillServing(fixture.client);
  });
});
