import { expect } from 'chai';
import { column, DAY, database, products, run, schemaOf, table, ticks } from './fixtures/database';

describe('KQL summarize and aggregates', () => {
  const t0 = ticks('2024-01-01T00:00:00Z');
  const db = database('Sales', [
    products(),
    table('Orders', 'OrderId:long, Region:string, Amount:real, Qty:long, At:datetime, Rep:string', [
      [1n, 'east', 10, 1n, t0, 'ann'],
      [2n, 'east', 30, 3n, t0 + DAY / 2n, 'bob'],
      [3n, 'west', 20, 2n, t0 + DAY, 'ann'],
      [4n, 'west', null, null, t0 + DAY + 1n, 'cy'],
      [5n, '', 5, 1n, t0 + 2n * DAY, 'bob'],
    ]),
    table('Empty', 'x:long', []),
  ]);

  it('names aggregates as Kusto does and types them', () => {
    const result = run(db, 'Orders | summarize count(), sum(Amount), avg(Amount), min(Qty), max(At), dcount(Rep)');
    expect(schemaOf(result)).to.deep.equal([
      'count_:long',
      'sum_Amount:real',
      'avg_Amount:real',
      'min_Qty:long',
      'max_At:datetime',
      'dcount_Rep:long',
    ]);
    expect(result.rows).to.deep.equal([[5n, 65, 16.25, 1n, t0 + 2n * DAY, 3n]]);
  });

  it('groups by keys, keys first, in order of first appearance', () => {
    const result = run(db, 'Orders | summarize n = count(), total = sum(Qty) by Region');
    expect(schemaOf(result)).to.deep.equal(['Region:string', 'n:long', 'total:long']);
    expect(result.rows).to.deep.equal([
      ['east', 2n, 4n],
      ['west', 2n, 2n],
      ['', 1n, 1n],
    ]);
  });

  it('groups by bin() of a datetime', () => {
    const result = run(db, 'Orders | summarize count() by bin(At, 1d)');
    expect(schemaOf(result)).to.deep.equal(['At:datetime', 'count_:long']);
    expect(result.rows).to.deep.equal([
      [t0, 2n],
      [t0 + DAY, 2n],
      [t0 + 2n * DAY, 1n],
    ]);
  });

  it('puts null keys in a group of their own', () => {
    const result = run(db, 'Products | summarize count() by Stock > 2');
    expect(result.rows).to.deep.equal([
      [true, 3n],
      [null, 1n],
      [false, 1n],
    ]);
  });

  it('supports the conditional aggregates', () => {
    const result = run(
      db,
      'Orders | summarize countif(Amount > 10), sumif(Amount, Region == "east"), avgif(Amount, Region == "east"), dcountif(Rep, Qty > 1)',
    );
    expect(result.rows).to.deep.equal([[2n, 40, 20, 2n]]);
  });

  it('collects lists and sets, ignoring nulls', () => {
    const result = run(
      db,
      'Orders | summarize make_list(Qty), make_set(Rep), make_list(Amount, 2) by Region | where Region != ""',
    );
    expect(schemaOf(result)).to.deep.equal([
      'Region:string',
      'list_Qty:dynamic',
      'set_Rep:dynamic',
      'list_Amount:dynamic',
    ]);
    expect(result.rows).to.deep.equal([
      ['east', [1, 3], ['ann', 'bob'], [10, 30]],
      ['west', [2], ['ann', 'cy'], [20]],
    ]);
  });

  it('returns the row of the extreme value with arg_max and arg_min', () => {
    const result = run(
      db,
      'Orders | summarize arg_max(Amount, OrderId, Rep), arg_min(Amount, *) by Region | where Region == "east"',
    );
    expect(schemaOf(result)).to.deep.equal([
      'Region:string',
      'Amount:real',
      'OrderId:long',
      'Rep:string',
      'Amount1:real',
      'OrderId1:long',
      'Qty:long',
      'At:datetime',
      'Rep1:string',
    ]);
    expect(result.rows).to.deep.equal([['east', 30, 2n, 'bob', 10, 1n, 1n, t0, 'ann']]);
  });

  it('takes any value with take_any and any', () => {
    const result = run(db, 'Orders | where Region == "west" | summarize take_any(Rep), any(OrderId)');
    expect(schemaOf(result)).to.deep.equal(['Rep:string', 'any_OrderId:long']);
    expect(result.rows).to.have.length(1);
  });

  it('computes exact percentiles (nearest rank)', () => {
    const result = run(db, 'Orders | summarize percentile(Amount, 50), percentiles(Qty, 0, 100)');
    expect(schemaOf(result)).to.deep.equal([
      'percentile_Amount_50:real',
      'percentile_Qty_0:long',
      'percentile_Qty_100:long',
    ]);
    expect(result.rows).to.deep.equal([[10, 1n, 3n]]);
  });

  it('computes expressions over aggregates', () => {
    const result = run(db, 'Orders | summarize avgPerUnit = sum(Amount) / sum(Qty), twice = count() * 2');
    expect(result.rows).to.deep.equal([[65 / 7, 10n]]);
  });

  it('returns the grouping keys only when there are no aggregates', () => {
    expect(run(db, 'Orders | summarize by Rep').rows).to.deep.equal([['ann'], ['bob'], ['cy']]);
  });

  it('gives one row of defaults over empty input without keys, and no rows with keys', () => {
    const result = run(db, 'Empty | summarize count(), sum(x), avg(x), max(x), make_list(x), dcount(x)');
    expect(result.rows).to.have.length(1);
    const [count, sum, avg, max, list, dcount] = result.rows[0];
    expect([count, sum, max, list, dcount]).to.deep.equal([0n, 0n, null, [], 0n]);
    expect(Number.isNaN(avg as number)).to.equal(true);
    expect(run(db, 'Empty | summarize count() by x').rows).to.deep.equal([]);
  });

  it('counts with count operator', () => {
    const result = run(db, 'Orders | where Amount > 5 | count');
    expect(schemaOf(result)).to.deep.equal(['Count:long']);
    expect(column(result, 'Count')).to.deep.equal([3n]);
  });
});
