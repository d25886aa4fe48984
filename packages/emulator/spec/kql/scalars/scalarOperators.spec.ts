import { expect } from 'chai';
import { KustoEmulatorError } from '../../../lib/errors';
import type { KustoScalarType, Value } from '../../../lib/model';
import {
  binaryOperator,
  compareValues,
  hasTerm,
  hashKey,
  unaryOperator,
  valuesEqual,
} from '../../../lib/kql/scalars/scalarOperators';
import { TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_SECOND } from '../../../lib/values/calendar';
import { parseDatetime } from '../../../lib/values/datetimeText';

const apply = (
  op: string,
  l: KustoScalarType,
  r: KustoScalarType,
  result: KustoScalarType,
  a: Value,
  b: Value,
): Value => binaryOperator(op, l, r, result)(a, b);
const str = (op: string, a: string, b: string): Value => apply(op, 'string', 'string', 'bool', a, b);
const dt = (text: string): bigint => parseDatetime(text) as bigint;

describe('emulator scalar operators', () => {
  describe('arithmetic', () => {
    it('converts operands to the result type first (1 + 2.5 is real)', () => {
      expect(apply('+', 'long', 'real', 'real', 1n, 2.5)).to.equal(3.5);
      expect(apply('*', 'int', 'int', 'long', 6, 7)).to.equal(42n);
      expect(apply('+', 'dynamic', 'long', 'long', 1, 1n)).to.equal(2n);
    });

    it('truncates integer division, as the docs show for 1 / 2', () => {
      expect(apply('/', 'long', 'long', 'long', 1n, 2n)).to.equal(0n);
      expect(apply('/', 'long', 'long', 'long', -5n, 2n)).to.equal(-2n);
      expect(apply('/', 'real', 'long', 'real', 1.0, 2n)).to.equal(0.5);
    });

    it('gives null for long and decimal division by zero and IEEE infinities for real', () => {
      expect(apply('/', 'long', 'long', 'long', 5n, 0n)).to.equal(null);
      expect(apply('%', 'long', 'long', 'long', 5n, 0n)).to.equal(null);
      expect(apply('/', 'decimal', 'long', 'decimal', '1', 0n)).to.equal(null);
      expect(apply('/', 'real', 'real', 'real', 1, 0)).to.equal(Infinity);
      expect(apply('/', 'real', 'real', 'real', -1, 0)).to.equal(-Infinity);
      expect(Number.isNaN(apply('/', 'real', 'real', 'real', 0, 0))).to.equal(true);
    });

    it('keeps modulo non-negative (docs: 14 % 12, -14 % 12, 14 % -12, -14 % -12)', () => {
      const pairs: [bigint, bigint][] = [
        [14n, 12n],
        [-14n, 12n],
        [14n, -12n],
        [-14n, -12n],
      ];
      expect(pairs.map(([a, b]) => apply('%', 'long', 'long', 'long', a, b))).to.deep.equal([2n, 10n, 2n, 10n]);
      expect(apply('%', 'real', 'real', 'real', -1.5, 1)).to.equal(0.5);
    });

    it('wraps long overflow at 64 bits and stays exact beyond 2^53', () => {
      expect(apply('+', 'long', 'long', 'long', 9_223_372_036_854_775_807n, 1n)).to.equal(-9_223_372_036_854_775_808n);
      expect(apply('+', 'long', 'long', 'long', 9_007_199_254_740_992n, 1n)).to.equal(9_007_199_254_740_993n);
    });

    it('propagates null through arithmetic (docs: val + 10 and val * 10)', () => {
      expect(apply('+', 'int', 'long', 'long', null, 10n)).to.equal(null);
      expect(apply('*', 'int', 'long', 'long', 5, 10n)).to.equal(50n);
      expect(apply('*', 'int', 'long', 'long', null, 10n)).to.equal(null);
    });

    it('does datetime and timespan arithmetic', () => {
      const day = TICKS_PER_DAY;
      expect(apply('+', 'datetime', 'timespan', 'datetime', dt('2020-01-01'), day)).to.equal(dt('2020-01-02'));
      expect(apply('+', 'timespan', 'datetime', 'datetime', day, dt('2020-01-01'))).to.equal(dt('2020-01-02'));
      expect(apply('-', 'datetime', 'timespan', 'datetime', dt('2020-01-01'), day)).to.equal(dt('2019-12-31'));
      expect(apply('-', 'datetime', 'datetime', 'timespan', dt('2020-01-02'), dt('2020-01-01'))).to.equal(day);
      // Docs: 1d / 1s and 24 * 60 * time(00:01:00) / time(1s) are both 86400.
      expect(apply('/', 'timespan', 'timespan', 'real', day, TICKS_PER_SECOND)).to.equal(86400);
      expect(apply('*', 'long', 'timespan', 'timespan', 86400n, TICKS_PER_SECOND)).to.equal(day);
      expect(apply('*', 'timespan', 'real', 'timespan', TICKS_PER_HOUR, 2.5)).to.equal((25n * TICKS_PER_HOUR) / 10n);
      expect(apply('/', 'timespan', 'long', 'timespan', TICKS_PER_HOUR, 2n)).to.equal(TICKS_PER_HOUR / 2n);
      expect(apply('%', 'datetime', 'timespan', 'timespan', dt('2024-05-01T12:34:56Z'), TICKS_PER_HOUR)).to.equal(
        (34n * 60n + 56n) * TICKS_PER_SECOND,
      );
    });

    it('reads a dynamic operand as the datetime or timespan the other side calls for', () => {
      expect(apply('+', 'timespan', 'dynamic', 'timespan', TICKS_PER_HOUR, '01:00:00')).to.equal(2n * TICKS_PER_HOUR);
      expect(apply('-', 'datetime', 'dynamic', 'timespan', dt('2020-01-02'), '2020-01-01')).to.equal(TICKS_PER_DAY);
      expect(apply('+', 'dynamic', 'timespan', 'datetime', '2020-01-01', TICKS_PER_DAY)).to.equal(dt('2020-01-02'));
    });

    it('gives null for a datetime pushed out of range', () => {
      expect(apply('-', 'datetime', 'timespan', 'datetime', dt('0001-01-01'), 1n)).to.equal(null);
    });

    it('negates numbers and timespans and inverts bools, null staying null', () => {
      expect(unaryOperator('-', 'long', 'long')(5n)).to.equal(-5n);
      expect(unaryOperator('-', 'int', 'int')(5)).to.equal(-5);
      expect(unaryOperator('-', 'timespan', 'timespan')(TICKS_PER_DAY)).to.equal(-TICKS_PER_DAY);
      expect(unaryOperator('not', 'bool', 'bool')(true)).to.equal(false);
      expect(unaryOperator('not', 'bool', 'bool')(null)).to.equal(null);
    });
  });

  describe('comparisons', () => {
    it('follows the docs for null equality: null == null is null, null == 5 is false, != is true', () => {
      expect(apply('==', 'int', 'int', 'bool', null, null)).to.equal(null);
      expect(apply('!=', 'int', 'int', 'bool', null, null)).to.equal(null);
      expect(apply('==', 'int', 'int', 'bool', 5, null)).to.equal(false);
      expect(apply('!=', 'int', 'int', 'bool', 5, null)).to.equal(true);
      expect(apply('>', 'int', 'long', 'bool', null, 3n)).to.equal(null);
      expect(apply('>', 'int', 'long', 'bool', 5, 3n)).to.equal(true);
    });

    it('compares across numeric types and against dynamic values', () => {
      expect(apply('==', 'long', 'real', 'bool', 1n, 1.0)).to.equal(true);
      expect(apply('<', 'int', 'long', 'bool', 1, 2n)).to.equal(true);
      expect(apply('==', 'dynamic', 'long', 'bool', 1, 1n)).to.equal(true);
      expect(apply('==', 'dynamic', 'long', 'bool', 1.5, 1n)).to.equal(false);
      expect(apply('>', 'dynamic', 'long', 'bool', 1.5, 1n)).to.equal(true);
      expect(apply('==', 'dynamic', 'string', 'bool', 'a', 'a')).to.equal(true);
      expect(apply('>=', 'datetime', 'datetime', 'bool', dt('2020-01-02'), dt('2020-01-01'))).to.equal(true);
    });

    it('compares strings case-sensitively with == and not with =~', () => {
      expect(str('==', 'aBc', 'aBc')).to.equal(true);
      expect(str('!=', 'abc', 'ABC')).to.equal(true);
      expect(str('=~', 'abc', 'ABC')).to.equal(true);
      expect(str('!~', 'aBc', 'xyz')).to.equal(true);
    });

    it('makes NaN compare false', () => {
      expect(apply('<', 'real', 'real', 'bool', NaN, 1)).to.equal(false);
      expect(apply('==', 'real', 'real', 'bool', NaN, NaN)).to.equal(false);
    });

    it('applies three-valued and / or', () => {
      expect(apply('and', 'bool', 'bool', 'bool', false, null)).to.equal(false);
      expect(apply('and', 'bool', 'bool', 'bool', true, null)).to.equal(null);
      expect(apply('or', 'bool', 'bool', 'bool', true, null)).to.equal(true);
      expect(apply('or', 'bool', 'bool', 'bool', false, null)).to.equal(null);
    });
  });

  describe('string operators (each docs example yields true)', () => {
    const examples: [string, string, string][] = [
      ['contains', 'FabriKam', 'BRik'],
      ['!contains', 'Fabrikam', 'xyz'],
      ['contains_cs', 'FabriKam', 'Kam'],
      ['!contains_cs', 'Fabrikam', 'Kam'],
      ['endswith', 'Fabrikam', 'Kam'],
      ['!endswith', 'Fabrikam', 'brik'],
      ['endswith_cs', 'Fabrikam', 'kam'],
      ['!endswith_cs', 'Fabrikam', 'brik'],
      ['has', 'North America', 'america'],
      ['!has', 'North America', 'amer'],
      ['has_cs', 'North America', 'America'],
      ['!has_cs', 'North America', 'amer'],
      ['hasprefix', 'North America', 'ame'],
      ['!hasprefix', 'North America', 'mer'],
      ['hasprefix_cs', 'North America', 'Ame'],
      ['!hasprefix_cs', 'North America', 'CA'],
      ['hassuffix', 'North America', 'ica'],
      ['!hassuffix', 'North America', 'americ'],
      ['hassuffix_cs', 'North America', 'ica'],
      ['!hassuffix_cs', 'North America', 'icA'],
      ['matches regex', 'Fabrikam', 'b.*k'],
      ['startswith', 'Fabrikam', 'fab'],
      ['!startswith', 'Fabrikam', 'kam'],
      ['startswith_cs', 'Fabrikam', 'Fab'],
      ['!startswith_cs', 'Fabrikam', 'fab'],
    ];
    for (const [op, l, r] of examples) {
      it(`"${l}" ${op} "${r}"`, () => expect(str(op, l, r)).to.equal(true));
    }

    it('matches has on whole terms where contains matches substrings', () => {
      expect(str('has', 'KustoExplorerQueryRun', 'Explorer')).to.equal(false);
      expect(str('contains', 'KustoExplorerQueryRun', 'Explorer')).to.equal(true);
      const text = 'Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun';
      expect(str('has', text, 'c1db')).to.equal(true);
      expect(str('has', text, 'ad67d136-c1db')).to.equal(true);
      expect(str('has', text, 'd136')).to.equal(false);
      expect(hasTerm('Größe klein', 'größe', false)).to.equal(true);
    });

    it('reads a null string operand as the empty string', () => {
      expect(apply('contains', 'string', 'string', 'bool', null, 'a')).to.equal(false);
      expect(apply('!has', 'string', 'string', 'bool', null, 'a')).to.equal(true);
    });

    it('converts non-string operands to strings', () => {
      expect(apply('contains', 'long', 'string', 'bool', 12345n, '234')).to.equal(true);
      expect(apply('has', 'dynamic', 'string', 'bool', { a: 'hello world' }, 'world')).to.equal(true);
    });

    it('reports a bad regex and an unknown operator with the emulator error', () => {
      expect(() => str('matches regex', 'a', '(')).to.throw(KustoEmulatorError, /regular expression '\('/);
      expect(() => binaryOperator('like', 'string', 'string', 'bool')).to.throw(KustoEmulatorError, /like/);
    });
  });

  describe('ordering, equality and hash keys', () => {
    it('sorts nulls first, then NaN, as Kusto orders real values ascending', () => {
      const values: Value[] = [5, null, Infinity, -5, NaN, 0, -Infinity];
      const sorted = [...values].sort((a, b) => compareValues('real', a, b));
      expect(sorted.map(String)).to.deep.equal(['null', 'NaN', '-Infinity', '-5', '0', '5', 'Infinity']);
    });

    it('orders strings ordinally and longs exactly', () => {
      expect(['b', 'B', 'a'].sort((a, b) => compareValues('string', a, b))).to.deep.equal(['B', 'a', 'b']);
      expect(compareValues('long', 9_007_199_254_740_993n, 9_007_199_254_740_992n)).to.equal(1);
    });

    it('groups null with null, NaN with NaN and property bags regardless of key order', () => {
      expect(valuesEqual('long', null, null)).to.equal(true);
      expect(valuesEqual('real', NaN, NaN)).to.equal(true);
      expect(valuesEqual('dynamic', { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).to.equal(true);
      expect(valuesEqual('dynamic', [1, 2], [2, 1])).to.equal(false);
    });

    it('gives equal hash keys exactly for equal values', () => {
      expect(hashKey('long', 2n ** 60n)).to.equal(hashKey('long', 2n ** 60n));
      expect(hashKey('long', 2n ** 60n)).to.not.equal(hashKey('long', 2n ** 60n + 1n));
      expect(hashKey('dynamic', { a: 1, b: 2 })).to.equal(hashKey('dynamic', { b: 2, a: 1 }));
      expect(hashKey('dynamic', '{"a":1}')).to.not.equal(hashKey('dynamic', { a: 1 }));
      expect(hashKey('dynamic', 1)).to.not.equal(hashKey('dynamic', '1'));
      const groups = new Map<unknown, number>();
      for (const v of [NaN, NaN, 0, -0, null]) {
        const k = hashKey('real', v);
        groups.set(k, (groups.get(k) ?? 0) + 1);
      }
      expect([...groups.values()]).to.deep.equal([2, 2, 1]);
    });
  });
});
