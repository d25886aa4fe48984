import { expect } from 'chai';
import type { KustoScalarType, Value } from '../../../lib/model';
import { mathFunctions } from '../../../lib/kql/scalars/math';
import { TICKS_PER_DAY, TICKS_PER_HOUR } from '../../../lib/values/calendar';
import { parseDatetime } from '../../../lib/values/datetimeText';

const call = (name: string, args: Value[], types: KustoScalarType[], result: KustoScalarType): Value =>
  mathFunctions[name](args, types, result, { now: 0n });
const dt = (text: string): bigint => parseDatetime(text) as bigint;

describe('emulator math functions', () => {
  describe('bin / floor / bin_at', () => {
    it('rounds numbers, timespans and datetimes down to the bin (docs examples)', () => {
      expect(call('bin', [4.5, 1n], ['real', 'long'], 'real')).to.equal(4);
      expect(call('bin', [16n * TICKS_PER_DAY, 7n * TICKS_PER_DAY], ['timespan', 'timespan'], 'timespan')).to.equal(
        14n * TICKS_PER_DAY,
      );
      expect(call('bin', [dt('1970-05-11 13:45:07'), TICKS_PER_DAY], ['datetime', 'timespan'], 'datetime')).to.equal(
        dt('1970-05-11'),
      );
      expect(call('floor', [7n, 5n], ['long', 'long'], 'long')).to.equal(5n);
      expect(call('bin', [5, 2n], ['int', 'long'], 'long')).to.equal(4n);
      expect(call('bin', [5n, 2.5], ['long', 'real'], 'real')).to.equal(5);
    });

    it('rounds negative values toward negative infinity', () => {
      expect(call('bin', [-1n, 5n], ['long', 'long'], 'long')).to.equal(-5n);
      expect(call('bin', [dt('1969-12-31 23:00'), TICKS_PER_DAY], ['datetime', 'timespan'], 'datetime')).to.equal(
        dt('1969-12-31'),
      );
    });

    it('gives null for a null, zero or negative bin size', () => {
      expect(call('bin', [5n, null], ['long', 'long'], 'long')).to.equal(null);
      expect(call('bin', [5n, 0n], ['long', 'long'], 'long')).to.equal(null);
      expect(call('bin', [5.5, -1.0], ['real', 'real'], 'real')).to.equal(null);
      expect(call('bin', [null, 1n], ['long', 'long'], 'long')).to.equal(null);
    });

    it('aligns bins to a fixed point with bin_at (docs examples)', () => {
      expect(call('bin_at', [6.5, 2.5, 7n], ['real', 'real', 'long'], 'real')).to.equal(4.5);
      expect(
        call(
          'bin_at',
          [TICKS_PER_HOUR, TICKS_PER_DAY, 12n * TICKS_PER_HOUR],
          ['timespan', 'timespan', 'timespan'],
          'timespan',
        ),
      ).to.equal(-12n * TICKS_PER_HOUR);
      const types = ['datetime', 'timespan', 'datetime'] as KustoScalarType[];
      expect(
        call('bin_at', [dt('2017-05-15 10:20:00'), TICKS_PER_DAY, dt('1970-01-01 12:00')], types, 'datetime'),
      ).to.equal(dt('2017-05-14 12:00'));
      expect(
        call('bin_at', [dt('2017-05-17 10:20:00'), 7n * TICKS_PER_DAY, dt('2017-06-04')], types, 'datetime'),
      ).to.equal(dt('2017-05-14'));
    });
  });

  it('rounds to a precision as the docs show', () => {
    const round = (x: number, p?: bigint): Value =>
      call('round', p === undefined ? [x] : [x, p], p === undefined ? ['real'] : ['real', 'long'], 'real');
    expect(round(2.98765, 3n)).to.equal(2.988);
    expect(round(2.15, 1n)).to.equal(2.2);
    expect(round(2.15)).to.equal(2);
    expect(round(-50.55, -2n)).to.equal(-100);
    expect(round(21.5, -1n)).to.equal(20);
    expect(call('round', [1250n, -2n], ['long', 'long'], 'long')).to.equal(1300n);
    expect(call('round', [7], ['int'], 'int')).to.equal(7);
  });

  it('computes abs, ceiling, sign, pow, sqrt, log and exp with Kusto null rules', () => {
    expect(call('abs', [-5n], ['long'], 'long')).to.equal(5n);
    expect(call('abs', [-TICKS_PER_HOUR], ['timespan'], 'timespan')).to.equal(TICKS_PER_HOUR);
    expect(call('abs', [-2.5], ['real'], 'real')).to.equal(2.5);
    expect(call('ceiling', [1.5], ['real'], 'real')).to.equal(2);
    expect(call('ceiling', [5n], ['long'], 'long')).to.equal(5n);
    expect(call('sign', [-3n], ['long'], 'real')).to.equal(-1);
    expect(call('pow', [2n, 3n], ['long', 'long'], 'real')).to.equal(8);
    expect(call('sqrt', [4n], ['long'], 'real')).to.equal(2);
    expect(call('sqrt', [-4n], ['long'], 'real')).to.equal(null);
    expect(call('log', [5n], ['long'], 'real')).to.equal(1.6094379124341003);
    expect(call('log', [-1.0], ['real'], 'real')).to.equal(null);
    expect(call('log10', [1000n], ['long'], 'real')).to.equal(3);
    expect(call('log2', [8n], ['long'], 'real')).to.equal(3);
    expect(call('exp', [0n], ['long'], 'real')).to.equal(1);
    expect(call('exp10', [2n], ['long'], 'real')).to.equal(100);
    expect(call('pow', [null, 2n], ['long', 'long'], 'real')).to.equal(null);
  });

  it('tests real values and picks extremes ignoring nulls', () => {
    expect(call('isnan', [NaN], ['real'], 'bool')).to.equal(true);
    expect(call('isinf', [-Infinity], ['real'], 'bool')).to.equal(true);
    expect(call('isfinite', [1.5], ['real'], 'bool')).to.equal(true);
    expect(call('max_of', [10n, 1n, null, 4n], ['long', 'long', 'long', 'long'], 'long')).to.equal(10n);
    expect(call('min_of', [10n, 2.5], ['long', 'real'], 'real')).to.equal(2.5);
    expect(call('max_of', [null, null], ['long', 'long'], 'long')).to.equal(null);
  });

  it('does 64-bit binary operations', () => {
    expect(call('binary_and', [12n, 10n], ['long', 'long'], 'long')).to.equal(8n);
    expect(call('binary_or', [12n, 10n], ['long', 'long'], 'long')).to.equal(14n);
    expect(call('binary_xor', [12n, 10n], ['long', 'long'], 'long')).to.equal(6n);
    expect(call('binary_not', [0n], ['long'], 'long')).to.equal(-1n);
    expect(call('binary_shift_left', [1n, 63n], ['long', 'long'], 'long')).to.equal(-(2n ** 63n));
    expect(call('binary_shift_right', [-8n, 1n], ['long', 'long'], 'long')).to.equal(-4n);
    expect(call('bitset_count_ones', [-1n], ['long'], 'int')).to.equal(64);
  });
});
