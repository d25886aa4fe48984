import { expect } from 'chai';
import { column, database, run, runAll, table, ticks } from './fixtures/database';

/**
 * The shapes the engine evaluates by dedicated plans (lib/kql/fastPaths.ts, topRows.ts, `where … | count`) give
 * Kusto's results at the edges: nulls, NaN, mixed number types, ties, time bins. Each is also checked against the
 * same query through the generic plans (a non-constant right side), so the two cannot drift apart.
 */
describe('KQL fast paths keep the generic results', () => {
  const nan = Number.NaN;
  const db = database('Fast', [
    table('T', 'Id:long, N:int, R:real, S:string, B:bool, Ts:datetime, Span:timespan', [
      [1n, 1, 0.5, 'a', true, ticks('2026-01-01T00:10:00Z'), 10n],
      [2n, null, null, 'b', null, null, null],
      [3n, 3, nan, '', false, ticks('2026-01-01T00:59:59Z'), 30n],
      [null, 5, 2, 'A', true, ticks('2026-01-01T01:00:00Z'), 20n],
      [5n, 2, 2, 'a', false, ticks('2025-12-31T23:59:59Z'), -5n],
    ]),
  ]);
  const ids = (q: string) => column(run(db, q), 'Id');
  // The same comparison with a right side that is not a constant: the generic operator's answer.
  const generic = (q: string) => ids(q.replace(/(==|!=|<=|>=|<|>) ([^|]+)$/, '$1 iff(true, $2, $2)'));

  const cases: [string, (bigint | null)[]][] = [
    // A null left side: null for ordering (the row is dropped), false for ==, true for !=.
    ['T | where Id > 2', [3n, 5n]],
    ['T | where Id == 5', [5n]],
    ['T | where Id != 5', [1n, 2n, 3n, null]],
    // NaN compares false with everything, and != is true.
    ['T | where R >= 0.5', [1n, null, 5n]],
    ['T | where R != 2.0', [1n, 2n, 3n]],
    // real against a long constant, int against long, long against int.
    ['T | where R < 1', [1n]],
    ['T | where N >= 3', [3n, null]],
    ['T | where Id <= int(3)', [1n, 2n, 3n]],
    ['T | where N == 2', [5n]],
    // string and bool equality (case-sensitive; the empty string is a value).
    ['T | where S == "a"', [1n, 5n]],
    ['T | where S != ""', [1n, 2n, null, 5n]],
    ['T | where B == true', [1n, null]],
    ['T | where B != true', [2n, 3n, 5n]],
    // datetime and timespan against constants of their type.
    ['T | where Ts >= datetime(2026-01-01)', [1n, 3n, null]],
    ['T | where Span < 20tick', [1n, 5n]],
  ];
  for (const [query, expected] of cases) {
    it(`${query.replace('T | where ', '')} keeps nulls and NaN as Kusto does`, () => {
      expect(ids(query)).to.deep.equal(expected);
      expect(generic(query)).to.deep.equal(expected);
    });
  }

  it("hands a project's rows out without a copy, never the same rows twice nor the table's", () => {
    const [a, b] = runAll(db, 'let x = T | project Id, N; x; x');
    expect(a.rows).to.not.equal(b.rows);
    a.rows[0][0] = 999n;
    expect(b.rows[0][0]).to.equal(1n);
    const star = run(db, 'T | project-away N');
    star.rows[0][0] = 999n;
    expect(run(db, 'T | project Id, N').rows[0]).to.deep.equal([1n, 1]);
    expect(run(db, 'T | take 1').rows[0][0]).to.equal(1n);
  });

  it('counts the rows a where keeps without changing the count', () => {
    expect(run(db, 'T | where R >= 0.5 | count').rows).to.deep.equal([[3n]]);
    expect(run(db, 'T | where Id > 100 | count').rows).to.deep.equal([[0n]]);
    expect(run(db, 'T | where isnull(Id) or Id > 2 | count').rows).to.deep.equal([[3n]]);
  });

  it('bins datetimes and timespans by a constant: nulls stay null, earlier values fall in earlier bins', () => {
    const bins = run(db, 'T | project Id, b = bin(Ts, 1h), s = bin(Span, 15tick)');
    expect(column(bins, 'b')).to.deep.equal([
      ticks('2026-01-01T00:00:00Z'),
      null,
      ticks('2026-01-01T00:00:00Z'),
      ticks('2026-01-01T01:00:00Z'),
      ticks('2025-12-31T23:00:00Z'),
    ]);
    // A negative span bins downwards: -5 ticks is in the bin starting at -15.
    expect(column(bins, 's')).to.deep.equal([0n, null, 30n, 15n, -15n]);
    expect(run(db, 'T | summarize n = count() by bin(Ts, 1h) | order by Ts asc').rows).to.deep.equal([
      [null, 1n],
      [ticks('2025-12-31T23:00:00Z'), 1n],
      [ticks('2026-01-01T00:00:00Z'), 2n],
      [ticks('2026-01-01T01:00:00Z'), 1n],
    ]);
  });

  it('top keeps the rows a full sort puts first: nulls, NaN and ties in input order', () => {
    expect(ids('T | top 3 by R')).to.deep.equal([null, 5n, 1n]);
    // Ascending: nulls first, then NaN, then numbers.
    expect(ids('T | top 3 by R asc')).to.deep.equal([2n, 3n, 1n]);
    expect(ids('T | top 2 by R desc nulls first')).to.deep.equal([2n, null]);
    expect(ids('T | top 10 by B asc')).to.deep.equal([2n, 3n, 5n, 1n, null]);
    expect(ids('T | top 0 by R')).to.deep.equal([]);
    // The same as order by … | take.
    for (const key of ['R', 'R asc', 'N desc nulls first', 'S asc', 'Ts', 'Id asc nulls last']) {
      expect(ids(`T | top 3 by ${key}`), key).to.deep.equal(ids(`T | order by ${key} | take 3`));
    }
  });

  describe('over a stored table large enough for column vectors (each query run twice: the second reads vectors)', () => {
    const BASE = 2n ** 60n; // longs beyond 2^53: neighbours share one double, so only the exact value decides
    const n = 20_000;
    const real = (i: number) => (i % 7 === 0 ? null : i % 11 === 0 ? nan : i / 10);
    const rows = Array.from({ length: n }, (_, i) => [BASE + BigInt(i), real(i)]);
    const big = database('Big', [table('Big', 'Id:long, R:real', rows)]);
    const twice = (q: string) => {
      const first = run(big, q).rows;
      expect(run(big, q).rows, `${q}, second run`).to.deep.equal(first);
      return first;
    };
    const count = (q: string) => Number(twice(q)[0][0]);
    const where = (test: (r: number | null) => boolean) => rows.filter((r) => test(r[1] as number | null)).length;

    it('compares a long column with a constant exactly, beyond 2^53', () => {
      expect(twice(`Big | where Id == ${BASE + 5n}`)).to.deep.equal([[BASE + 5n, real(5)]]);
      expect(count(`Big | where Id > ${BASE + 19_990n} | count`)).to.equal(9);
      expect(count(`Big | where Id <= ${BASE + 3n} | count`)).to.equal(4);
      expect(count(`Big | where Id != ${BASE + 3n} | count`)).to.equal(n - 1);
    });

    it('compares a real column with nulls and NaN as the generic operators do', () => {
      expect(count('Big | where R > 100 | count')).to.equal(where((r) => r !== null && r > 100));
      expect(count('Big | where R <= 100 | count')).to.equal(where((r) => r !== null && r <= 100));
      expect(count('Big | where R == 50 | count')).to.equal(1);
      // null != 5 and NaN != 5 are true.
      expect(count('Big | where R != 5 | count')).to.equal(n - 1);
      expect(count('Big | where R >= 1999.6 | count')).to.equal(where((r) => r !== null && r >= 1999.6));
    });

    it('keeps top rows in the full sort order: nulls, NaN, rounding ties', () => {
      const ids = (q: string) => twice(q).map((r) => Number((r[0] as bigint) - BASE));
      expect(ids('Big | top 3 by Id desc')).to.deep.equal([19_999, 19_998, 19_997]);
      expect(ids('Big | top 3 by Id asc')).to.deep.equal([0, 1, 2]);
      // Ascending: nulls first (i % 7 == 0), in input order.
      expect(ids('Big | top 4 by R asc')).to.deep.equal([0, 7, 14, 21]);
      // Ascending with nulls last: NaN first (i % 11 == 0 and not % 7), then the smallest numbers.
      expect(ids('Big | top 4 by R asc nulls last')).to.deep.equal([11, 22, 33, 44]);
      // 19,999 holds null (nulls last), 19,998 NaN (before numbers, so after them descending).
      expect(ids('Big | top 3 by R desc')).to.deep.equal([19_997, 19_996, 19_995]);
      for (const key of ['R', 'R asc', 'R desc nulls first', 'Id']) {
        expect(ids(`Big | top 25 by ${key}`), key).to.deep.equal(ids(`Big | order by ${key} | take 25`));
      }
    });
  });
});
