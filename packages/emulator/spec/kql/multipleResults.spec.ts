import { expect } from 'chai';
import { database, products, run, runAll, schemaOf, column } from './fixtures/database';

// fork-operator.md, facet-operator.md, consume-operator.md, materialize-function.md, as-operator.md,
// getschema-operator.md, sample-operator.md, sample-distinct-operator.md.
describe('KQL fork, facet, consume, materialize, getschema, sample', () => {
  const db = database('Docs', [products()]);
  const sorted = (rows: unknown[][]): unknown[][] => [...rows].sort((a, b) => (String(a) < String(b) ? -1 : 1));

  it('fork: one result per leg, named by name= or a final as, each over the same input', () => {
    const results = runAll(
      db,
      'Products | where Stock > 0 | fork (summarize n = count()) Names=(project Name | order by Name asc) (top 1 by Cost desc | project Name | as Dearest)',
    );
    expect(results.map((r) => r.name)).to.deep.equal(['PrimaryResult', 'Names', 'Dearest']);
    expect(results[0].rows).to.deep.equal([[3n]]);
    expect(column(results[1], 'Name')).to.deep.equal(['Apple', 'Carrot', 'Eggplant']);
    expect(results[2].rows).to.deep.equal([['Eggplant']]);
  });

  it('facet: the with-table first, then per column its values and counts as Col, count_Col (the reference)', () => {
    const results = runAll(
      db,
      "Products | where Category != '' | facet by Category, Stock with (where Cost > 1.0 | project Name, Cost)",
    );
    expect(results.map(schemaOf)).to.deep.equal([
      ['Name:string', 'Cost:real'],
      ['Category:string', 'count_Category:long'],
      ['Stock:int', 'count_Stock:long'],
    ]);
    expect(results[0].rows).to.deep.equal([
      ['Apple', 1.5],
      ['Dates', 4],
    ]);
    expect(sorted(results[1].rows)).to.deep.equal([
      ['fruit', 3n],
      ['vegetable', 1n],
    ]);
    expect(sorted(results[2].rows)).to.deep.equal(
      sorted([
        [10, 1n],
        [null, 1n],
        [5, 1n],
        [0, 1n],
      ]),
    );
    expect(runAll(db, 'Products | facet by Category').length).to.equal(1);
  });

  it('consume: evaluates its input and returns no rows (the reference: "No rows to show")', () => {
    const results = runAll(db, 'Products | where Cost > 1 | consume; print done = 1');
    expect(results.map((r) => r.rows.length)).to.deep.equal([0, 1]);
    expect(results[0].columns).to.deep.equal([]);
  });

  it('materialize() and as hint.materialized=true evaluate their input once per query; a plain let or as at each use', () => {
    // rand() differs per evaluation: one distinct value means one evaluation, two mean two.
    const distinct = (query: string) => run(db, `${query} | summarize dcount(x)`).rows[0][0];
    expect(distinct('let r = materialize(print x = rand()); r | union r')).to.equal(1n);
    expect(distinct('let r = print x = rand(); r | union r')).to.equal(2n);
    expect(distinct('print x = rand() | as hint.materialized=true R | union R')).to.equal(1n);
    expect(distinct('print x = rand() | as R | union R')).to.equal(2n);
  });

  it("sample in a let is drawn at each use, once with materialize() (sample-operator.md's example)", () => {
    // The reference: two different rows (74, 63) without materialize, the same row twice (24, 24) with it.
    const twice = (query: string) => column(run(db, query), 'x');
    let differed = false;
    for (let i = 0; i < 20 && !differed; i++) {
      const [a, b] = twice(
        'let _data = range x from 1 to 100 step 1; let _sample = _data | sample 1; union (_sample), (_sample)',
      );
      differed = a !== b;
    }
    expect(differed, 'two draws of 1 in 100 differ at least once in 20 runs').to.equal(true);
    for (let i = 0; i < 20; i++) {
      const [a, b] = twice(
        'let _data = range x from 1 to 100 step 1; let _sample = materialize(_data | sample 1); union (_sample), (_sample)',
      );
      expect(a).to.equal(b);
    }
  });

  it('getschema: ColumnName, ColumnOrdinal (long, as the analysis types it), DataType (the .NET type), ColumnType', () => {
    const result = run(
      db,
      'datatable(StartTime:datetime, EpisodeId:int, State:string, BeginLat:real, StormSummary:dynamic, Id:long, T:timespan, G:guid, D:decimal)[] | getschema',
    );
    expect(schemaOf(result)).to.deep.equal([
      'ColumnName:string',
      'ColumnOrdinal:long',
      'DataType:string',
      'ColumnType:string',
    ]);
    expect(result.rows.map((r) => [r[0], Number(r[1]), r[2], r[3]])).to.deep.equal([
      ['StartTime', 0, 'System.DateTime', 'datetime'],
      ['EpisodeId', 1, 'System.Int32', 'int'],
      ['State', 2, 'System.String', 'string'],
      ['BeginLat', 3, 'System.Double', 'real'],
      ['StormSummary', 4, 'System.Object', 'dynamic'],
      ['Id', 5, 'System.Int64', 'long'],
      ['T', 6, 'System.TimeSpan', 'timespan'],
      ['G', 7, 'System.Guid', 'guid'],
      ['D', 8, 'System.Data.SqlTypes.SqlDecimal', 'decimal'],
    ]);
  });

  it('sample N: N distinct rows of the input, or all of them when it has fewer', () => {
    const names = column(run(db, 'Products | project Name'), 'Name');
    for (let i = 0; i < 20; i++) {
      const picked = column(run(db, 'Products | sample 3 | project Name'), 'Name');
      expect(picked).to.have.length(3);
      expect(new Set(picked).size).to.equal(3);
      for (const n of picked) expect(names).to.include(n);
    }
    expect(run(db, 'Products | sample 10').rows).to.have.length(5);
    expect(run(db, 'Products | sample 0').rows).to.have.length(0);
    const seen = new Set<unknown>();
    for (let i = 0; i < 60; i++) seen.add(run(db, 'Products | sample 1 | project Name').rows[0][0]);
    expect(seen.size, 'every row can be picked').to.equal(5);
  });

  it('sample-distinct N of Col: one column of up to N distinct values of Col', () => {
    for (let i = 0; i < 20; i++) {
      const result = run(db, 'Products | sample-distinct 2 of Category');
      expect(schemaOf(result)).to.deep.equal(['Category:string']);
      const values = column(result, 'Category');
      expect(values).to.have.length(2);
      expect(new Set(values).size).to.equal(2);
      for (const v of values) expect(['fruit', 'vegetable', '']).to.include(v);
    }
    expect(sorted(run(db, 'Products | sample-distinct 10 of Category').rows)).to.deep.equal(
      sorted([[''], ['fruit'], ['vegetable']]),
    );
  });

  it('sample-distinct feeds an in (…) filter, as the reference samples keys', () => {
    for (let i = 0; i < 10; i++) {
      const result = run(
        db,
        "let sampled = Products | where Category != '' | sample-distinct 1 of Category; Products | where Category in (sampled) | summarize n = count() by Category",
      );
      expect(result.rows).to.have.length(1);
      const [category, n] = result.rows[0];
      expect(n).to.equal(category === 'fruit' ? 3n : 1n);
    }
  });
});
