import { expect } from 'chai';
import { column, database, run, schemaOf, expectNotSupported } from './fixtures/database';

// The examples and outputs of the KQL reference's aggregation pages (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/<name>-aggregation-function.md), run as published. Estimates (percentiles) are checked
// against the reference's stated error bounds, never against a copied number.
describe('emulator aggregation functions (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);

  it('stdev and variance use the sample (Bessel) formula (stdev-, variance-aggregation-function)', () => {
    const stdev = run(db, `range x from 1 to 5 step 1 | summarize make_list(x), stdev(x)`);
    expect(schemaOf(stdev)).to.deep.equal(['list_x:dynamic', 'stdev_x:real']);
    expect(stdev.rows[0][0]).to.deep.equal([1, 2, 3, 4, 5]);
    expect(stdev.rows[0][1]).to.be.closeTo(1.58113883008419, 1e-12);
    const variance = run(db, `range x from 1 to 5 step 1 | summarize make_list(x), variance(x)`);
    expect(variance.rows).to.deep.equal([[[1, 2, 3, 4, 5], 2.5]]);
    // The *if forms count only the rows whose predicate is true: {2, 3, 4, 5}.
    const conditional = run(db, `range x from 1 to 5 step 1 | summarize varianceif(x, x > 1), stdevif(x, x > 1)`);
    expect(conditional.rows[0][0]).to.be.closeTo(5 / 3, 1e-12);
    expect(conditional.rows[0][1]).to.be.closeTo(Math.sqrt(5 / 3), 1e-12);
  });

  it('over no rows: 0 for stdev, variance, sum and counts, NaN for avg, null for the rest (summarize-operator)', () => {
    const result = run(
      db,
      `datatable(x:long)[]
       | summarize any_x=take_any(x), arg_max_x=arg_max(x, *), arg_min_x=arg_min(x, *), avg(x), max(x), min(x),
                   percentile(x, 55), hll(x), stdev(x), sum(x), sumif(x, x > 0), variance(x)`,
    );
    expect(result.rows).to.deep.equal([[null, null, null, NaN, null, null, null, null, 0, 0n, 0n, 0]]);
  });

  it('make_bag merges the property bags of the group (make-bag-aggregation-function)', () => {
    const result = run(
      db,
      `let T = datatable(prop:string, value:string) ["prop01", "val_a", "prop02", "val_b", "prop03", "val_c"];
       T | extend p = bag_pack(prop, value) | summarize dict=make_bag(p)`,
    );
    expect(result.rows).to.deep.equal([[{ prop01: 'val_a', prop02: 'val_b', prop03: 'val_c' }]]);
  });

  it('make_list_with_nulls keeps nulls (make-list-with-nulls-aggregation-function)', () => {
    const result = run(
      db,
      `let shapes = datatable (name:string , sideCount: int) [
         "triangle", int(null), "square", 4, "rectangle", 4, "pentagon", 5, "hexagon", 6,
         "heptagon", 7, "octagon", 8, "nonagon", 9, "decagon", 10];
       shapes | summarize mylist = make_list_with_nulls(sideCount)`,
    );
    expect(schemaOf(result)).to.deep.equal(['mylist:dynamic']);
    expect(result.rows).to.deep.equal([[[null, 4, 4, 5, 6, 7, 8, 9, 10]]]);
  });

  it('take_anyif takes a value of a row whose predicate is true, null when none (take-anyif-aggregation-function)', () => {
    const storms = `datatable(EventType:string, EventNarrative:string, State:string) [
       "Hail", "hail the size of peas", "A",
       "Strong Wind", "a strong wind blew", "A",
       "Flood", "a flood", "B"]`;
    const result = run(db, `${storms} | summarize take_anyif(EventType, EventNarrative has 'strong wind')`);
    expect(schemaOf(result)).to.deep.equal(['EventType:string']);
    expect(result.rows).to.deep.equal([['Strong Wind']]);
    const byState = run(
      db,
      `${storms} | summarize t = take_anyif(EventType, EventNarrative has 'strong wind') by State | order by State asc`,
    );
    expect(column(byState, 't')).to.deep.equal(['Strong Wind', '']);
    // "attempts to return a non-null/non-empty value".
    const nonEmpty = run(
      db,
      `datatable(v:string, ok:bool) ["", true, "x", true, "y", false] | summarize take_anyif(v, ok)`,
    );
    expect(nonEmpty.rows).to.deep.equal([['x']]);
  });

  it('arg_max with several columns returns them from the row holding the maximum (arg-max-aggregation-function)', () => {
    const result = run(
      db,
      `datatable(State:string, BeginLat:real, BeginLocation:string, EventType:string) [
         "VERMONT", 44.5, "BURLINGTON", "Hail", "VERMONT", 45, "NORTH TROY", "Flood",
         "TEXAS", 36.4607, "DARROUZETT", "Tornado", "TEXAS", 30, "HOUSTON", "Heat"]
       | summarize arg_max(BeginLat, BeginLocation, EventType) by State`,
    );
    expect(schemaOf(result)).to.deep.equal([
      'State:string',
      'BeginLat:real',
      'BeginLocation:string',
      'EventType:string',
    ]);
    expect(result.rows).to.deep.equal([
      ['VERMONT', 45, 'NORTH TROY', 'Flood'],
      ['TEXAS', 36.4607, 'DARROUZETT', 'Tornado'],
    ]);
  });

  it('countof counts overlapping plain matches and non-overlapping regex matches (countof-function)', () => {
    const result = run(
      db,
      `print countof("aaa", "a"), countof("aaaa", "aa"), countof("ababa", "ab", "normal"), countof("ababa", "aba"),
             countof("ababa", "aba", "regex"), countof("abcabc", "a.c", "regex")`,
    );
    expect(result.rows).to.deep.equal([[3n, 3n, 2n, 2n, 1n, 2n]]);
  });

  it('percentile(s): 0 and 100 are the exact min and max; others within 1% of the rank (percentiles-aggregation-function)', () => {
    // 1000 distinct values in a scrambled order.
    const values = `range i from 0 to 999 step 1 | extend x = (i * 7919) % 1000 + 1`;
    const result = run(db, `${values} | summarize percentiles(x, 0, 5, 50, 95, 100), percentile(x, 50)`);
    expect(schemaOf(result)).to.deep.equal([
      'percentile_x_0:long',
      'percentile_x_5:long',
      'percentile_x_50:long',
      'percentile_x_95:long',
      'percentile_x_100:long',
      'percentile_x_501:long',
    ]);
    const [p0, p5, p50, p95, p100, median] = result.rows[0].map((v) => Number(v));
    expect(p0).to.equal(1);
    expect(p100).to.equal(1000);
    // "at least 49% and at most 51% of the values of X are less or equal to Xm": for 1..1000, Xm itself.
    for (const [p, v] of [
      [5, p5],
      [50, p50],
      [95, p95],
      [50, median],
    ]) {
      expect(v, `percentile ${p}`).to.be.within(10 * (p - 1), 10 * (p + 1));
    }
  });

  it('hll, hll_merge and dcount_hll count distinct values within the documented error (dcount-hll-function)', () => {
    // The reference's example over StormEvents, on 500 events with 120 distinct damage values in 10-minute bins.
    const storms = `range i from 0 to 499 step 1
       | extend StartTime = datetime(2007-01-01) + i * 3m, DamageProperty = (i * 37) % 120 * 1000`;
    const merged = run(
      db,
      `${storms} | summarize hllRes = hll(DamageProperty) by bin(StartTime,10m)
       | summarize hllMerged = hll_merge(hllRes) | project dcount_hll(hllMerged)`,
    );
    expect(schemaOf(merged)).to.deep.equal(['dcount_hll_hllMerged:long']);
    const exact = Number(run(db, `${storms} | summarize dcount(DamageProperty)`).rows[0][0]);
    expect(exact).to.equal(120);
    // Accuracy 1 (the default) counts up to 1000 values perfectly (the reference's estimation accuracy section).
    expect(merged.rows).to.deep.equal([[BigInt(exact)]]);
    // The shape the reference shows: [[1024,14],[hashes as text],[]].
    const one = run(
      db,
      `${storms} | summarize hll_DamageProperty = hll(DamageProperty) by bin(StartTime,10m) | take 1`,
    );
    const value = one.rows[0][1] as unknown[];
    expect(value[0]).to.deep.equal([1024, 14]);
    expect((value[1] as unknown[]).length).to.be.greaterThan(0);
    expect((value[1] as unknown[]).every((h) => typeof h === 'string' && /^-?\d+$/.test(h))).to.equal(true);
    expect(value[2]).to.deep.equal([]);
    // hll_if and the scalar hll_merge.
    const conditional = run(
      db,
      `range x from 1 to 10 step 1 | summarize a = hll_if(x, x <= 4), b = hll_if(x, x > 2)
       | project dcount_hll(a), dcount_hll(b), dcount_hll(hll_merge(a, b))`,
    );
    expect(conditional.rows).to.deep.equal([[4n, 8n, 10n]]);
    refused(`range x from 1 to 5 step 1 | summarize hll(x, 2)`, /hll\(\) with an accuracy other than 1/);
    refused(`print dcount_hll(dynamic([1, 2]))`, /dcount_hll\(\) of a value that is not an hll\(\) result/);
  });

  // tdigest, tdigest_merge, percentile_tdigest and percentiles_array: spec/kql/tdigestDocs.spec.ts.
});
