import { expect } from 'chai';
import { column, database, expectNotSupported, run, schemaOf, table } from './fixtures/database';
import { fromJson, fromText, parseParameterValue } from '../../lib/values/valueReaders';
import { toJson, toText } from '../../lib/values/valueWriters';

// Kusto's decimal (MicrosoftDocs/dataexplorer-docs, data-explorer/kusto/query/scalar-data-types/decimal.md and
// todecimal-function.md): a 128-bit decimal with the representation of .NET's SqlDecimal, computed exactly. The
// emulator holds 38 significant digits (SqlDecimal's maximum precision), rounds what needs more halves away from
// zero, and refuses a result outside ±(10^38 - 1).
describe('emulator decimal (exact decimal arithmetic)', () => {
  const db = database('Docs', [
    table('Prices', 'Item:string, Price:decimal, Qty:long', [
      ['a', '0.1', 3n],
      ['b', '0.2', 1n],
      ['c', '19.99', 2n],
      ['d', null, 5n],
    ]),
  ]);
  const one = (query: string): unknown => run(db, query).rows[0][0];

  it('reads the documented literal forms: decimal(1.0), decimal(0.1), decimal(1e5) is 100,000, decimal(null) (decimal)', () => {
    const result = run(db, 'print a = decimal(1.0), b = decimal(0.1), c = decimal(1e5), d = decimal(null)');
    expect(schemaOf(result)).to.deep.equal(['a:decimal', 'b:decimal', 'c:decimal', 'd:decimal']);
    expect(result.rows).to.deep.equal([['1', '0.1', '100000', null]]);
  });

  it("gives todecimal('123.45678') == decimal(123.45678) as true, and null where conversion fails (todecimal-function)", () => {
    expect(one(`print todecimal("123.45678") == decimal(123.45678)`)).to.equal(true);
    expect(one(`print todecimal("abc")`)).to.equal(null);
    const converted = run(
      db,
      `print s = todecimal(' 2.50 '), l = todecimal(9223372036854775807), r = todecimal(0.1), b = todecimal(true),
             d = todecimal(dynamic(1.25)), ds = todecimal(dynamic("0.3"))`,
    );
    expect(converted.rows).to.deep.equal([['2.5', '9223372036854775807', '0.1', '1', '1.25', '0.3']]);
  });

  it('adds decimal(0.1) and decimal(0.2) to exactly 0.3, where real gives 0.30000000000000004', () => {
    const result = run(
      db,
      'print d = decimal(0.1) + decimal(0.2), r = 0.1 + 0.2, equal = decimal(0.1) + decimal(0.2) == decimal(0.3)',
    );
    expect(schemaOf(result)).to.deep.equal(['d:decimal', 'r:real', 'equal:bool']);
    expect(result.rows).to.deep.equal([['0.3', 0.30000000000000004, true]]);
  });

  it('computes + - * / % and unary minus exactly, with long, int and real operands as decimal', () => {
    const result = run(
      db,
      `print sub = decimal(1) - decimal(0.9), mul = decimal(1.1) * decimal(1.1), div = decimal(1) / decimal(8),
             third = decimal(1) / decimal(3), modp = decimal(7.5) % 2, modn = decimal(-7.5) % 2,
             neg = -decimal(2.5), withLong = decimal(0.1) * 3, withInt = int(2) + decimal(0.5),
             withReal = decimal(0.1) + 0.2, big = decimal(12345678901234567890.123456789) * 2`,
    );
    expect(schemaOf(result).every((c) => c.endsWith(':decimal'))).to.equal(true);
    expect(result.rows).to.deep.equal([
      [
        '0.1',
        '1.21',
        '0.125',
        // 38 significant digits, as SqlDecimal's maximum precision.
        '0.33333333333333333333333333333333333333',
        '1.5',
        // Kusto's modulo is never negative: 0 <= N % D < |D| (numerical-operators).
        '0.5',
        '-2.5',
        '0.3',
        '2.5',
        '0.3',
        '24691357802469135780.246913578',
      ],
    ]);
  });

  it('gives null for a zero divisor and refuses a result outside the decimal range', () => {
    expect(run(db, 'print decimal(1) / 0, decimal(1) % decimal(0)').rows).to.deep.equal([[null, null]]);
    expect(one('print decimal(null) + 1')).to.equal(null);
    expectNotSupported(db, 'print decimal(99999999999999999999999999999999999999) + 1', /decimal result outside/);
  });

  it('compares exactly with decimal, long and int, and as real with real', () => {
    const result = run(
      db,
      `print a = decimal(0.1) + decimal(0.2) == decimal(0.3), b = decimal(2) == 2, c = decimal(2.5) > 2,
             d = decimal(1.5) < decimal(1.50000000000000000000000000001), e = decimal(1.5) != decimal(1.50),
             f = decimal(0.5) == 0.5, g = decimal(3) in (1, 2, 3), h = decimal(0.3) in (decimal(0.1) + decimal(0.2)),
             i = decimal(null) == decimal(null)`,
    );
    expect(result.rows).to.deep.equal([[true, true, true, true, false, true, true, true, null]]);
    expect(
      column(run(db, 'Prices | where Price > decimal(0.1) | project Item'), 'Item'),
      'a row equal to the bound is not greater',
    ).to.deep.equal(['b', 'c']);
    expect(column(run(db, 'Prices | where Price <= 0.2 | project Item'), 'Item')).to.deep.equal(['a', 'b']);
  });

  it('orders, groups and joins decimals by value', () => {
    const data = `datatable(d:decimal, k:string) [0.10, 'a', 0.1, 'b', 2, 'c', 0.3, 'd', decimal(null), 'e']`;
    expect(column(run(db, `${data} | order by d asc`), 'k')).to.deep.equal(['e', 'a', 'b', 'd', 'c']);
    const groups = run(db, `${data} | summarize n = count() by d | order by d desc`);
    expect(groups.rows).to.deep.equal([
      ['2', 1n],
      ['0.3', 1n],
      ['0.1', 2n],
      [null, 1n],
    ]);
    const joined = run(
      db,
      `${data} | where isnotnull(d) | join kind=inner (print d = decimal(0.1) + decimal(0.2), m = 'sum') on d | project k, m`,
    );
    expect(joined.rows).to.deep.equal([['d', 'sum']]);
  });

  it('aggregates sum, avg, min and max over decimal exactly (sum of ten 0.1 is 1)', () => {
    const result = run(
      db,
      `range i from 1 to 10 step 1 | extend d = decimal(0.1)
       | summarize s = sum(d), a = avg(d), mn = min(d), mx = max(d), si = sumif(d, i > 5), ai = avgif(d, i > 100)`,
    );
    expect(schemaOf(result)).to.deep.equal([
      's:decimal',
      'a:decimal',
      'mn:decimal',
      'mx:decimal',
      'si:decimal',
      'ai:decimal',
    ]);
    expect(result.rows).to.deep.equal([['1', '0.1', '0.1', '0.1', '0.5', null]]);
    const prices = run(db, 'Prices | summarize s = sum(Price), a = avg(Price), mn = min(Price), mx = max(Price)');
    expect(prices.rows).to.deep.equal([['20.29', '6.7633333333333333333333333333333333333', '0.1', '19.99']]);
    const total = run(db, 'Prices | summarize t = sum(Price * Qty)');
    expect(total.rows).to.deep.equal([['40.48']]);
  });

  it('rounds halves away from zero (round-function), and takes abs, ceiling and bin exactly', () => {
    const result = run(
      db,
      `print a = round(decimal(2.5)), b = round(decimal(-2.5)), c = round(decimal(1.005), 2), d = round(decimal(1234.5), -2),
             e = abs(decimal(-0.3)), f = ceiling(decimal(1.1)), g = bin(decimal(7.35), decimal(0.1)), h = floor(decimal(-0.5), 1)`,
    );
    expect(result.rows).to.deep.equal([['3', '-3', '1.01', '1200', '0.3', '2', '7.3', '-1']]);
    // The real 1.005 is 1.00499999999999989…: only the decimal rounds up.
    expect(one('print round(1.005, 2)')).to.equal(1);
  });

  it('converts to string, real, long and int, and into dynamic', () => {
    const result = run(
      db,
      `let d = decimal(0.1) + decimal(0.2);
       print s = tostring(d), r = toreal(d), l = tolong(decimal(-2.7)), i = toint(decimal(7.9)), b = tobool(decimal(0)),
             big = tolong(decimal(9223372036854775807)), over = tolong(decimal(9223372036854775808)),
             j = pack('d', d), t = strcat('x', d)`,
    );
    expect(result.rows).to.deep.equal([['0.3', 0.3, -2n, 7, false, 9223372036854775807n, null, { d: 0.3 }, 'x0.3']]);
    expect(column(run(db, 'print x = dynamic([1.5, 2]) | mv-expand x to typeof(decimal)'), 'x')).to.deep.equal([
      '1.5',
      '2',
    ]);
  });

  it('takes decimal query parameters exactly', () => {
    const query = 'declare query_parameters(p:decimal); print p + decimal(0.2), p * 3';
    expect(run(db, query, { parameters: { p: '0.1' } }).rows).to.deep.equal([['0.3', '0.3']]);
    expect(run(db, query, { parameters: { p: 'decimal(0.1)' } }).rows).to.deep.equal([['0.3', '0.3']]);
    expect(() => parseParameterValue('decimal', 'NaN')).to.throw(/not a valid decimal literal/);
  });

  it('reads decimal cells from CSV text and JSON values exactly, and writes them as JSON strings', () => {
    expect(fromText('decimal', '12345678901234567890.123456789')).to.equal('12345678901234567890.123456789');
    expect(fromText('decimal', '1e-3')).to.equal('0.001');
    expect(() => fromText('decimal', 'NaN')).to.throw(/'NaN'.*'decimal'/);
    expect(fromJson('decimal', '0.30')).to.equal('0.3');
    expect(fromJson('decimal', 0.1)).to.equal('0.1');
    expect(fromJson('decimal', 12345678901234567890n)).to.equal('12345678901234567890');
    // Kusto's v1 and v2 responses carry a decimal as a JSON string of its digits.
    expect(toJson('decimal', '0.3')).to.equal('0.3');
    expect(toText('decimal', '-0.0000001')).to.equal('-0.0000001');
  });
});
