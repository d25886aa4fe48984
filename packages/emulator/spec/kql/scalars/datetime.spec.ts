import { expect } from 'chai';
import { KustoEmulatorError } from '../../../lib/errors';
import type { KustoScalarType, Value } from '../../../lib/model';
import { datetimeFunctions } from '../../../lib/kql/scalars/datetime';
import { TICKS_PER_DAY, TICKS_PER_HOUR } from '../../../lib/values/calendar';
import { parseDatetime } from '../../../lib/values/datetimeText';
import { formatTimespan, parseTimespan } from '../../../lib/values/timespanText';

const NOW = parseDatetime('2024-05-01T12:00:00Z') as bigint;
const call = (name: string, args: Value[], types: KustoScalarType[], result: KustoScalarType = 'datetime'): Value =>
  datetimeFunctions[name](args, types, result, { now: NOW });
const dt = (text: string): bigint => {
  const ticks = parseDatetime(text);
  if (ticks === null) throw new Error(`bad test datetime ${text}`);
  return ticks;
};
const DL = ['datetime', 'long'] as KustoScalarType[];

describe('emulator datetime functions', () => {
  it('reads the request now() and ago()', () => {
    expect(call('now', [], [])).to.equal(NOW);
    expect(call('now', [-TICKS_PER_DAY], ['timespan'])).to.equal(dt('2024-04-30T12:00:00Z'));
    expect(call('ago', [TICKS_PER_HOUR], ['timespan'])).to.equal(dt('2024-05-01T11:00:00Z'));
    expect(call('ago', [null], ['timespan'])).to.equal(null);
  });

  it('finds the start and end of periods with offsets (docs: startofweek, endofmonth)', () => {
    const t = dt('2017-01-01 10:10:17');
    expect([-1n, 0n, 1n].map((o) => call('startofweek', [t, o], DL))).to.deep.equal([
      dt('2016-12-25'),
      dt('2017-01-01'),
      dt('2017-01-08'),
    ]);
    expect([-1n, 0n, 1n].map((o) => call('endofmonth', [t, o], DL))).to.deep.equal([
      dt('2016-12-31 23:59:59.9999999'),
      dt('2017-01-31 23:59:59.9999999'),
      dt('2017-02-28 23:59:59.9999999'),
    ]);
    expect(call('startofday', [dt('2017-01-01 10:10:17')], ['datetime'])).to.equal(dt('2017-01-01'));
    expect(call('startofmonth', [dt('2017-03-31 10:00'), -1n], DL)).to.equal(dt('2017-02-01'));
    expect(call('startofyear', [dt('2017-03-31')], ['datetime'])).to.equal(dt('2017-01-01'));
    expect(call('endofday', [dt('2017-03-31 10:00')], ['datetime'])).to.equal(dt('2017-03-31 23:59:59.9999999'));
    expect(call('endofyear', [dt('2017-03-31')], ['datetime'])).to.equal(dt('2017-12-31 23:59:59.9999999'));
    expect(call('endofweek', [dt('2017-01-04')], ['datetime'])).to.equal(dt('2017-01-07 23:59:59.9999999'));
  });

  it('adds periods as the docs show, clamping month ends', () => {
    const base = dt('2017-01-01');
    const add = (period: string, amount: bigint): Value =>
      call('datetime_add', [period, amount, base], ['string', 'long', 'datetime']);
    expect(add('year', 1n)).to.equal(dt('2018-01-01'));
    expect(add('quarter', 1n)).to.equal(dt('2017-04-01'));
    expect(add('month', 1n)).to.equal(dt('2017-02-01'));
    expect(add('week', 1n)).to.equal(dt('2017-01-08'));
    expect(add('Day', 1n)).to.equal(dt('2017-01-02'));
    expect(add('hour', 1n)).to.equal(dt('2017-01-01 01:00'));
    expect(add('year', -5n)).to.equal(dt('2012-01-01'));
    expect(add('quarter', 12n)).to.equal(dt('2020-01-01'));
    expect(add('month', -15n)).to.equal(dt('2015-10-01'));
    expect(add('week', 100n)).to.equal(dt('2018-12-02'));
    expect(call('datetime_add', ['month', 1n, dt('2017-01-31')], ['string', 'long', 'datetime'])).to.equal(
      dt('2017-02-28'),
    );
    expect(() => add('fortnight', 1n)).to.throw(KustoEmulatorError, /fortnight/);
  });

  it('counts period boundaries with datetime_diff (docs example)', () => {
    const diffs: [string, string, string, bigint][] = [
      ['year', '2017-01-01', '2000-12-31', 17n],
      ['quarter', '2017-07-01', '2017-03-30', 2n],
      ['month', '2017-01-01', '2015-12-30', 13n],
      ['week', '2017-10-29 00:00', '2017-09-30 23:59', 5n],
      ['day', '2017-10-29 00:00', '2017-09-30 23:59', 29n],
      ['hour', '2017-10-31 01:00', '2017-10-30 23:59', 2n],
      ['minute', '2017-10-30 23:05:01', '2017-10-30 23:00:59', 5n],
      ['second', '2017-10-30 23:00:10.100', '2017-10-30 23:00:00.900', 10n],
      ['millisecond', '2017-10-30 23:00:00.200100', '2017-10-30 23:00:00.100900', 100n],
      ['microsecond', '2017-10-30 23:00:00.1009001', '2017-10-30 23:00:00.1008009', 100n],
      ['nanosecond', '2017-10-30 23:00:00.0000000', '2017-10-30 23:00:00.0000007', -700n],
    ];
    for (const [period, a, b, expected] of diffs) {
      expect(
        call('datetime_diff', [period, dt(a), dt(b)], ['string', 'datetime', 'datetime'], 'long'),
        period,
      ).to.equal(expected);
    }
  });

  it('formats datetimes with Kusto format specifiers (docs examples)', () => {
    const t = dt('2017-01-29 09:00:05');
    const fmt = (format: string, v: bigint = t): Value =>
      call('format_datetime', [v, format], ['datetime', 'string'], 'string');
    expect(fmt('yy-MM-dd [HH:mm:ss]')).to.equal('17-01-29 [09:00:05]');
    expect(fmt('yyyy-M-dd [H:mm:ss]')).to.equal('2017-1-29 [9:00:05]');
    expect(fmt('yy-MM-dd [hh:mm:ss tt]')).to.equal('17-01-29 [09:00:05 AM]');
    expect(fmt('fff', dt('2009-06-15T13:45:30.617'))).to.equal('617');
    expect(fmt('FFFFFFF', dt('2009-06-15T13:45:30.0001150'))).to.equal('000115');
    expect(fmt('ss.FFF', dt('2009-06-15T13:45:30'))).to.equal('30');
    expect(fmt('y yy yyyy', dt('0900-01-01'))).to.equal('0 00 0900');
    expect(fmt('h tt', dt('2009-06-15T13:45:30'))).to.equal('1 PM');
  });

  it('formats timespans (docs example)', () => {
    const t = parseTimespan('29.09:00:05.12345') as bigint;
    const fmt = (format: string): Value => call('format_timespan', [t, format], ['timespan', 'string'], 'string');
    expect(fmt('dd.hh:mm:ss:FF')).to.equal('29.09:00:05:12');
    expect(fmt('ddd.h:mm:ss [fffffff]')).to.equal('029.9:00:05 [1234500]');
  });

  it('gives dayofweek as a timespan and the date parts as ints (docs examples)', () => {
    const dow = (text: string): string =>
      formatTimespan(call('dayofweek', [dt(text)], ['datetime'], 'timespan') as bigint);
    expect(dow('1947-11-30 10:00:05')).to.equal('00:00:00');
    expect(dow('1970-05-11')).to.equal('1.00:00:00');
    expect(dow('1970-5-12')).to.equal('2.00:00:00');
    const t = dt('2015-12-14 14:30:00');
    expect(call('getyear', [t], ['datetime'], 'int')).to.equal(2015);
    expect(call('getmonth', [t], ['datetime'], 'int')).to.equal(12);
    expect(call('monthofyear', [t], ['datetime'], 'int')).to.equal(12);
    expect(call('dayofmonth', [t], ['datetime'], 'int')).to.equal(14);
    expect(call('hourofday', [t], ['datetime'], 'int')).to.equal(14);
    expect(call('dayofyear', [t], ['datetime'], 'int')).to.equal(348);
    expect(call('week_of_year', [dt('2021-01-01')], ['datetime'], 'int')).to.equal(53);
    expect(call('datetime_part', ['quarter', t], ['string', 'datetime'], 'int')).to.equal(4);
    expect(call('getyear', [null], ['datetime'], 'int')).to.equal(null);
  });

  it('builds datetimes and timespans from parts and from Unix time', () => {
    expect(
      call('make_datetime', [2017n, 10n, 1n, 12n, 10n, 30.5], ['long', 'long', 'long', 'long', 'long', 'real']),
    ).to.equal(dt('2017-10-01 12:10:30.5'));
    expect(call('make_datetime', [2017n, 2n, 30n], ['long', 'long', 'long'])).to.equal(null);
    expect(call('make_timespan', [1n, 12n, 30n, 55.2], ['long', 'long', 'long', 'real'], 'timespan')).to.equal(
      parseTimespan('1.12:30:55.2'),
    );
    expect(call('unixtime_seconds_todatetime', [1546300800n], ['long'])).to.equal(dt('2019-01-01'));
    expect(call('unixtime_milliseconds_todatetime', [1546300800000n], ['long'])).to.equal(dt('2019-01-01'));
    expect(call('unixtime_microseconds_todatetime', [1546300800000000n], ['long'])).to.equal(dt('2019-01-01'));
    expect(call('unixtime_nanoseconds_todatetime', [1546300800000000000n], ['long'])).to.equal(dt('2019-01-01'));
    expect(call('unixtime_seconds_todatetime', [1546300800.5], ['real'])).to.equal(dt('2019-01-01T00:00:00.5Z'));
  });
});
