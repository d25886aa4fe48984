import { expect } from 'chai';
import { database, run } from './fixtures/database';

// "The string data type doesn't support null values" (data-explorer/kusto/query/scalar-data-types/null-values.md):
// where an aggregate or toscalar() has no value to give a string result, the result is the empty string, which is
// not null, groups and compares with "" (outer joins and union: joins.spec.ts, union.spec.ts).
describe('KQL string results without a value are empty, never null', () => {
  const db = database('Strings', []);

  it('aggregates over no rows, or no row passing their predicate, give "" for strings', () => {
    const empty = run(
      db,
      `datatable(s:string, n:long)[]
       | summarize a = take_any(s), b = max(s), c = min(s), d = arg_max(n, s), e = maxif(s, true)`,
    );
    expect(empty.rows).to.deep.equal([['', '', '', null, '', '']]);
    const none = run(
      db,
      `datatable(s:string, k:long)["x", 1]
       | summarize a = take_anyif(s, false), b = maxif(s, false), c = minif(s, false) by k
       | extend isnull(b), isempty(b)`,
    );
    expect(none.rows).to.deep.equal([[1n, '', '', '', false, true]]);
  });

  it('toscalar() of no rows is "" for a string', () => {
    const result = run(db, 'print x = toscalar(datatable(s:string)[] | take 1) | extend isnull(x), isempty(x)');
    expect(result.rows).to.deep.equal([['', false, true]]);
  });
});
