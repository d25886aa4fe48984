import { expect } from 'chai';
import { column, database, expectNotSupported, run, schemaOf, table } from './fixtures/database';

// The examples and outputs of the KQL reference's mv-apply page (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/mv-apply-operator.md), run as published, then what the page states in words.
describe('KQL mv-apply (documented examples)', () => {
  const db = database('Apply', [
    table('T', 'Id:long, Metric:dynamic', [
      [1n, [0.5, 3.25, 2, 7.5]],
      [2n, [1.5]],
      [3n, []],
      [4n, null],
    ]),
  ]);

  it('expands into a subtable per row and runs the subquery on it (internal mv-expand)', () => {
    const result = run(
      db,
      `let data = datatable (index: int, Arr: dynamic) [0, dynamic([7]), 1, dynamic([6, 11, 7])];
       data | mv-apply Arr2=Arr to typeof(long) on (take 100)`,
    );
    expect(schemaOf(result)).to.deep.equal(['index:int', 'Arr:dynamic', 'Arr2:long']);
    expect(result.rows).to.deep.equal([
      [0, [7], 7n],
      [1, [6, 11, 7], 6n],
      [1, [6, 11, 7], 11n],
      [1, [6, 11, 7], 7n],
    ]);
  });

  it('gets the largest element of each array with top 1', () => {
    const result = run(
      db,
      `let data = datatable (index: int, Arr: dynamic) [0, dynamic([1, 5, 3]), 1, dynamic([10, 2, 5, 7])];
       data | mv-apply topElem=Arr to typeof(long) on (top 1 by topElem)`,
    );
    expect(schemaOf(result)).to.deep.equal(['index:int', 'Arr:dynamic', 'topElem:long']);
    expect(result.rows).to.deep.equal([
      [0, [1, 5, 3], 5n],
      [1, [10, 2, 5, 7], 10n],
    ]);
  });

  it('summarizes the top two elements of each array into a list', () => {
    const result = run(
      db,
      `let data = datatable (index: int, Arr: dynamic) [0, dynamic([5, 1, 3]), 1, dynamic([4, 10, 8, 7])];
       data | mv-apply Arr2=Arr to typeof(long) on (top 2 by Arr2 | summarize Top2=make_list(Arr2))`,
    );
    expect(schemaOf(result)).to.deep.equal(['index:int', 'Arr:dynamic', 'Top2:dynamic']);
    expect(result.rows).to.deep.equal([
      [0, [5, 1, 3], [5, 3]],
      [1, [4, 10, 8, 7], [10, 8]],
    ]);
  });

  it('expands two arrays in parallel and selects elements of one by the other', () => {
    const result = run(
      db,
      `datatable (Val:int, Arr1:dynamic, Arr2:dynamic)
       [ 1, dynamic(['A1', 'A2', 'A3']),       dynamic([10, 30, 7]),
         7, dynamic(['B1', 'B2', 'B5']),       dynamic([15, 11, 50]),
         3, dynamic(['C1', 'C2', 'C3', 'C4']), dynamic([6, 40, 20, 8])]
       | mv-apply NewArr1=Arr1, NewArr2=Arr2 to typeof(long) on (
           top 2 by NewArr2
           | summarize NewArr1=make_list(NewArr1), NewArr2=make_list(NewArr2))`,
    );
    expect(schemaOf(result)).to.deep.equal([
      'Val:int',
      'Arr1:dynamic',
      'Arr2:dynamic',
      'NewArr1:dynamic',
      'NewArr2:dynamic',
    ]);
    expect(result.rows).to.deep.equal([
      [1, ['A1', 'A2', 'A3'], [10, 30, 7], ['A2', 'A1'], [30, 10]],
      [7, ['B1', 'B2', 'B5'], [15, 11, 50], ['B5', 'B1'], [50, 15]],
      [3, ['C1', 'C2', 'C3', 'C4'], [6, 40, 20, 8], ['C2', 'C3'], [40, 20]],
    ]);
  });

  it('numbers the elements with with_itemindex, which the subquery can filter on', () => {
    const result = run(
      db,
      `let data = datatable (row: int, Arr: dynamic) [0, dynamic([5, 1, 3]), 1, dynamic([4, 10, 8, 7])];
       data | mv-apply with_itemindex=index value=Arr to typeof(long) on (where index >= 2)`,
    );
    expect(schemaOf(result)).to.deep.equal(['row:int', 'Arr:dynamic', 'value:long', 'index:long']);
    expect(result.rows).to.deep.equal([
      [0, [5, 1, 3], 3n, 2n],
      [1, [4, 10, 8, 7], 8n, 2n],
      [1, [4, 10, 8, 7], 7n, 3n],
    ]);
  });

  it('pads the shorter of two arrays with null, which strcat reads as empty', () => {
    const result = run(
      db,
      `datatable (Val: int, Arr1: dynamic, Arr2: dynamic)
       [1, dynamic(['A1', 'A2']), dynamic(['B1', 'B2', 'B3']), 5, dynamic(['C1', 'C2']), dynamic(['D1'])]
       | mv-apply T1=Arr1, T2=Arr2 on (extend Out = strcat(T1, "_", T2) | summarize Out= make_list(Out))`,
    );
    expect(schemaOf(result)).to.deep.equal(['Val:int', 'Arr1:dynamic', 'Arr2:dynamic', 'Out:dynamic']);
    expect(result.rows).to.deep.equal([
      [1, ['A1', 'A2'], ['B1', 'B2', 'B3'], ['A1_B1', 'A2_B2', '_B3']],
      [5, ['C1', 'C2'], ['D1'], ['C1_D1', 'C2_']],
    ]);
  });

  it('applies to a property bag, with an inner mv-expand kind=array', () => {
    const result = run(
      db,
      `datatable(Source: string, Target: string, Count: long)
       ['555-1234', '555-1212', 46, '555-2424', '', int(null)]
       | extend Pack = pack_all()
       | mv-apply removeProperties = Pack on (
           mv-expand kind = array Pack
           | where Pack[1] !startswith "555"
           | summarize propsToRemove = make_set(Pack[0]))
       | extend values = bag_remove_keys(Pack, propsToRemove)
       | project-away propsToRemove`,
    );
    expect(schemaOf(result)).to.deep.equal([
      'Source:string',
      'Target:string',
      'Count:long',
      'Pack:dynamic',
      'values:dynamic',
    ]);
    expect(result.rows).to.deep.equal([
      [
        '555-1234',
        '555-1212',
        46n,
        { Source: '555-1234', Target: '555-1212', Count: 46 },
        { Source: '555-1234', Target: '555-1212' },
      ],
      ['555-2424', '', null, { Source: '555-2424', Target: '', Count: null }, { Source: '555-2424' }],
    ]);
  });

  it('replaces an expanded column of the input by its typed elements (`T | mv-apply Metric to typeof(real) on (top 2 …)`)', () => {
    const result = run(db, 'T | mv-apply Metric to typeof(real) on (top 2 by Metric desc)');
    expect(schemaOf(result)).to.deep.equal(['Id:long', 'Metric:real']);
    // Row 3's empty array gives an empty subtable; row 4's null gives one row of null.
    expect(result.rows).to.deep.equal([
      [1n, 7.5],
      [1n, 3.25],
      [2n, 1.5],
      [4n, null],
    ]);
  });

  it('limits the elements expanded per row, and runs subqueries with summarize and where per row', () => {
    expect(
      run(db, 'T | where Id <= 2 | mv-apply m = Metric to typeof(real) limit 2 on (summarize s = sum(m), n = count())')
        .rows,
    ).to.deep.equal([
      [1n, [0.5, 3.25, 2, 7.5], 3.75, 2n],
      [2n, [1.5], 1.5, 1n],
    ]);
    const kept = run(db, 'T | mv-apply m = Metric to typeof(real) on (where m > 1 | take 1) | project Id, m');
    expect(kept.rows).to.deep.equal([
      [1n, 3.25],
      [2n, 1.5],
    ]);
  });

  it('makes elements that do not conform to the type null', () => {
    const result = run(db, `print a = dynamic([1, "x", 2.5]) | mv-apply v = a to typeof(long) on (project v)`);
    expect(column(result, 'v')).to.deep.equal([1n, null, null]);
  });

  it('computes a subquery toscalar per subtable', () => {
    const result = run(
      db,
      `T | where Id == 1 | mv-apply m = Metric to typeof(real) on (as S | extend share = m / toscalar(S | summarize sum(m)))
       | project m, share`,
    );
    expect(result.rows).to.deep.equal([
      [0.5, 0.5 / 13.25],
      [3.25, 3.25 / 13.25],
      [2, 2 / 13.25],
      [7.5, 7.5 / 13.25],
    ]);
  });

  it('refuses the forms it does not evaluate, by name', () => {
    expectNotSupported(db, 'T | mv-apply m = Metric on (fork (take 1) (take 2))', /'fork' operator/);
    // An empty array's subtable has no rows; whether Kusto runs `summarize` (one row) over it is not documented.
    expectNotSupported(
      db,
      'T | where Id == 3 | mv-apply m = Metric on (summarize n = count())',
      /'mv-apply' of an empty array with a subquery that produces rows from no rows/,
    );
  });
});
