import { expect } from 'chai';
import { database, run, schemaOf } from './fixtures/database';

// The tables of Kusto's join documentation: X (a, b, b, c) and Y (b, c, c, d).
const X = "let X = datatable(Key:string, Value1:long) ['a', 1, 'b', 2, 'b', 3, 'c', 4];";
const Y = "let Y = datatable(Key:string, Value2:long) ['b', 10, 'c', 20, 'c', 30, 'd', 40];";

describe('KQL join and lookup', () => {
  const db = database('Joins', []);
  const join = (kind: string): unknown[][] =>
    run(db, `${X} ${Y} X | join kind=${kind} Y on Key | order by Key asc, Value1 asc nulls first, Value2 asc`).rows;

  it('defaults to innerunique: one left row per key, matched with every right row', () => {
    const result = run(db, `${X} ${Y} X | join Y on Key | order by Key asc, Value2 asc`);
    expect(schemaOf(result)).to.deep.equal(['Key:string', 'Value1:long', 'Key1:string', 'Value2:long']);
    expect(result.rows).to.have.length(3);
    expect(result.rows.map((r) => [r[0], r[3]])).to.deep.equal([
      ['b', 10n],
      ['c', 20n],
      ['c', 30n],
    ]);
  });

  it('inner: every matching pair', () => {
    expect(join('inner')).to.deep.equal([
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
    ]);
  });

  it('leftouter: unmatched left rows with nulls (strings empty) on the right', () => {
    expect(join('leftouter')).to.deep.equal([
      ['a', 1n, '', null],
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
    ]);
  });

  it('rightouter: unmatched right rows with nulls (strings empty) on the left', () => {
    const rows = run(
      db,
      `${X} ${Y} X | join kind=rightouter Y on Key | order by Key1 asc, Value1 asc, Value2 asc`,
    ).rows;
    expect(rows).to.deep.equal([
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
      ['', null, 'd', 40n],
    ]);
  });

  it('fullouter: both sides kept', () => {
    const rows = run(
      db,
      `${X} ${Y} X | join kind=fullouter Y on Key | order by Value1 asc nulls last, Value2 asc`,
    ).rows;
    expect(rows).to.deep.equal([
      ['a', 1n, '', null],
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
      ['', null, 'd', 40n],
    ]);
  });

  it('leftsemi and leftanti: left rows with and without a match, left columns only', () => {
    const semi = run(db, `${X} ${Y} X | join kind=leftsemi Y on Key`);
    expect(schemaOf(semi)).to.deep.equal(['Key:string', 'Value1:long']);
    expect(semi.rows).to.deep.equal([
      ['b', 2n],
      ['b', 3n],
      ['c', 4n],
    ]);
    expect(run(db, `${X} ${Y} X | join kind=leftanti Y on Key`).rows).to.deep.equal([['a', 1n]]);
    expect(run(db, `${X} ${Y} X | join kind=anti Y on Key`).rows).to.deep.equal([['a', 1n]]);
  });

  it('rightsemi and rightanti: right rows with and without a match, right columns only', () => {
    const semi = run(db, `${X} ${Y} X | join kind=rightsemi Y on Key`);
    expect(schemaOf(semi)).to.deep.equal(['Key:string', 'Value2:long']);
    expect(semi.rows).to.deep.equal([
      ['b', 10n],
      ['c', 20n],
      ['c', 30n],
    ]);
    expect(run(db, `${X} ${Y} X | join kind=rightanti Y on Key`).rows).to.deep.equal([['d', 40n]]);
  });

  it('joins on differently named columns with $left and $right, and on several keys', () => {
    const q =
      "let L = datatable(a:string, n:long)['x', 1, 'x', 2, 'y', 1]; let R = datatable(b:string, m:long, v:string)['x', 2, 'hit', 'y', 2, 'miss'];";
    const result = run(db, `${q} L | join kind=inner R on $left.a == $right.b and $left.n == $right.m`);
    expect(schemaOf(result)).to.deep.equal(['a:string', 'n:long', 'b:string', 'm:long', 'v:string']);
    expect(result.rows).to.deep.equal([['x', 2n, 'x', 2n, 'hit']]);
  });

  it('never matches null keys', () => {
    const q =
      'let L = datatable(k:long, l:string)[long(null), "left"]; let R = datatable(k:long, r:string)[long(null), "right"];';
    expect(run(db, `${q} L | join kind=inner R on k`).rows).to.deep.equal([]);
    expect(run(db, `${q} L | join kind=leftouter R on k`).rows).to.deep.equal([[null, 'left', null, '']]);
  });

  it('lookup extends the left rows with the right columns, without repeating the keys', () => {
    const q =
      "let Facts = datatable(Id:long, Code:string)[1, 'a', 2, 'b', 3, 'z']; let Dim = datatable(Code:string, Label:string)['a', 'Alpha', 'b', 'Beta'];";
    const outer = run(db, `${q} Facts | lookup Dim on Code`);
    expect(schemaOf(outer)).to.deep.equal(['Id:long', 'Code:string', 'Label:string']);
    expect(outer.rows).to.deep.equal([
      [1n, 'a', 'Alpha'],
      [2n, 'b', 'Beta'],
      [3n, 'z', ''],
    ]);
    expect(run(db, `${q} Facts | lookup kind=inner Dim on Code`).rows).to.have.length(2);
    const renamed = run(db, `${q} Facts | lookup (Dim | project-rename C = Code) on $left.Code == $right.C`);
    expect(schemaOf(renamed)).to.deep.equal(['Id:long', 'Code:string', 'Label:string']);
  });
});

