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

  it('leftouter: unmatched left rows with nulls on the right', () => {
    expect(join('leftouter')).to.deep.equal([
      ['a', 1n, null, null],
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
    ]);
  });

  it('rightouter: unmatched right rows with nulls on the left', () => {
    const rows = run(
      db,
      `${X} ${Y} X | join kind=rightouter Y on Key | order by Key1 asc, Value1 asc, Value2 asc`,
    ).rows;
    expect(rows).to.deep.equal([
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
      [null, null, 'd', 40n],
    ]);
  });

  it('fullouter: both sides kept', () => {
    const rows = run(
      db,
      `${X} ${Y} X | join kind=fullouter Y on Key | order by Value1 asc nulls last, Value2 asc`,
    ).rows;
    expect(rows).to.deep.equal([
      ['a', 1n, null, null],
      ['b', 2n, 'b', 10n],
      ['b', 3n, 'b', 10n],
      ['c', 4n, 'c', 20n],
      ['c', 4n, 'c', 30n],
      [null, null, 'd', 40n],
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
    expect(run(db, `${q} L | join kind=leftouter R on k`).rows).to.deep.equal([[null, 'left', null, null]]);
  });

  it('lookup extends the left rows with the right columns, without repeating the keys', () => {
    const q =
      "let Facts = datatable(Id:long, Code:string)[1, 'a', 2, 'b', 3, 'z']; let Dim = datatable(Code:string, Label:string)['a', 'Alpha', 'b', 'Beta'];";
    const outer = run(db, `${q} Facts | lookup Dim on Code`);
    expect(schemaOf(outer)).to.deep.equal(['Id:long', 'Code:string', 'Label:string']);
    expect(outer.rows).to.deep.equal([
      [1n, 'a', 'Alpha'],
      [2n, 'b', 'Beta'],
      [3n, 'z', null],
    ]);
    expect(run(db, `${q} Facts | lookup kind=inner Dim on Code`).rows).to.have.length(2);
    const renamed = run(db, `${q} Facts | lookup (Dim | project-rename C = Code) on $left.Code == $right.C`);
    expect(schemaOf(renamed)).to.deep.equal(['Id:long', 'Code:string', 'Label:string']);
  });
});
