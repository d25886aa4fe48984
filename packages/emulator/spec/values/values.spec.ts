import { expect } from 'chai';
import { KustoEmulatorError } from '../../lib/errors';
import type { KustoScalarType, Value } from '../../lib/model';
import { scalarTypeFromName } from '../../lib/typeNames';
import {
  datetimeFromParts,
  datetimeParts,
  MAX_DATETIME_TICKS,
  MIN_DATETIME_TICKS,
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  TICKS_PER_SECOND,
} from '../../lib/values/calendar';
import { formatDatetime, parseDatetime } from '../../lib/values/datetimeText';
import { parseDynamicLiteral, parseLiteral, typeOfLiteral } from '../../lib/values/literalText';
import { decimalFromNumber } from '../../lib/values/decimalValue';
import { formatReal, parseGuid } from '../../lib/values/primitiveText';
import { formatTimespan, parseTimespan } from '../../lib/values/timespanText';
import { fromJson, fromText, parseParameterValue } from '../../lib/values/valueReaders';
import { toJson, toText } from '../../lib/values/valueWriters';

const dt = (text: string): bigint => {
  const ticks = parseDatetime(text);
  if (ticks === null) throw new Error(`test datetime ${text} does not parse`);
  return ticks;
};

describe('emulator values', () => {
  describe('datetime', () => {
    it('counts ticks from the Unix epoch', () => {
      expect(parseDatetime('1970-01-01T00:00:00Z')).to.equal(0n);
      expect(parseDatetime('1970-01-02')).to.equal(TICKS_PER_DAY);
      expect(datetimeFromParts(2000, 2, 29, 12)).to.equal(dt('2000-02-29T12:00:00Z'));
    });

    it('reads the ISO 8601 forms the Kusto docs list', () => {
      const cases: [string, string][] = [
        ['2014-05-25T08:20:03.123456Z', '2014-05-25T08:20:03.123456Z'],
        ['2014-05-25T08:20:03.123456', '2014-05-25T08:20:03.123456Z'],
        ['2014-05-25T08:20', '2014-05-25T08:20:00Z'],
        ['2014-11-08 15:55:55.123456Z', '2014-11-08T15:55:55.123456Z'],
        ['2014-11-08 15:55:55', '2014-11-08T15:55:55Z'],
        ['2014-11-08 15:55', '2014-11-08T15:55:00Z'],
        ['2014-11-08', '2014-11-08T00:00:00Z'],
        ['2014-11-8 15:05:25 GMT', '2014-11-08T15:05:25Z'],
      ];
      for (const [input, iso] of cases) expect(formatDatetime(dt(input), 'trim'), input).to.equal(iso);
    });

    it('reads RFC 822 and RFC 850 forms and month-first dates', () => {
      expect(dt('Sat, 8 Nov 14 15:05:02 GMT')).to.equal(dt('2014-11-08T15:05:02Z'));
      expect(dt('8 Nov 14 15:05')).to.equal(dt('2014-11-08T15:05:00Z'));
      expect(dt('Saturday, 08-Nov-14 15:05:02 GMT')).to.equal(dt('2014-11-08T15:05:02Z'));
      // todatetime('12-02-2022') == datetime('12-02-2022') in the docs: month first.
      expect(dt('12-02-2022')).to.equal(dt('2022-12-02'));
    });

    it('keeps 7 fractional digits, truncates an 8th and converts offsets to UTC', () => {
      expect(dt('2020-01-01T00:00:00.1234567Z') - dt('2020-01-01')).to.equal(1_234_567n);
      expect(dt('2020-01-01T00:00:00.123456789Z') - dt('2020-01-01')).to.equal(1_234_567n);
      expect(dt('2020-01-01T10:00:00+02:00')).to.equal(dt('2020-01-01T08:00:00Z'));
    });

    it('rejects impossible dates and text that is not a date', () => {
      for (const bad of [
        '2020-02-30',
        '2021-02-29',
        '2020-13-01',
        '2020-01-01T24:00:00',
        'yesterday',
        '',
        '10000-01-01',
      ]) {
        expect(parseDatetime(bad), bad).to.equal(null);
      }
    });

    it('spans 0001-01-01 to 9999-12-31 23:59:59.9999999', () => {
      expect(dt('0001-01-01')).to.equal(MIN_DATETIME_TICKS);
      expect(dt('9999-12-31T23:59:59.9999999Z')).to.equal(MAX_DATETIME_TICKS);
      expect(formatDatetime(MIN_DATETIME_TICKS, 'trim')).to.equal('0001-01-01T00:00:00Z');
    });

    it('splits ticks into calendar fields, before 1970 too', () => {
      const p = datetimeParts(dt('1947-11-30T10:00:05.25Z'));
      expect([p.year, p.month, p.day, p.hour, p.minute, p.second, p.fraction, p.dayOfWeek]).to.deep.equal([
        1947, 11, 30, 10, 0, 5, 2_500_000, 0,
      ]);
    });

    it('writes REST results with the fraction trimmed and tostring() with 7 digits', () => {
      expect(toJson('datetime', dt('2016-06-06T15:35:00Z'))).to.equal('2016-06-06T15:35:00Z');
      expect(toJson('datetime', dt('2018-05-01T09:32:38.916566Z'))).to.equal('2018-05-01T09:32:38.916566Z');
      expect(toText('datetime', dt('2007-01-01'))).to.equal('2007-01-01T00:00:00.0000000Z');
      expect(toText('datetime', dt('2015-12-31 23:59:59.9'))).to.equal('2015-12-31T23:59:59.9000000Z');
    });
  });

  describe('timespan', () => {
    it('reads the KQL literal units', () => {
      expect(parseTimespan('2d')).to.equal(2n * TICKS_PER_DAY);
      expect(parseTimespan('1.5h')).to.equal(54_000_000_000n);
      expect(parseTimespan('30m')).to.equal(30n * 60n * TICKS_PER_SECOND);
      expect(parseTimespan('10s')).to.equal(10n * TICKS_PER_SECOND);
      expect(parseTimespan('100ms')).to.equal(1_000_000n);
      expect(parseTimespan('10microsecond')).to.equal(100n);
      expect(parseTimespan('1tick')).to.equal(1n);
      expect(parseTimespan('15 seconds')).to.equal(15n * TICKS_PER_SECOND);
    });

    it('reads the [-][d.]hh:mm:ss[.fffffff] form and a bare day count', () => {
      expect(parseTimespan('0.12:34:56.7')).to.equal(
        12n * TICKS_PER_HOUR + (34n * 60n + 56n) * TICKS_PER_SECOND + 7_000_000n,
      );
      expect(parseTimespan('00:03:00')).to.equal(180n * TICKS_PER_SECOND);
      expect(parseTimespan('-1.00:00:00')).to.equal(-TICKS_PER_DAY);
      expect(parseTimespan('2')).to.equal(2n * TICKS_PER_DAY);
      expect(parseTimespan('25:00:00')).to.equal(null);
      expect(parseTimespan('1w')).to.equal(null);
    });

    it('writes [-][d.]hh:mm:ss[.fffffff] as the docs show', () => {
      expect(formatTimespan(4n * TICKS_PER_DAY)).to.equal('4.00:00:00');
      expect(formatTimespan(5n * TICKS_PER_HOUR)).to.equal('05:00:00');
      expect(formatTimespan(-12n * TICKS_PER_HOUR)).to.equal('-12:00:00');
      expect(formatTimespan(-(TICKS_PER_DAY + 5_000_000n))).to.equal('-1.00:00:00.5000000');
      expect(toJson('timespan', 1n)).to.equal('00:00:00.0000001');
      expect(toText('timespan', 20n * TICKS_PER_SECOND)).to.equal('00:00:20');
    });

    it('round-trips negative and fractional values through text', () => {
      for (const ticks of [-1n, -937_845_000_000n, 123_456_789_012_345n, 0n]) {
        expect(fromText('timespan', formatTimespan(ticks))).to.equal(ticks);
      }
    });
  });

  describe('numbers', () => {
    it('keeps longs beyond 2^53 exact through text, JSON and back', () => {
      const big = 9_007_199_254_740_993n;
      expect(fromText('long', '9007199254740993')).to.equal(big);
      expect(fromJson('long', big)).to.equal(big);
      expect(fromJson('long', '9007199254740993')).to.equal(big);
      expect(toJson('long', big)).to.equal(big);
      expect(toText('long', -9_223_372_036_854_775_808n)).to.equal('-9223372036854775808');
      expect(() => fromText('long', '9223372036854775808')).to.throw(KustoEmulatorError, /long/);
    });

    it('reads JSON numbers into long when integral and truncates others', () => {
      expect(fromJson('long', 42)).to.equal(42n);
      expect(fromJson('long', 2.9)).to.equal(2n);
      expect(fromJson('int', -7)).to.equal(-7);
      expect(() => fromJson('int', 3_000_000_000)).to.throw(KustoEmulatorError, /int/);
    });

    it('writes reals as JSON numbers and the special values as Kusto names them', () => {
      expect(toJson('real', 1.5)).to.equal(1.5);
      expect(toJson('real', NaN)).to.equal('NaN');
      expect(toJson('real', Infinity)).to.equal('Infinity');
      expect(toJson('real', -Infinity)).to.equal('-Infinity');
      expect(Number.isNaN(fromText('real', 'NaN'))).to.equal(true);
      expect(fromText('real', '-inf')).to.equal(-Infinity);
      expect(fromText('real', '1e3')).to.equal(1000);
    });

    it('renders reals in .NET round-trip form and decimals without an exponent', () => {
      expect(formatReal(1)).to.equal('1');
      expect(formatReal(0.1)).to.equal('0.1');
      expect(formatReal(1e15)).to.equal('1E+15');
      expect(formatReal(123456789012345)).to.equal('123456789012345');
      expect(formatReal(0.0001)).to.equal('0.0001');
      expect(formatReal(0.00001)).to.equal('1E-05');
      expect(toText('decimal', decimalFromNumber(1e-7))).to.equal('0.0000001');
      expect(toText('decimal', decimalFromNumber(1e21))).to.equal('1000000000000000000000');
      expect(toJson('decimal', '123.45678')).to.equal('123.45678');
    });
  });

  describe('fromText (CSV cells)', () => {
    it('makes empty cells null, and empty strings for string columns', () => {
      for (const type of [
        'bool',
        'int',
        'long',
        'real',
        'decimal',
        'datetime',
        'timespan',
        'guid',
        'dynamic',
      ] as const) {
        expect(fromText(type, ''), type).to.equal(null);
      }
      expect(fromText('string', '')).to.equal('');
      expect(fromText('string', ' a ')).to.equal(' a ');
    });

    it('reads bools as true/false/1/0 in any case', () => {
      expect(['true', 'TRUE', 'False', '1', '0'].map((t) => fromText('bool', t))).to.deep.equal([
        true,
        true,
        false,
        true,
        false,
      ]);
      expect(() => fromText('bool', 'yes')).to.throw(KustoEmulatorError, /'yes'.*'bool'/);
    });

    it('reads guids in lower case and dynamic as JSON (other text as a dynamic string)', () => {
      expect(fromText('guid', '74BE27DE-1E4E-49D9-B579-FE0B331D3642')).to.equal('74be27de-1e4e-49d9-b579-fe0b331d3642');
      expect(fromText('guid', '{74be27de1e4e49d9b579fe0b331d3642}')).to.equal('74be27de-1e4e-49d9-b579-fe0b331d3642');
      expect(() => fromText('guid', 'not-a-guid')).to.throw(KustoEmulatorError, /guid/);
      expect(fromText('dynamic', '{"a":[1,2]}')).to.deep.equal({ a: [1, 2] });
      expect(fromText('dynamic', 'plain')).to.equal('plain');
    });

    it('names the type and the value when a cell does not convert', () => {
      const bad: [KustoScalarType, string][] = [
        ['int', 'abc'],
        ['long', '1x'],
        ['real', '1,5'],
        ['datetime', '2020-02-30'],
        ['timespan', 'soon'],
        ['decimal', 'NaN'],
      ];
      for (const [type, text] of bad) {
        expect(() => fromText(type, text), `${type} ${text}`).to.throw(
          KustoEmulatorError,
          new RegExp(`'${text}'.*'${type}'`),
        );
      }
    });
  });

  describe('fromJson', () => {
    it('stores objects and arrays into a string column as their JSON text', () => {
      expect(fromJson('string', { a: 1 })).to.equal('{"a":1}');
      expect(fromJson('string', [1, 'x'])).to.equal('[1,"x"]');
      expect(fromJson('string', 5)).to.equal('5');
      expect(fromJson('string', null)).to.equal('');
    });

    it('parses strings that hold numbers, bools and datetimes', () => {
      expect(fromJson('long', '12')).to.equal(12n);
      expect(fromJson('real', '2.5')).to.equal(2.5);
      expect(fromJson('bool', 'true')).to.equal(true);
      expect(fromJson('datetime', '2024-05-01T12:00:00Z')).to.equal(dt('2024-05-01T12:00:00Z'));
      expect(fromJson('bool', 0)).to.equal(false);
      expect(() => fromJson('datetime', 12)).to.throw(KustoEmulatorError, /datetime/);
    });

    it('lets dynamic take any JSON value', () => {
      const value = { a: [1, { b: null }], c: 'x' };
      expect(fromJson('dynamic', value)).to.deep.equal(value);
      expect(fromJson('dynamic', 3)).to.equal(3);
      expect(fromJson('dynamic', null)).to.equal(null);
    });
  });

  describe('round trips', () => {
    const samples: [KustoScalarType, Value][] = [
      ['bool', true],
      ['int', -2147483648],
      ['long', -9_223_372_036_854_775_808n],
      ['real', 0.1],
      ['decimal', '123.45678'],
      ['string', 'a "quoted", text'],
      ['datetime', 15_778_368_001_234_567n],
      ['timespan', -937_845_000_001n],
      ['guid', '74be27de-1e4e-49d9-b579-fe0b331d3642'],
      ['dynamic', { a: [1, 'two', null], b: { c: true } }],
    ];

    it('reads back what toText writes', () => {
      for (const [type, value] of samples) expect(fromText(type, toText(type, value)), type).to.deep.equal(value);
    });

    it('reads back what toJson writes', () => {
      for (const [type, value] of samples) expect(fromJson(type, toJson(type, value)), type).to.deep.equal(value);
    });

    it('writes null as null (and string never null)', () => {
      expect(toJson('long', null)).to.equal(null);
      expect(toText('datetime', null)).to.equal('');
      expect(toJson('string', null)).to.equal('');
    });
  });

  describe('parseParameterValue', () => {
    it('accepts KQL literal forms', () => {
      expect(parseParameterValue('datetime', 'datetime(1970-05-11)')).to.equal(dt('1970-05-11'));
      expect(parseParameterValue('long', 'long(5)')).to.equal(5n);
      expect(parseParameterValue('int', 'int(-2)')).to.equal(-2);
      expect(parseParameterValue('timespan', '1d')).to.equal(TICKS_PER_DAY);
      expect(parseParameterValue('timespan', 'timespan(00:10:00)')).to.equal(600n * TICKS_PER_SECOND);
      expect(parseParameterValue('dynamic', "dynamic(['Java', 'C++'])")).to.deep.equal(['Java', 'C++']);
      expect(parseParameterValue('guid', 'guid(74be27de-1e4e-49d9-b579-fe0b331d3642)')).to.equal(
        '74be27de-1e4e-49d9-b579-fe0b331d3642',
      );
      expect(parseParameterValue('bool', 'true')).to.equal(true);
      expect(parseParameterValue('real', 'real(+inf)')).to.equal(Infinity);
      expect(parseParameterValue('long', 'long(null)')).to.equal(null);
    });

    it('accepts the bare forms clients send', () => {
      expect(parseParameterValue('long', '200000000')).to.equal(200_000_000n);
      expect(parseParameterValue('real', '2.5')).to.equal(2.5);
      expect(parseParameterValue('datetime', '2020-01-01T00:00:00Z')).to.equal(dt('2020-01-01'));
      expect(parseParameterValue('dynamic', '{"a":1}')).to.deep.equal({ a: 1 });
      expect(parseParameterValue('bool', 'False')).to.equal(false);
      // The JS client's setParameter() sends numbers as JSON numbers.
      expect(parseParameterValue('long', 200000000 as unknown as string)).to.equal(200_000_000n);
    });

    it('takes a string parameter as is', () => {
      expect(parseParameterValue('string', 'Flash Flood')).to.equal('Flash Flood');
      expect(parseParameterValue('string', "'quoted'")).to.equal("'quoted'");
    });

    it('names the type and the value when the text is not a literal of the type', () => {
      expect(() => parseParameterValue('long', 'abc')).to.throw(KustoEmulatorError, /'abc'.*long/);
      expect(() => parseParameterValue('datetime', 'long(5)')).to.throw(KustoEmulatorError, /'long\(5\)'.*datetime/);
      expect(() => parseParameterValue('int', '3000000000')).to.throw(KustoEmulatorError, /int/);
      expect(() => parseParameterValue('dynamic', '[1,')).to.throw(KustoEmulatorError, /dynamic/);
    });
  });

  describe('literals and type names', () => {
    it('types literal text as Kusto.Language does', () => {
      expect(typeOfLiteral('123')).to.equal('long');
      expect(typeOfLiteral('1.5')).to.equal('real');
      expect(typeOfLiteral('1e5')).to.equal('real');
      expect(typeOfLiteral('0xf')).to.equal('long');
      expect(typeOfLiteral('1h')).to.equal('timespan');
      expect(typeOfLiteral('"x"')).to.equal('string');
      expect(typeOfLiteral('date(2020-01-01)')).to.equal('datetime');
      expect(typeOfLiteral('time(1d)')).to.equal('timespan');
      expect(typeOfLiteral('bogus(1)')).to.equal(undefined);
    });

    it('reads string literal escapes and verbatim strings', () => {
      expect(parseLiteral(String.raw`'\\n.*(>|\'|=|\")'`)?.value).to.equal(String.raw`\n.*(>|'|=|")`);
      expect(parseLiteral(String.raw`@'C:\Folder\filename.txt'`)?.value).to.equal(String.raw`C:\Folder\filename.txt`);
    });

    it('reads dynamic literals with typed scalars in their JSON forms', () => {
      expect(parseDynamicLiteral('{"a": datetime(1970-05-11), b: 1d, c: long(7)}')).to.deep.equal({
        a: '1970-05-11T00:00:00.0000000Z',
        b: '1.00:00:00',
        c: 7,
      });
      expect(parseDynamicLiteral('[1, ')).to.equal(undefined);
    });

    it('maps type names and aliases', () => {
      expect(['boolean', 'double', 'date', 'time', 'uuid', 'int64'].map(scalarTypeFromName)).to.deep.equal([
        'bool',
        'real',
        'datetime',
        'timespan',
        'guid',
        'long',
      ]);
      expect(scalarTypeFromName('toString')).to.equal(undefined);
    });

    it('reads guids with or without hyphens', () => {
      expect(parseGuid('0123456789abcdef0123456789abcdef')).to.equal('01234567-89ab-cdef-0123-456789abcdef');
      expect(parseGuid('0123456789abcdef0123456789abcdefXYZ')).to.equal(null);
      expect(parseGuid('0123456789abcdef0123456789abcdefXYZ', true)).to.equal('01234567-89ab-cdef-0123-456789abcdef');
    });
  });
});
