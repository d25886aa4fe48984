import { expect } from 'chai';
import { DAY, database, products, run, schemaOf, table, ticks } from './fixtures/database';

describe('KQL datatable, print, range, getschema and literals', () => {
  const db = database('Sources', [products()]);

  it('builds a table from datatable, converting values to the declared types', () => {
    const result = run(
      db,
      'datatable(a:long, b:real, c:string, d:dynamic)[1, 2, "x", dynamic({"k": [1]}), 3, 4.5, @"c:\\y", dynamic(null)]',
    );
    expect(schemaOf(result)).to.deep.equal(['a:long', 'b:real', 'c:string', 'd:dynamic']);
    expect(result.rows).to.deep.equal([
      [1n, 2, 'x', { k: [1] }],
      [3n, 4.5, 'c:\\y', null],
    ]);
  });

  it('prints one row, naming unnamed expressions print_N', () => {
    const result = run(db, 'print 1, x = "a", 2.5');
    expect(schemaOf(result)).to.deep.equal(['print_0:long', 'x:string', 'print_2:real']);
    expect(result.rows).to.deep.equal([[1n, 'a', 2.5]]);
  });

  it('reads every literal form into its type', () => {
    const result = run(
      db,
      'print a = int(7), b = 9223372036854775807, c = real(nan), d = decimal(1.25), e = true, f = datetime(2024-01-02 03:04:05.1234567), g = 1.5h, h = time(1.02:03:04), i = 10ms, j = guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642), k = long(null), l = ```multi\nline```, m = 0x1F, n = -2d',
    );
    expect(schemaOf(result)).to.deep.equal([
      'a:int',
      'b:long',
      'c:real',
      'd:decimal',
      'e:bool',
      'f:datetime',
      'g:timespan',
      'h:timespan',
      'i:timespan',
      'j:guid',
      'k:long',
      'l:string',
      'm:long',
      'n:timespan',
    ]);
    const [a, b, c, d, e, f, g, h, i, j, k, l, m, n] = result.rows[0];
    expect([a, b, d, e]).to.deep.equal([7, 9223372036854775807n, '1.25', true]);
    expect(Number.isNaN(c as number)).to.equal(true);
    expect(f).to.equal(ticks('2024-01-02T03:04:05Z') + 1_234_567n);
    expect([g, h, i]).to.deep.equal([54_000_000_000n, DAY + 73_840_000_000n, 100_000n]);
    expect([j, k, l, m, n]).to.deep.equal([
      '74be27de-1e4e-49d9-b579-fe0b331d3642',
      null,
      'multi\nline',
      31n,
      -2n * DAY,
    ]);
  });

  it('generates rows with range, inclusive of the end, for numbers and datetimes', () => {
    expect(run(db, 'range x from 1 to 7 step 3').rows).to.deep.equal([[1n], [4n], [7n]]);
    expect(run(db, 'range x from 5 to 1 step -2').rows).to.deep.equal([[5n], [3n], [1n]]);
    const t0 = ticks('2024-01-01T00:00:00Z');
    const days = run(db, 'range d from datetime(2024-01-01) to datetime(2024-01-02) step 12h');
    expect(schemaOf(days)).to.deep.equal(['d:datetime']);
    expect(days.rows).to.deep.equal([[t0], [t0 + DAY / 2n], [t0 + DAY]]);
  });

  it('describes a tabular input with getschema', () => {
    const result = run(db, 'Products | project ProductID, Name, Tags | getschema');
    expect(schemaOf(result)).to.deep.equal([
      'ColumnName:string',
      'ColumnOrdinal:long',
      'DataType:string',
      'ColumnType:string',
    ]);
    expect(result.rows).to.deep.equal([
      ['ProductID', 0n, 'System.Int64', 'long'],
      ['Name', 1n, 'System.String', 'string'],
      ['Tags', 2n, 'System.Object', 'dynamic'],
    ]);
  });

  it('uses the request now() for every call in the query', () => {
    const now = ticks('2024-05-01T12:00:00Z');
    const result = run(db, 'print a = now(), b = ago(1d), c = now() - now()', { now });
    expect(result.rows).to.deep.equal([[now, now - DAY, 0n]]);
  });

  it("answers ingestion_time() with the time of the row's extent", () => {
    const t1 = ticks('2024-02-01T00:00:00Z');
    const t2 = ticks('2024-03-01T00:00:00Z');
    const logs = table('Logs', 'n:long', [[1n]]);
    logs.extents[0].ingestionTime = t1;
    logs.extents.push({ ingestionTime: t2, rows: [[2n], [3n]], tags: [] });
    const local = database('Ingested', [logs]);
    expect(run(local, 'Logs | extend t = ingestion_time()').rows).to.deep.equal([
      [1n, t1],
      [2n, t2],
      [3n, t2],
    ]);
    expect(run(local, 'Logs | where ingestion_time() > datetime(2024-02-15) | count').rows).to.deep.equal([[2n]]);
  });

  it('names a tabular expression with as, for later reference in the same query', () => {
    const result = run(
      db,
      'Products | where Cost > 2.0 | as Pricey | join kind=leftsemi (Pricey | where Stock > 0) on ProductID | project Name',
    );
    expect(result.rows).to.deep.equal([['Eggplant']]);
  });
});
