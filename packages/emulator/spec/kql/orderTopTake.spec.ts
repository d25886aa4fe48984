import { expect } from 'chai';
import { column, database, run, table } from './fixtures/database';

describe('KQL sort, top, take and distinct', () => {
  const db = database('Shop', [
    table('Items', 'Id:long, Name:string, Price:real, Tag:string', [
      [1n, 'b', 2.5, 'x'],
      [2n, 'a', null, 'y'],
      [3n, 'C', 1, 'x'],
      [4n, 'a', 7, 'x'],
      [5n, 'c', 2.5, 'y'],
    ]),
  ]);

  it('sorts descending with nulls last by default', () => {
    expect(column(run(db, 'Items | sort by Price'), 'Id')).to.deep.equal([4n, 1n, 5n, 3n, 2n]);
  });

  it('sorts ascending with nulls first by default', () => {
    expect(column(run(db, 'Items | order by Price asc'), 'Id')).to.deep.equal([2n, 3n, 1n, 5n, 4n]);
  });

  it('honours explicit nulls first / nulls last', () => {
    expect(column(run(db, 'Items | order by Price desc nulls first'), 'Id')).to.deep.equal([2n, 4n, 1n, 5n, 3n]);
    expect(column(run(db, 'Items | order by Price asc nulls last'), 'Id')).to.deep.equal([3n, 1n, 5n, 4n, 2n]);
  });

  it('sorts by several keys, stable for ties, strings ordinal (upper case first)', () => {
    expect(column(run(db, 'Items | order by Name asc, Id desc'), 'Id')).to.deep.equal([3n, 4n, 2n, 1n, 5n]);
  });

  it('takes the first rows with take and limit', () => {
    expect(column(run(db, 'Items | take 2'), 'Id')).to.deep.equal([1n, 2n]);
    expect(column(run(db, 'Items | limit 10'), 'Id')).to.have.length(5);
    expect(
      column(run(db, 'declare query_parameters (n:long); Items | take n', { parameters: { n: '1' } }), 'Id'),
    ).to.deep.equal([1n]);
  });

  it('returns the top rows by an expression, descending by default', () => {
    expect(column(run(db, 'Items | top 2 by Price'), 'Id')).to.deep.equal([4n, 1n]);
    expect(column(run(db, 'Items | top 2 by Price asc'), 'Id')).to.deep.equal([2n, 3n]);
    expect(column(run(db, 'Items | top 1 by Price asc nulls last'), 'Id')).to.deep.equal([3n]);
  });

  it('returns distinct combinations of columns and of *', () => {
    expect(run(db, 'Items | distinct Tag | order by Tag asc').rows).to.deep.equal([['x'], ['y']]);
    expect(run(db, 'Items | distinct Name, Tag | order by Name asc, Tag asc').rows).to.deep.equal([
      ['C', 'x'],
      ['a', 'x'],
      ['a', 'y'],
      ['b', 'x'],
      ['c', 'y'],
    ]);
    expect(run(db, 'Items | project Tag | distinct *').rows).to.deep.equal([['x'], ['y']]);
  });
});
