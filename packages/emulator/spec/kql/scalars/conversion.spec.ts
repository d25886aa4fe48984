import { expect } from 'chai';
import type { KustoScalarType, Value } from '../../../lib/model';
import { conversionFunctions, convertValue } from '../../../lib/kql/scalars/conversion';
import { TICKS_PER_DAY, TICKS_PER_SECOND } from '../../../lib/values/calendar';
import { parseDatetime } from '../../../lib/values/datetimeText';

const call = (name: string, args: Value[], types: KustoScalarType[], result: KustoScalarType): Value =>
  conversionFunctions[name](args, types, result, { now: 0n });
const dt = (text: string): bigint => parseDatetime(text) as bigint;

describe('emulator scalar conversions', () => {
  it('promotes int → long → real → decimal without loss', () => {
    expect(convertValue(7, 'int', 'long')).to.equal(7n);
    expect(convertValue(7n, 'long', 'real')).to.equal(7);
    expect(convertValue(1.5, 'real', 'decimal')).to.equal('1.5');
    expect(convertValue(null, 'int', 'long')).to.equal(null);
  });

  it('converts anything to dynamic in its JSON form', () => {
    expect(convertValue(5n, 'long', 'dynamic')).to.equal(5);
    expect(convertValue(2n * TICKS_PER_SECOND, 'timespan', 'dynamic')).to.equal('00:00:02');
    expect(convertValue(dt('2007-01-01'), 'datetime', 'dynamic')).to.equal('2007-01-01T00:00:00.0000000Z');
  });

  it('makes tostring() of null the empty string', () => {
    expect(call('tostring', [null], ['long'], 'string')).to.equal('');
    expect(call('tostring', [123n], ['long'], 'string')).to.equal('123');
    expect(call('tostring', ['abc'], ['dynamic'], 'string')).to.equal('abc');
    expect(call('tostring', [{ a: [1] }], ['dynamic'], 'string')).to.equal('{"a":[1]}');
  });

  it('follows the docs examples of the to*() functions', () => {
    expect(call('toint', ['123'], ['string'], 'int')).to.equal(123);
    expect(call('toint', [2.3], ['real'], 'int')).to.equal(2);
    expect(call('tolong', ['123'], ['string'], 'long')).to.equal(123n);
    expect(call('toreal', ['123.4'], ['string'], 'real')).to.equal(123.4);
    expect(call('todouble', ['123.4'], ['string'], 'real')).to.equal(123.4);
    expect(call('todecimal', ['123.45678'], ['string'], 'decimal')).to.equal('123.45678');
    expect(call('tobool', ['true'], ['string'], 'bool')).to.equal(true);
    expect(call('tobool', ['false'], ['string'], 'bool')).to.equal(false);
    expect(call('tobool', [1n], ['long'], 'bool')).to.equal(true);
    expect(call('tobool', [123n], ['long'], 'bool')).to.equal(true);
    expect(call('totimespan', ['0.00:03:00'], ['string'], 'timespan')).to.equal(180n * TICKS_PER_SECOND);
    expect(call('todatetime', ['2015-12-31 23:59:59.9'], ['string'], 'datetime')).to.equal(
      dt('2015-12-31T23:59:59.9Z'),
    );
  });

  it('returns null when a conversion fails', () => {
    expect(call('tolong', ['not a number'], ['string'], 'long')).to.equal(null);
    expect(call('todatetime', ['not a date'], ['string'], 'datetime')).to.equal(null);
    expect(call('toint', [3_000_000_000n], ['long'], 'int')).to.equal(null);
    expect(call('toreal', [NaN], ['real'], 'real')).to.satisfy(Number.isNaN);
    expect(call('toint', [NaN], ['real'], 'int')).to.equal(null);
  });

  it('reads guids from the first 32 hex digits as toguid() does', () => {
    expect(call('toguid', ['0123456789abcdef0123456789abcdef'], ['string'], 'guid')).to.equal(
      '01234567-89ab-cdef-0123-456789abcdef',
    );
    expect(call('toguid', ['0123456789ab-cdef-0123-456789abcdef'], ['string'], 'guid')).to.equal(
      '01234567-89ab-cdef-0123-456789abcdef',
    );
    expect(call('toguid', ['a string that is not a guid'], ['string'], 'guid')).to.equal(null);
  });

  it('converts datetime to .NET ticks and timespan to ticks', () => {
    expect(call('tolong', [dt('1970-01-01')], ['datetime'], 'long')).to.equal(621_355_968_000_000_000n);
    expect(call('todatetime', [621_355_968_000_000_000n], ['long'], 'datetime')).to.equal(0n);
    expect(call('tolong', [TICKS_PER_DAY], ['timespan'], 'long')).to.equal(TICKS_PER_DAY);
  });

  it('converts the inner value of a dynamic', () => {
    expect(call('toint', [101], ['dynamic'], 'int')).to.equal(101);
    expect(call('todatetime', ['2015-01-01'], ['dynamic'], 'datetime')).to.equal(dt('2015-01-01'));
    expect(call('tolong', [[1]], ['dynamic'], 'long')).to.equal(null);
  });

  it('parses JSON in parse_json(), keeping non-JSON text as a dynamic string', () => {
    expect(call('parse_json', ['{"duration":{"value":118.0,"min":100.0}}'], ['string'], 'dynamic')).to.deep.equal({
      duration: { value: 118, min: 100 },
    });
    expect(call('parse_json', ['not json'], ['string'], 'dynamic')).to.equal('not json');
    expect(call('parse_json', [''], ['string'], 'dynamic')).to.equal(null);
    const bag = { a: 1 };
    expect(call('todynamic', [bag], ['dynamic'], 'dynamic')).to.equal(bag);
  });

  it('names types as gettype() does', () => {
    const cases: [Value, KustoScalarType, string][] = [
      ['a', 'string', 'string'],
      [111n, 'long', 'long'],
      [true, 'bool', 'bool'],
      [0n, 'datetime', 'datetime'],
      [TICKS_PER_SECOND, 'timespan', 'timespan'],
      [1, 'dynamic', 'int'],
      ['abc', 'dynamic', 'string'],
      [{ abc: 1 }, 'dynamic', 'dictionary'],
      [[1, 2, 3], 'dynamic', 'array'],
      [123.45, 'real', 'real'],
      [null, 'dynamic', 'null'],
    ];
    for (const [v, t, name] of cases) expect(call('gettype', [v], [t], 'string'), name).to.equal(name);
  });

  it('formats hex as tohex() does, negatives in two’s complement', () => {
    expect(call('tohex', [256n], ['long'], 'string')).to.equal('100');
    expect(call('tohex', [-1n], ['long'], 'string')).to.equal('ffffffffffffffff');
    expect(call('tohex', [15n, 4n], ['long', 'long'], 'string')).to.equal('000f');
  });
});
