import { expect } from 'chai';
import { database, run, schemaOf, table } from './fixtures/database';

describe('KQL union', () => {
  const db = database('Unions', [
    table('A', 'id:long, name:string', [
      [1n, 'a1'],
      [2n, 'a2'],
    ]),
    table('B', 'id:long, extra:real', [[3n, 0.5]]),
    table('C', 'id:string', [['c1']]),
  ]);

  it('appends rows, with the union of the columns (missing ones null, strings empty)', () => {
    const result = run(db, 'A | union B');
    expect(schemaOf(result)).to.deep.equal(['id:long', 'name:string', 'extra:real']);
    expect(result.rows).to.deep.equal([
      [1n, 'a1', null],
      [2n, 'a2', null],
      [3n, '', 0.5],
    ]);
  });

  it('starts a query with union of several tables', () => {
    expect(run(db, 'union A, B | count').rows).to.deep.equal([[3n]]);
  });

  it('names the source table in the withsource= column', () => {
    const result = run(db, 'union withsource=Source A, (B | as Bee) | project Source, id');
    expect(result.rows).to.deep.equal([
      ['A', 1n],
      ['A', 2n],
      ['Bee', 3n],
    ]);
  });

  it('splits a column whose type differs between inputs into name_type columns', () => {
    const result = run(db, 'A | union C | project-away name');
    expect(schemaOf(result)).to.deep.equal(['id_long:long', 'id_string:string']);
    expect(result.rows).to.deep.equal([
      [1n, ''],
      [2n, ''],
      [null, 'c1'],
    ]);
  });

  it("gives a leg's missing string column the empty string, which Kusto's strings have instead of null", () => {
    const result = run(db, 'A | union B | where id == 3 | project name, isnull(name), isempty(name), isnull(extra)');
    expect(result.rows).to.deep.equal([['', false, true, false]]);
    expect(run(db, 'A | union B | summarize count() by name | where name == ""').rows).to.deep.equal([['', 1n]]);
  });

  it('reports union kind=inner as not supported rather than answering differently', () => {
    expect(() => run(db, 'union kind=inner A, B')).to.throw(/kind=inner.*not supported by the emulator/);
  });
});
