import { expect } from 'chai';
import { column, database, run, schemaOf } from './fixtures/database';

// The examples and outputs of the KQL reference's mv-expand page (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/mv-expand-operator.md), run as published, then what the page states in words.
describe('KQL mv-expand (documented examples)', () => {
  const db = database('ExpandDocs', []);

  it('expands a single array column', () => {
    const result = run(
      db,
      `datatable (a: int, b: dynamic) [1, dynamic([10, 20]), 2, dynamic(['a', 'b'])] | mv-expand b`,
    );
    expect(schemaOf(result)).to.deep.equal(['a:int', 'b:dynamic']);
    expect(result.rows).to.deep.equal([
      [1, 10],
      [1, 20],
      [2, 'a'],
      [2, 'b'],
    ]);
  });

  it('expands a property bag into single-entry bags', () => {
    const result = run(
      db,
      `datatable (a: int, b: dynamic)
         [1, dynamic({"prop1": "a1", "prop2": "b1"}), 2, dynamic({"prop1": "a2", "prop2": "b2"})]
       | mv-expand b`,
    );
    expect(result.rows).to.deep.equal([
      [1, { prop1: 'a1' }],
      [1, { prop2: 'b1' }],
      [2, { prop1: 'a2' }],
      [2, { prop2: 'b2' }],
    ]);
  });

  it('expands a property bag into [key, value] pairs with kind=array (and bagexpansion=array)', () => {
    const query = (mode: string): string =>
      `datatable (a: int, b: dynamic)
         [1, dynamic({"prop1": "a1", "prop2": "b1"}), 2, dynamic({"prop1": "a2", "prop2": "b2"})]
       | mv-expand ${mode} b
       | extend key = b[0], val=b[1]`;
    const result = run(db, query('kind=array'));
    expect(schemaOf(result)).to.deep.equal(['a:int', 'b:dynamic', 'key:dynamic', 'val:dynamic']);
    expect(result.rows).to.deep.equal([
      [1, ['prop1', 'a1'], 'prop1', 'a1'],
      [1, ['prop2', 'b1'], 'prop2', 'b1'],
      [2, ['prop1', 'a2'], 'prop1', 'a2'],
      [2, ['prop2', 'b2'], 'prop2', 'b2'],
    ]);
    expect(run(db, query('bagexpansion=array')).rows).to.deep.equal(result.rows);
    expect(run(db, query('bagexpansion=bag')).rows.map((r) => r[1])).to.deep.equal([
      { prop1: 'a1' },
      { prop2: 'b1' },
      { prop1: 'a2' },
      { prop2: 'b2' },
    ]);
  });

  it('zips two columns, the shorter padded with null', () => {
    const result = run(
      db,
      `datatable (a: int, b: dynamic, c: dynamic)[1, dynamic({"prop1": "a", "prop2": "b"}), dynamic([5, 4, 3])]
       | mv-expand b, c`,
    );
    expect(schemaOf(result)).to.deep.equal(['a:int', 'b:dynamic', 'c:dynamic']);
    expect(result.rows).to.deep.equal([
      [1, { prop1: 'a' }, 5],
      [1, { prop2: 'b' }, 4],
      [1, null, 3],
    ]);
  });

  it('gives the Cartesian product when the columns are expanded one after the other', () => {
    const result = run(
      db,
      `datatable (a: int, b: dynamic, c: dynamic)[1, dynamic({"prop1": "a", "prop2": "b"}), dynamic([5, 6])]
       | mv-expand b
       | mv-expand c`,
    );
    expect(result.rows).to.deep.equal([
      [1, { prop1: 'a' }, 5],
      [1, { prop1: 'a' }, 6],
      [1, { prop2: 'b' }, 5],
      [1, { prop2: 'b' }, 6],
    ]);
  });

  it('types an expanded column with to typeof(), the others staying dynamic (getschema)', () => {
    const result = run(
      db,
      `datatable (a: string, b: dynamic, c: dynamic)["Constant", dynamic([1, 2, 3, 4]), dynamic([6, 7, 8, 9])]
       | mv-expand b, c to typeof(int)
       | getschema`,
    );
    expect(result.rows).to.deep.equal([
      ['a', 0n, 'System.String', 'string'],
      ['b', 1n, 'System.Object', 'dynamic'],
      ['c', 2n, 'System.Int32', 'int'],
    ]);
    const values = run(
      db,
      `datatable (a: string, b: dynamic, c: dynamic)["Constant", dynamic([1, 2, 3, 4]), dynamic([6, 7, 8, 9])]
       | mv-expand b, c to typeof(int)`,
    );
    expect(column(values, 'c')).to.deep.equal([6, 7, 8, 9]);
  });

  it('numbers the items with with_itemindex', () => {
    const result = run(
      db,
      `range x from 1 to 4 step 1 | summarize x = make_list(x) | mv-expand with_itemindex=Index x`,
    );
    expect(schemaOf(result)).to.deep.equal(['x:dynamic', 'Index:long']);
    expect(result.rows).to.deep.equal([
      [1, 0n],
      [2, 1n],
      [3, 2n],
      [4, 3n],
    ]);
  });

  it('casts without converting: elements of another type become null', () => {
    const result = run(db, `print a = dynamic([1, 2.5, "3", true, {"k": 1}]) | mv-expand x = a to typeof(real)`);
    expect(column(result, 'x')).to.deep.equal([1, 2.5, null, null, null]);
    const longs = run(db, `print a = dynamic([1, 2.5, "3", true]) | mv-expand x = a to typeof(long)`);
    expect(column(longs, 'x')).to.deep.equal([1n, null, null, null]);
  });

  it('expands several typed columns with an item index and a row limit', () => {
    const result = run(
      db,
      `print a = dynamic([1, 2, 3]), b = dynamic(["x"])
       | mv-expand with_itemindex=i a to typeof(long), b to typeof(string) limit 2`,
    );
    expect(schemaOf(result)).to.deep.equal(['a:long', 'b:string', 'i:long']);
    expect(result.rows).to.deep.equal([
      [1n, 'x', 0n],
      [2n, null, 1n],
    ]);
  });

  it('limits the legacy mvexpand to 128 rows per input row by default, mv-expand to 2147483647', () => {
    expect(run(db, 'print a = range(1, 200) | mvexpand a | count').rows).to.deep.equal([[128n]]);
    expect(run(db, 'print a = range(1, 200) | mvexpand a limit 150 | count').rows).to.deep.equal([[150n]]);
    expect(run(db, 'print a = range(1, 200) | mv-expand a | count').rows).to.deep.equal([[200n]]);
  });

  it('produces one row for null and none for an empty array or bag', () => {
    const result = run(
      db,
      `datatable (k: int, d: dynamic)[1, dynamic(null), 2, dynamic([]), 3, dynamic({}), 4, dynamic([7])]
       | mv-expand d`,
    );
    expect(result.rows).to.deep.equal([
      [1, null],
      [4, 7],
    ]);
  });
});