// Kusto's string type has no null (scalar-data-types/null-values): an empty string is a value like any other, so it
// matches another empty string as a join key, and the string columns an outer join fills for a missing side are empty
// strings, not nulls (join-leftouter's example shows them blank). Null keys of other types never match.
describe('KQL join: empty string keys and the strings an outer join fills', () => {
  const db = database('Joins', []);
  const L = 'let L = datatable(k:string, a:long)["", 1, "x", 2, "y", 3];';
  const R = 'let R = datatable(k:string, b:long, s:string)["", 10, "p", "x", 20, "q", "", 30, "r"];';
  const leftouter = `${L} ${R} L | join kind=leftouter R on k`;

  it('leftouter matches an empty key with each empty key on the right', () => {
    const result = run(db, `${leftouter} | order by a asc, b asc`);
    expect(schemaOf(result)).to.deep.equal(['k:string', 'a:long', 'k1:string', 'b:long', 's:string']);
    expect(result.rows).to.deep.equal([
      ['', 1n, '', 10n, 'p'],
      ['', 1n, '', 30n, 'r'],
      ['x', 2n, 'x', 20n, 'q'],
      ['y', 3n, '', null, ''],
    ]);
  });

  it("an unmatched row's right strings are empty: not null, grouped and matched with other empty strings", () => {
    const checks = run(db, `${leftouter} | where a == 3 | project isnull(k1), isempty(k1), isnull(s), isnull(b)`);
    expect(checks.rows).to.deep.equal([[false, true, false, true]]);
    const groups = run(db, `${leftouter} | summarize n = count() by k1 | order by k1 asc`);
    expect(groups.rows).to.deep.equal([
      ['', 3n],
      ['x', 1n],
    ]);
    expect(run(db, `${leftouter} | where k1 == "" | count`).rows).to.deep.equal([[3n]]);
    const again = run(db, `${leftouter} | join kind=inner (datatable(k1:string, c:long)["", 5]) on k1 | count`);
    expect(again.rows).to.deep.equal([[3n]]);
  });

  it('rightouter, fullouter and lookup fill strings the same way; null long keys still never match', () => {
    const right = run(db, `${R} ${L} R | join kind=rightouter L on k | where a == 3`);
    expect(right.rows).to.deep.equal([['', null, '', 'y', 3n]]);
    const full = run(
      db,
      `${L} ${R} L | join kind=fullouter (R | where k != "") on k | where isnull(b) | order by a asc`,
    );
    expect(full.rows).to.deep.equal([
      ['', 1n, '', null, ''],
      ['y', 3n, '', null, ''],
    ]);
    const lookup = run(db, `${L} ${R} L | lookup (R | where k == "x") on k | order by a asc`);
    expect(lookup.rows).to.deep.equal([
      ['', 1n, null, ''],
      ['x', 2n, 20n, 'q'],
      ['y', 3n, null, ''],
    ]);
    const nullKeys = run(
      db,
      'datatable(k:long, a:long)[long(null), 1] | join kind=leftouter (datatable(k:long, b:string)[long(null), "n"]) on k',
    );
    expect(nullKeys.rows).to.deep.equal([[null, 1n, null, '']]);
  });
});
