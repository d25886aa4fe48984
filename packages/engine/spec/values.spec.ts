import { expect } from 'chai';
import { toPayloadText, rowJson, PayloadError } from '../lib/payload';
import { optionValue, parameterLiteral, RequestOptionError, timespanMs } from '../lib/requestProperties';
import { parseJsonKeepingLongs } from '../lib/results';
import { backoffDelay, retryPolicy } from '../lib/retry';

describe('engine: values on the wire', () => {
  describe('query parameter literals, per declared type', () => {
    it('string parameters are sent exactly as resolved', () => {
      expect(parameterLiteral('string', " a, b = 'c' ")).to.equal(" a, b = 'c' ");
      expect(parameterLiteral(undefined, ' as is ')).to.equal(' as is ');
    });

    it('numbers and bools as their trimmed text', () => {
      expect(parameterLiteral('long', ' 42 ')).to.equal('42');
      expect(parameterLiteral('real', '1.5')).to.equal('1.5');
      expect(parameterLiteral('bool', 'true')).to.equal('true');
    });

    it('datetime, timespan, guid and dynamic as typed literals, unless they already are one', () => {
      expect(parameterLiteral('datetime', '2024-01-02T03:04:05Z')).to.equal('datetime(2024-01-02T03:04:05Z)');
      expect(parameterLiteral('datetime', 'datetime(null)')).to.equal('datetime(null)');
      expect(parameterLiteral('timespan', '1d')).to.equal('timespan(1d)');
      expect(parameterLiteral('guid', 'c914be08-fae6-4014-a619-c5f7ebf3fe37')).to.equal(
        'guid(c914be08-fae6-4014-a619-c5f7ebf3fe37)',
      );
      expect(parameterLiteral('dynamic', '{"a":[1,2]}')).to.equal('dynamic({"a":[1,2]})');
    });

    it('every alias Kusto accepts for a type, as that type', () => {
      expect(parameterLiteral('uuid', 'c914be08-fae6-4014-a619-c5f7ebf3fe37')).to.equal(
        'guid(c914be08-fae6-4014-a619-c5f7ebf3fe37)',
      );
      expect(parameterLiteral('uniqueid', 'guid(null)')).to.equal('guid(null)');
      expect(parameterLiteral('date', '2024-01-02')).to.equal('datetime(2024-01-02)');
      expect(parameterLiteral('time', '1h')).to.equal('timespan(1h)');
      expect(parameterLiteral('int64', ' 7 ')).to.equal('7');
      expect(parameterLiteral('double', ' 1.5 ')).to.equal('1.5');
      expect(parameterLiteral('boolean', ' false ')).to.equal('false');
    });
  });

  describe('request options', () => {
    it('servertimeout as a timespan in milliseconds', () => {
      expect(optionValue('servertimeout', '00:02:30', false)).to.deep.equal({ kind: 'timeout', ms: 150_000 });
      expect(optionValue('ServerTimeout', '90s', false)).to.deep.equal({ kind: 'timeout', ms: 90_000 });
      expect(timespanMs('1.00:00:00')).to.equal(86_400_000);
      expect(() => optionValue('servertimeout', '1.00:00:00', false)).to.throw(RequestOptionError, 'under a day');
      expect(() => optionValue('servertimeout', '25:00:00', false)).to.throw(RequestOptionError);
    });

    it('bare booleans and integers typed, quoted values and the rest kept as text', () => {
      expect(optionValue('notruncation', 'TRUE', false)).to.deep.equal({ kind: 'option', value: true });
      expect(optionValue('truncationmaxrecords', '500', false)).to.deep.equal({ kind: 'option', value: 500 });
      expect(optionValue('truncationmaxrecords', '500', true)).to.deep.equal({ kind: 'option', value: '500' });
      expect(optionValue('query_language', 'kql', false)).to.deep.equal({ kind: 'option', value: 'kql' });
      expect(optionValue('x', '1.5', false)).to.deep.equal({ kind: 'option', value: '1.5' });
    });
  });

  describe('lossless JSON', () => {
    it('keeps integers of 16 digits or more, and nothing inside strings, exactly', () => {
      const parsed = parseJsonKeepingLongs(
        '{"a":[9007199254740993,-12345678901234567,1.5e300,12],"s":"9007199254740993 \\" 1234567890123456"}',
      ) as { a: unknown[]; s: string };
      expect(parsed.a[0]).to.equal('\u0000kf-long:9007199254740993');
      expect(parsed.a[1]).to.equal('\u0000kf-long:-12345678901234567');
      expect(parsed.a.slice(2)).to.deep.equal([1.5e300, 12]);
      expect(parsed.s).to.equal('9007199254740993 " 1234567890123456');
    });
  });

  describe('payloads', () => {
    it('write bigints as exact JSON integers', () => {
      expect(rowJson({ id: 9007199254740993n, n: 1 })).to.equal('{"id":9007199254740993,"n":1}');
    });

    it('json for one row, multijson for several, strings as they are', () => {
      expect(toPayloadText({ a: 1 }, undefined)).to.deep.equal({ text: '{"a":1}', format: 'json', records: 1 });
      expect(toPayloadText([{ a: 1 }, { a: 2 }], 'json')).to.deep.equal({
        text: '{"a":1}\n{"a":2}',
        format: 'multijson',
        records: 2,
      });
      expect(toPayloadText('a,b\nc,d\n', 'csv')).to.deep.equal({ text: 'a,b\nc,d\n', format: 'csv', records: 2 });
    });

    it('delimited objects need the table columns', () => {
      expect(() => toPayloadText({ a: 1 }, 'csv')).to.throw(PayloadError, "the table's columns are needed");
      expect(toPayloadText({ b: 'x y ', a: 1 }, 'tsv', ['a', 'b', 'c']).text).to.equal('1\t"x y "\t\n');
    });
  });

  describe('backoff', () => {
    it('doubles from the base, capped, with jitter between half and all of it, and honours Retry-After up to the cap', () => {
      const policy = retryPolicy({ attempts: 5, baseDelayMs: 100, maxDelayMs: 350 });
      for (let i = 0; i < 50; i++) {
        expect(backoffDelay(policy, 1)).to.be.within(50, 100);
        expect(backoffDelay(policy, 2)).to.be.within(100, 200);
        expect(backoffDelay(policy, 4)).to.be.within(175, 350);
      }
      const failure = { message: '', network: false, transient: true, retryAfterMs: 10_000 };
      expect(backoffDelay(policy, 1, failure)).to.equal(350);
      expect(() => retryPolicy({ attempts: 0 })).to.throw(RangeError, 'retry.attempts');
    });
  });
});
