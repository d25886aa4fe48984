import { expect } from 'chai';
import { database, run, schemaOf } from './fixtures/database';

// make_bag's second example and its Returns rule (data-explorer/kusto/query/make-bag-aggregation-function.md); the
// first example is in aggregatesDocs.spec.ts.
describe('emulator make_bag (documented examples, continued)', () => {
  const db = database('Docs', []);
  const T = `let T = datatable(prop:string, value:string) ["prop01", "val_a", "prop02", "val_b", "prop03", "val_c"];`;

  it('bag_unpack turns the bag make_bag built into columns', () => {
    const result = run(
      db,
      `${T} T | extend p = bag_pack(prop, value) | summarize bag=make_bag(p) | evaluate bag_unpack(bag)`,
    );
    expect(schemaOf(result)).to.deep.equal(['prop01:string', 'prop02:string', 'prop03:string']);
    expect(result.rows).to.deep.equal([['val_a', 'val_b', 'val_c']]);
  });

  it('skips values that are not property bags, and nulls', () => {
    const result = run(
      db,
      `datatable(d:dynamic) [dynamic({"a": 1}), dynamic([1, 2]), dynamic("text"), dynamic(null), dynamic({"b": 2})]
       | summarize make_bag(d)`,
    );
    expect(result.rows).to.deep.equal([[{ a: 1, b: 2 }]]);
  });
});
