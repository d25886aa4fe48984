import { expect } from 'chai';
import { column, database, run, schemaOf, expectNotSupported } from './fixtures/database';

// tdigest(), tdigest_merge(), percentile_tdigest(), percentiles_array_tdigest() and percentiles_array()
// (data-explorer/kusto/query/tdigest-aggregation-function.md, tdigest-merge-aggregation-function.md,
// percentile-tdigest-function.md, percentile-array-tdigest-function.md, percentiles-aggregation-function.md), run on a
// small StormEvents. The reference says a digest's representation may change and that percentiles are estimates
// within 1% of the rank, with 0 and 100 the exact minimum and maximum: the specs check the shape the reference shows
// and those bounds, never a copied number.
describe('emulator tdigest and percentiles_array (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);
  const storms = `let StormEvents = datatable(State:string, DamageProperty:int, EndTime:datetime) [
       "NEBRASKA", 0, datetime(2007-01-02), "NEBRASKA", 800, datetime(2007-03-01), "NEBRASKA", 0, datetime(2007-02-01),
       "NEBRASKA", 5000, datetime(2007-04-01), "NEBRASKA", 0, datetime(2007-05-01),
       "KANSAS", 200, datetime(2007-06-01), "KANSAS", 62000000, datetime(2007-12-31 23:59),
       "KANSAS", 200, datetime(2007-07-01),
       "OREGON", 1000, datetime(2007-08-01)];`;

  it('tdigest gives [[7],[values],[weights]] for an int column: each value with its count (tdigest-aggregation-function)', () => {
    const result = run(db, `${storms} StormEvents | summarize tdigest(DamageProperty) by State | order by State asc`);
    expect(schemaOf(result)).to.deep.equal(['State:string', 'tdigest_DamageProperty:dynamic']);
    const expected: Record<string, Map<number, number>> = {
      KANSAS: new Map([
        [200, 2],
        [62000000, 1],
      ]),
      NEBRASKA: new Map([
        [0, 3],
        [800, 1],
        [5000, 1],
      ]),
      OREGON: new Map([[1000, 1]]),
    };
    for (const [state, digest] of result.rows as [string, [number[], number[], number[]]][]) {
      expect(digest, state).to.have.length(3);
      expect(digest[0], state).to.deep.equal([7]);
      const counts = new Map(digest[1].map((v, i) => [v, digest[2][i]]));
      expect(counts, state).to.deep.equal(expected[state]);
    }
    // Over no rows tdigest is null (summarize-operator's default values example).
    expect(run(db, 'datatable(x:long)[] | summarize tdigest(x)').rows).to.deep.equal([[null]]);
  });

  it('tdigest_merge (merge_tdigest) merges the digests of the group (tdigest-merge-aggregation-function)', () => {
    const merged = run(
      db,
      `${storms} StormEvents | summarize PreAggDamageProperty=tdigest(DamageProperty) by State
       | summarize tdigest_merge(PreAggDamageProperty)`,
    );
    expect(schemaOf(merged)).to.deep.equal(['merge_tdigests_PreAggDamageProperty:dynamic']);
    const whole = run(db, `${storms} StormEvents | summarize tdigest(DamageProperty)`);
    const counts = (d: unknown): Map<unknown, unknown> => {
      const [, values, weights] = d as [unknown, unknown[], unknown[]];
      return new Map(values.map((v, i) => [v, weights[i]]));
    };
    expect(counts(merged.rows[0][0])).to.deep.equal(counts(whole.rows[0][0]));
    const alias = run(
      db,
      `${storms} StormEvents | summarize t=tdigest(DamageProperty) by State | summarize m = merge_tdigest(t)
       | project percentile_tdigest(m, 100)`,
    );
    expect(alias.rows).to.deep.equal([[62000000]]);
  });

  it('percentile_tdigest: 100 is the exact maximum, a type literal types the result (percentile-tdigest-function)', () => {
    const result = run(
      db,
      `${storms} StormEvents | summarize tdigestRes = tdigest(DamageProperty) by State | order by State asc
       | project percentile_tdigest(tdigestRes, 100)`,
    );
    expect(schemaOf(result)).to.deep.equal(['percentile_tdigest_tdigestRes:dynamic']);
    expect(column(result, 'percentile_tdigest_tdigestRes')).to.deep.equal([62000000, 5000, 1000]);
    const typed = run(
      db,
      `${storms} StormEvents | summarize t = tdigest(DamageProperty), e = tdigest(EndTime)
       | project p0 = percentile_tdigest(t, 0, typeof(int)), p50 = percentile_tdigest(t, 50, typeof(int)),
                 latest = percentile_tdigest(e, 100, typeof(datetime))`,
    );
    expect(schemaOf(typed)).to.deep.equal(['p0:int', 'p50:int', 'latest:datetime']);
    const [p0, p50, latest] = typed.rows[0];
    expect(p0).to.equal(0);
    // Nine values 0,0,0,200,200,800,1000,5000,62000000: the median's rank is 5 of 9 (within 1% of the rank: exact here).
    expect(p50).to.equal(200);
    expect(latest).to.equal(BigInt(Date.parse('2007-12-31T23:59:00Z')) * 10_000n);
  });

  it('percentiles_array_tdigest gives the percentiles in one array (percentile-array-tdigest-function)', () => {
    const result = run(
      db,
      `${storms} StormEvents | summarize tdigestRes = tdigest(DamageProperty) by State | order by State asc
       | project percentiles_array_tdigest(tdigestRes, 0, 50, 100)`,
    );
    expect(schemaOf(result)).to.deep.equal(['percentile_tdigest_tdigestRes:dynamic']);
    expect(result.rows).to.deep.equal([[[200, 200, 62000000]], [[0, 0, 5000]], [[1000, 1000, 1000]]]);
  });

  it('percentiles_array: integers as numbers, reals as the texts the reference shows, within 1% of the rank (percentiles-aggregation-function)', () => {
    // 1000 distinct reals in a scrambled order: the value of rank r is r/1000.
    const values = `range i from 0 to 999 step 1 | extend Value = todouble((i * 7919) % 1000 + 1) / 1000`;
    const result = run(
      db,
      `${values} | summarize percentiles_array(Value, 5, 25, 50, 75, 95), avg(Value),
                              b = percentiles_array(Value, dynamic([5, 25, 50, 75, 95])),
                              c = percentiles_array(Value, range(5, 95, 45))`,
    );
    expect(schemaOf(result)).to.deep.equal(['percentiles_Value:dynamic', 'avg_Value:real', 'b:dynamic', 'c:dynamic']);
    const texts = result.rows[0][0] as string[];
    expect(texts).to.have.length(5);
    [5, 25, 50, 75, 95].forEach((p, i) => {
      expect(texts[i], `percentile ${p}`)
        .to.be.a('string')
        .and.match(/^0\.\d+$/);
      // "at least p-1% and at most p+1% of the values are less or equal" to the estimate.
      expect(Number(texts[i]), `percentile ${p}`).to.be.within((p - 1) / 100, (p + 1) / 100);
    });
    expect(result.rows[0][2]).to.deep.equal(texts);
    expect(result.rows[0][3]).to.deep.equal([texts[0], texts[2], texts[4]]);
    // The reference's texts carry 17 significant digits (.NET's G17): 0.1 is 0.10000000000000001.
    expect(run(db, 'print x = 0.1 | summarize percentiles_array(x, 50)').rows).to.deep.equal([
      [['0.10000000000000001']],
    ]);
    const longs = run(db, 'range x from 1 to 100 step 1 | summarize percentiles_array(x, 0, 50, 100) by k = x % 2');
    expect(longs.rows).to.deep.equal([
      [1n, [1, 49, 99]],
      [0n, [2, 50, 100]],
    ]);
  });

  it('tdigest(expr, weight) counts each value weight times (tdigest-aggregation-function syntax)', () => {
    // The percentilesw reference's buckets: latencies 10, 20, 30, 40 ms seen 8, 6, 3 and 1 times.
    const result = run(
      db,
      `datatable (ReqCount:long, LatencyBucket:long) [8, 10, 6, 20, 3, 30, 1, 40]
       | summarize t = tdigest(LatencyBucket, ReqCount)
       | project t, p50 = percentile_tdigest(t, 50, typeof(long)), p75 = percentile_tdigest(t, 75, typeof(long)),
                 p99 = percentile_tdigest(t, 99.9, typeof(long))`,
    );
    const [digest, p50, p75, p99] = result.rows[0];
    expect(digest).to.deep.equal([['long'], [10, 20, 30, 40], [8, 6, 3, 1]]);
    // Of 18 values, ranks 9, 14 and 18: 20, 20 and 40 (the percentilesw example's result).
    expect([p50, p75, p99]).to.deep.equal([20n, 20n, 40n]);
    refused('datatable(x:long, w:long)[1, 0] | summarize tdigest(x, w)', /tdigest\(\) with the weight 0/);
  });

  it('refuses the forms the reference does not show', () => {
    refused(
      'range x from 1 to 3 step 1 | summarize percentiles_array(totimespan(x * 1s), 50)',
      /percentiles_array\(\) of a timespan value/,
    );
    refused(
      `${storms} StormEvents | summarize t = tdigest(DamageProperty) | union (StormEvents | summarize t = tdigest(EndTime))
       | summarize tdigest_merge(t)`,
      /tdigest_merge\(\) of tdigests of different types \(int and datetime\)/,
    );
    refused(
      `${storms} StormEvents | summarize t = tdigest(EndTime) | project percentile_tdigest(t, 50)`,
      /percentile_tdigest\(\) of a datetime tdigest without a type literal/,
    );
    refused(
      `${storms} StormEvents | summarize t = tdigest(DamageProperty) | project percentile_tdigest(t, 50, typeof(long))`,
      /percentile_tdigest\(\) of a int tdigest as long/,
    );
    refused(
      'print percentile_tdigest(dynamic([1, 2]), 50)',
      /percentile_tdigest\(\) of a value that is not a tdigest\(\) result/,
    );
    refused('datatable(x:long)[] | summarize percentiles_array(x, 50)', /percentiles_array\(\) over no values/);
    // Where .NET's G17 text takes an exponent (1.0000000000000001E-05), which the reference does not show.
    refused('print x = 0.00001 | summarize percentiles_array(x, 50)', /percentiles_array\(\) of the real 0\.00001/);
  });
});
