import { expect } from 'chai';
import { column, database, run, schemaOf, ticks, expectNotSupported } from '../fixtures/database';

// The examples and outputs of the KQL reference's date and time pages (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/<name>-function.md), run as published.
describe('emulator date and time functions (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);
  const HOUR = 36_000_000_000n;

  it('datetime_utc_to_local converts to an IANA zone (datetime-utc-to-local-function)', () => {
    const result = run(
      db,
      `print dt=datetime(2022-07-11 22:18:48.4678620)
       | extend pacific_dt = datetime_utc_to_local(dt, 'US/Pacific'), canberra_dt = datetime_utc_to_local(dt, 'Australia/Canberra')
       | extend diff = pacific_dt - canberra_dt`,
    );
    expect(schemaOf(result)).to.deep.equal([
      'dt:datetime',
      'pacific_dt:datetime',
      'canberra_dt:datetime',
      'diff:timespan',
    ]);
    const sub = 4_678_620n;
    expect(result.rows).to.deep.equal([
      [
        ticks('2022-07-11T22:18:48Z') + sub,
        ticks('2022-07-11T15:18:48Z') + sub,
        ticks('2022-07-12T08:18:48Z') + sub,
        -17n * HOUR,
      ],
    ]);
  });

  it('datetime_local_to_utc converts from an IANA zone (datetime-local-to-utc-function)', () => {
    const result = run(
      db,
      `datatable(local_dt: datetime, tz: string)
       [ datetime(2020-02-02 20:02:20), 'US/Pacific',
         datetime(2020-02-02 20:02:20), 'America/Chicago',
         datetime(2020-02-02 20:02:20), 'Europe/Paris']
       | extend utc_dt = datetime_local_to_utc(local_dt, tz)`,
    );
    expect(column(result, 'utc_dt')).to.deep.equal([
      ticks('2020-02-03T04:02:20Z'),
      ticks('2020-02-03T02:02:20Z'),
      ticks('2020-02-02T19:02:20Z'),
    ]);
  });

  it('datetime_local_to_utc takes the later offset for a local time the clocks skip (Europe/Brussels example)', () => {
    const result = run(
      db,
      `range Local from datetime(2022-03-27 01:00:00.0000000) to datetime(2022-03-27 04:00:00.0000000) step 1h
       | extend UTC=datetime_local_to_utc(Local, 'Europe/Brussels')
       | extend BackToLocal=datetime_utc_to_local(UTC, 'Europe/Brussels')
       | extend diff=Local-BackToLocal`,
    );
    expect(result.rows).to.deep.equal([
      [ticks('2022-03-27T01:00:00Z'), ticks('2022-03-27T00:00:00Z'), ticks('2022-03-27T01:00:00Z'), 0n],
      [ticks('2022-03-27T02:00:00Z'), ticks('2022-03-27T00:00:00Z'), ticks('2022-03-27T01:00:00Z'), HOUR],
      [ticks('2022-03-27T03:00:00Z'), ticks('2022-03-27T01:00:00Z'), ticks('2022-03-27T03:00:00Z'), 0n],
      [ticks('2022-03-27T04:00:00Z'), ticks('2022-03-27T02:00:00Z'), ticks('2022-03-27T04:00:00Z'), 0n],
    ]);
  });

  it('refuses a local time that occurs twice, and a zone that is not an IANA zone', () => {
    refused(
      `print datetime_local_to_utc(datetime(2022-10-30 02:30:00), 'Europe/Brussels')`,
      /datetime_local_to_utc\(\) of a local time that occurs twice in 'Europe\/Brussels'/,
    );
    refused(`print datetime_utc_to_local(datetime(2022-10-30), 'Mars/Olympus')`, /time zone 'Mars\/Olympus'/);
    expect(run(db, `print datetime_utc_to_local(datetime(null), 'UTC')`).rows).to.deep.equal([[null]]);
  });

  it('make_datetime from parts, seconds with a fraction (make-datetime-function)', () => {
    const result = run(
      db,
      `print year_month_day = make_datetime(2017,10,01),
             year_month_day_hour_minute = make_datetime(2017,10,01,12,10),
             year_month_day_hour_minute_second = make_datetime(2017,10,01,12,11,0.1234567)`,
    );
    expect(result.rows).to.deep.equal([
      [ticks('2017-10-01T00:00:00Z'), ticks('2017-10-01T12:10:00Z'), ticks('2017-10-01T12:11:00Z') + 1_234_567n],
    ]);
    // "If successful … otherwise null".
    expect(run(db, `print make_datetime(2017,13,01), make_datetime(2017,2,30)`).rows).to.deep.equal([[null, null]]);
  });

  it('make_timespan from days, hours, minutes and seconds (make-timespan-function)', () => {
    // The reference's example passes 55.123 seconds; the Kusto.Language the emulator analyses with types the
    // seconds as an integer and rejects it, so the example runs here with whole seconds.
    const result = run(db, `print ['timespan'] = make_timespan(1,12,30,55), hm = make_timespan(12,30)`);
    expect(schemaOf(result)).to.deep.equal(['timespan:timespan', 'hm:timespan']);
    expect(result.rows).to.deep.equal([
      [864_000_000_000n + 12n * HOUR + 30n * 600_000_000n + 550_000_000n, 12n * HOUR + 30n * 600_000_000n],
    ]);
  });

  it('week_of_year is the ISO 8601 week (week-of-year-function)', () => {
    const result = run(
      db,
      `print week_of_year(datetime(2020-12-31)), week_of_year(datetime(2020-06-15)),
             week_of_year(datetime(1970-01-01)), week_of_year(datetime(2000-01-01))`,
    );
    expect(result.rows).to.deep.equal([[53, 25, 1, 52]]);
  });

  it('dayofyear (day-of-year-function)', () => {
    expect(run(db, `print result = dayofyear(datetime(2015-12-14))`).rows).to.deep.equal([[348]]);
  });

  it('startofweek with an offset in weeks, weeks starting on Sunday (startofweek-function)', () => {
    const result = run(
      db,
      `range offset from -1 to 1 step 1
       | project weekStart = startofweek(datetime(2017-01-01 10:10:17), offset)`,
    );
    expect(column(result, 'weekStart')).to.deep.equal([
      ticks('2016-12-25T00:00:00Z'),
      ticks('2017-01-01T00:00:00Z'),
      ticks('2017-01-08T00:00:00Z'),
    ]);
    const monday = run(
      db,
      `let startofweekFromMonday = (dateArg: datetime) {
           datetime_add('day', 1, startofweek(datetime_add('day', -1, dateArg)))
       };
       let data=datatable(Date: datetime, day: string)
       [ datetime(2025, 6, 14), "Saturday", datetime(2025, 6, 15), "Sunday",
         datetime(2025, 6, 16), "Monday", datetime(2025, 6, 17), "Tuesday" ];
       data | extend MondayWeek=startofweekFromMonday(Date)`,
    );
    expect(column(monday, 'MondayWeek')).to.deep.equal([
      ticks('2025-06-09T00:00:00Z'),
      ticks('2025-06-09T00:00:00Z'),
      ticks('2025-06-16T00:00:00Z'),
      ticks('2025-06-16T00:00:00Z'),
    ]);
  });

  it('format_timespan with d, h, H, m, s, f and F elements (format-timespan-function)', () => {
    const result = run(
      db,
      `let t = time(29.09:00:05.12345);
       print v1=format_timespan(t, 'dd.hh:mm:ss:FF'), v2=format_timespan(t, 'ddd.h:mm:ss [fffffff]')`,
    );
    expect(result.rows).to.deep.equal([['29.09:00:05:12', '029.9:00:05 [1234500]']]);
  });
});
