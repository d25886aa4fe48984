import { expect } from 'chai';
import { column, database, products, run, schemaOf, table } from './fixtures/database';

describe('KQL where, project and extend', () => {
  const db = database('Store', [
    products(),
    table('Events', 'Id:long, Flag:bool, Score:long, Payload:dynamic', [
      [1n, true, 10n, { a: { b: 1 }, list: [10, 20, 30] }],
      [2n, false, null, { a: { b: 2 }, list: [] }],
      [3n, null, 30n, null],
    ]),
  ]);

  describe('where', () => {
    it('keeps the rows whose condition is true', () => {
      expect(column(run(db, 'Products | where Cost > 1.0 and Category == "fruit"'), 'Name')).to.deep.equal([
        'Apple',
        'Dates',
      ]);
    });

    it('drops rows whose condition is null', () => {
      expect(column(run(db, 'Events | where Flag'), 'Id')).to.deep.equal([1n]);
      expect(column(run(db, 'Events | where Score > 5'), 'Id')).to.deep.equal([1n, 3n]);
    });

    it('applies Kusto three-valued logic: false and null is false, true or null is true', () => {
      const result = run(
        db,
        'Events | where Id == 3 | project a = Flag and false, b = Flag or true, c = Flag and true',
      );
      expect(result.rows).to.deep.equal([[false, true, null]]);
    });

    it('compares strings case-sensitively with == and case-insensitively with =~', () => {
      expect(column(run(db, 'Products | where Name == "apple"'), 'Name')).to.deep.equal([]);
      expect(column(run(db, 'Products | where Name =~ "apple"'), 'Name')).to.deep.equal(['Apple']);
    });

    it('supports in, !in, in~ and !in~', () => {
      expect(column(run(db, 'Products | where ProductID in (1, 3)'), 'ProductID')).to.deep.equal([1n, 3n]);
      expect(column(run(db, 'Products | where ProductID !in (1, 3)'), 'ProductID')).to.deep.equal([2n, 4n, 5n]);
      expect(column(run(db, 'Products | where Name in ("apple", "Banana")'), 'Name')).to.deep.equal(['Banana']);
      expect(column(run(db, 'Products | where Name in~ ("apple", "BANANA")'), 'Name')).to.deep.equal([
        'Apple',
        'Banana',
      ]);
      expect(column(run(db, 'Products | where Name !in~ ("apple", "BANANA")'), 'Name')).to.deep.equal([
        'Carrot',
        'Dates',
        'Eggplant',
      ]);
    });

    it('takes in-lists from a subquery and from a dynamic array', () => {
      expect(
        column(run(db, 'Products | where ProductID in ((Events | where Score > 0 | project Id))'), 'Name'),
      ).to.deep.equal(['Apple', 'Carrot']);
      expect(column(run(db, 'Products | where ProductID in (dynamic([2, 4]))'), 'Name')).to.deep.equal([
        'Banana',
        'Dates',
      ]);
    });

    it('compares in-lists of mixed numeric types by value, never truncating', () => {
      expect(column(run(db, 'Products | where ProductID in (1, 2.5, 3.0)'), 'ProductID')).to.deep.equal([1n, 3n]);
      expect(column(run(db, 'Products | where ProductID in (dynamic([2, 2.5, "4"]))'), 'ProductID')).to.deep.equal([
        2n,
      ]);
      expect(
        column(run(db, 'Products | where ProductID in ((datatable(x:real)[2.5, 4.0]))'), 'ProductID'),
      ).to.deep.equal([4n]);
    });

    it('supports between and !between, inclusive', () => {
      expect(column(run(db, 'Products | where Cost between (0.75 .. 2.25)'), 'Name')).to.deep.equal([
        'Apple',
        'Carrot',
        'Eggplant',
      ]);
      expect(column(run(db, 'Products | where Cost !between (0.75 .. 2.25)'), 'Name')).to.deep.equal([
        'Banana',
        'Dates',
      ]);
    });

    it('supports has_any over terms', () => {
      expect(column(run(db, 'Products | where Category has_any ("vegetable", "nut")'), 'Name')).to.deep.equal([
        'Carrot',
      ]);
    });
  });

  describe('project', () => {
    it('selects, renames and computes columns with Kusto automatic names', () => {
      const result = run(
        db,
        'Products | where ProductID == 1 | project Name, Price = Cost * 2, ProductID + 1, strlen(Name)',
      );
      expect(schemaOf(result)).to.deep.equal(['Name:string', 'Price:real', 'Column1:long', 'strlen_Name:long']);
      expect(result.rows).to.deep.equal([['Apple', 3, 2n, 5n]]);
    });

    it('promotes int to long and long to real in arithmetic; long division truncates', () => {
      const result = run(
        db,
        'Products | where ProductID == 1 | project a = Stock + 1, b = ProductID / 2, c = ProductID / 2.0',
      );
      expect(schemaOf(result)).to.deep.equal(['a:long', 'b:long', 'c:real']);
      expect(result.rows).to.deep.equal([[11n, 0n, 0.5]]);
    });

    it('reads dynamic properties and elements (d.a, d["a"], d[0], negative indexes); missing ones are null', () => {
      const result = run(
        db,
        'Events | project Id, b = Payload.a.b, b2 = Payload["a"]["b"], head = Payload.list[0], tail = Payload.list[-1], none = Payload.nope',
      );
      expect(result.rows).to.deep.equal([
        [1n, 1, 1, 10, 30, null],
        [2n, 2, 2, null, null, null],
        [3n, null, null, null, null, null],
      ]);
    });
  });

  describe('project-away, project-keep, project-rename, project-reorder', () => {
    it('drops columns, with wildcards', () => {
      expect(schemaOf(run(db, 'Products | project-away Tags, C*'))).to.deep.equal([
        'ProductID:long',
        'Name:string',
        'Stock:int',
      ]);
    });

    it('keeps columns in table order', () => {
      expect(schemaOf(run(db, 'Products | project-keep Stock, Name'))).to.deep.equal(['Name:string', 'Stock:int']);
    });

    it('renames columns in place', () => {
      const result = run(db, 'Products | where ProductID == 2 | project-rename Id = ProductID, Title = Name');
      expect(schemaOf(result).slice(0, 3)).to.deep.equal(['Id:long', 'Title:string', 'Cost:real']);
      expect(result.rows[0].slice(0, 2)).to.deep.equal([2n, 'Banana']);
    });

    it('moves the named columns first', () => {
      expect(schemaOf(run(db, 'Products | project-reorder Cost, Name'))).to.deep.equal([
        'Cost:real',
        'Name:string',
        'ProductID:long',
        'Category:string',
        'Stock:int',
        'Tags:dynamic',
      ]);
    });
  });

  describe('extend', () => {
    it('appends several columns and replaces existing ones in place', () => {
      const result = run(
        db,
        'Products | where ProductID == 3 | project ProductID, Name, Cost | extend Cost = Cost * 4, Upper = toupper(Name), ProductID * 10',
      );
      expect(schemaOf(result)).to.deep.equal([
        'ProductID:long',
        'Name:string',
        'Cost:real',
        'Upper:string',
        'Column1:long',
      ]);
      expect(result.rows).to.deep.equal([[3n, 'Carrot', 3, 'CARROT', 30n]]);
    });

    it('evaluates every expression against the input row, as Kusto binds them', () => {
      const result = run(db, 'Products | where ProductID == 1 | project Cost | extend Cost = Cost * 2, Before = Cost');
      expect(result.rows).to.deep.equal([[3, 1.5]]);
    });

    it('replaces a column with a conversion named after it, and leaves it alone for a bare reference to it', () => {
      const result = run(db, 'Products | where ProductID == 1 | project Cost | extend tostring(Cost), Cost');
      expect(schemaOf(result)).to.deep.equal(['Cost:string']);
      expect(result.rows).to.deep.equal([['1.5']]);
    });

    it('can change the type of a replaced column', () => {
      const result = run(db, 'Products | where ProductID == 1 | project Cost | extend Cost = tostring(Cost)');
      expect(schemaOf(result)).to.deep.equal(['Cost:string']);
      expect(result.rows).to.deep.equal([['1.5']]);
    });

    it('names unnamed dynamic accesses after the path', () => {
      const result = run(db, 'Events | where Id == 1 | project Payload | extend Payload.a.b');
      expect(schemaOf(result)).to.deep.equal(['Payload:dynamic', 'Payload_a_b:dynamic']);
      expect(column(result, 'Payload_a_b')).to.deep.equal([1]);
    });
  });
});
