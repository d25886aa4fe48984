import { expect } from 'chai';
import { database, run, schemaOf, table, ticks } from './fixtures/database';

describe('KQL mv-expand and parse', () => {
  const db = database('Expand', [
    table('Docs', 'a:long, b:dynamic, c:dynamic', [
      [1n, [10, 20], [5, 4, 3]],
      [2n, { p1: 'x', p2: 'y' }, []],
      [3n, [], []],
      [4n, null, [7]],
    ]),
    table('Logs', 'Line:string', [
      ['user=ann id=42 at=2024-01-02T03:04:05Z took=1.5'],
      ['user=bob id=x7 at=2024-01-02T03:04:05Z took=2'],
      ['garbage'],
    ]),
  ]);

  describe('mv-expand', () => {
    it('expands arrays into rows; null gives one row, an empty array none', () => {
      const result = run(db, 'Docs | where a != 2 | mv-expand b | project a, b');
      expect(schemaOf(result)).to.deep.equal(['a:long', 'b:dynamic']);
      expect(result.rows).to.deep.equal([
        [1n, 10],
        [1n, 20],
        [4n, null],
      ]);
    });

    it('expands property bags into single-entry bags, or [key, value] arrays with kind=array', () => {
      expect(run(db, 'Docs | where a == 2 | mv-expand b | project b').rows).to.deep.equal([
        [{ p1: 'x' }],
        [{ p2: 'y' }],
      ]);
      expect(run(db, 'Docs | where a == 2 | mv-expand kind=array b | project b').rows).to.deep.equal([
        [['p1', 'x']],
        [['p2', 'y']],
      ]);
      expect(run(db, 'Docs | where a == 2 | mv-expand bagexpansion=array b | project b').rows).to.have.length(2);
    });

    it('expands several columns in parallel, padding the shorter with null', () => {
      expect(run(db, 'Docs | where a == 1 | mv-expand b, c | project b, c').rows).to.deep.equal([
        [10, 5],
        [20, 4],
        [null, 3],
      ]);
    });

    it('types the expanded column with to typeof(), numbers the items with with_itemindex', () => {
      const result = run(
        db,
        'Docs | where a == 1 | mv-expand with_itemindex=i v = c to typeof(long) | project a, v, i',
      );
      expect(schemaOf(result)).to.deep.equal(['a:long', 'v:long', 'i:long']);
      expect(result.rows).to.deep.equal([
        [1n, 5n, 0n],
        [1n, 4n, 1n],
        [1n, 3n, 2n],
      ]);
    });

    it('limits the rows per input row', () => {
      expect(run(db, 'Docs | where a == 1 | mv-expand c limit 2 | project c').rows).to.deep.equal([[5], [4]]);
    });

    it('expands an expression into a new column', () => {
      const result = run(db, 'print x = 1 | mv-expand y = dynamic(["p", "q"])');
      expect(schemaOf(result)).to.deep.equal(['x:long', 'y:dynamic']);
      expect(result.rows).to.deep.equal([
        [1n, 'p'],
        [1n, 'q'],
      ]);
    });
  });

  describe('parse', () => {
    it('extracts typed columns between string constants, skipping with *', () => {
      const result = run(
        db,
        "Logs | parse Line with 'user=' user ' id=' id:long ' at=' at:datetime ' took=' took:real",
      );
      expect(schemaOf(result)).to.deep.equal(['Line:string', 'user:string', 'id:long', 'at:datetime', 'took:real']);
      expect(result.rows.map((r) => r.slice(1))).to.deep.equal([
        ['ann', 42n, ticks('2024-01-02T03:04:05Z'), 1.5],
        ['', null, null, null],
        ['', null, null, null],
      ]);
    });

    it('leaves every extracted column empty when a value does not convert (strict match)', () => {
      const result = run(db, "Logs | where Line has 'bob' | parse Line with * 'id=' id:long ' ' *");
      expect(result.rows[0].slice(1)).to.deep.equal([null]);
    });

    it('matches regular expressions with kind=regex, string columns greedy as in Kusto', () => {
      const result = run(db, "Logs | parse kind=regex Line with 'user=' user @'\\s+id=' id ' '");
      expect(result.rows.map((r) => r.slice(1))).to.deep.equal([
        ['ann', '42 at=2024-01-02T03:04:05Z'],
        ['bob', 'x7 at=2024-01-02T03:04:05Z'],
        ['', ''],
      ]);
    });

    it('refuses a kind Kusto does not have, naming the kinds it has', () => {
      expect(() => run(db, "Logs | parse kind=fuzzy Line with 'user=' user")).to.throw(/simple, regex, relaxed.*fuzzy/);
    });
  });
});
