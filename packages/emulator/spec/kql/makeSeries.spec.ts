import { expect } from 'chai';
import { column, database, expectNotSupported, run, schemaOf, table, ticks } from './fixtures/database';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

// make-series, the series functions and range over datetimes, with the examples and outputs the KQL reference
// publishes (MicrosoftDocs/dataexplorer-docs, data-explorer/kusto/query/make-series-operator.md,
// series-*-function.md, range-operator.md).
describe('emulator make-series and series functions (documented examples)', () => {
  const sales = table('Sales', 'Timestamp:datetime, Supplier:string, Fruit:string, Price:real', [
    [ticks('2016-09-10T00:00:00Z'), 'Pasteur', 'Apple', 2],
    [ticks('2016-09-10T06:00:00Z'), 'Pasteur', 'Apple', 4],
    [ticks('2016-09-12T00:00:00Z'), 'Pasteur', 'Apple', 6],
    [ticks('2016-09-11T00:00:00Z'), 'Barak', 'Lemon', 1],
    [ticks('2016-09-14T00:00:00Z'), 'Barak', 'Lemon', 100],
    [ticks('2016-09-09T00:00:00Z'), 'Barak', 'Lemon', 100],
  ]);
  const db = database('Docs', [sales]);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);
  const days = (from: string, n: number): string[] =>
    Array.from({ length: n }, (_, i) =>
      new Date(Date.parse(from) + i * 86_400_000).toISOString().replace('.000Z', '.0000000Z'),
    );

  const data = `let data=datatable(timestamp:datetime, metric: real)
    [ datetime(2016-12-31T06:00), 50, datetime(2017-01-01), 4, datetime(2017-01-02), 3, datetime(2017-01-03), 4,
      datetime(2017-01-03T03:00), 6, datetime(2017-01-05), 8, datetime(2017-01-05T13:40), 13, datetime(2017-01-06), 4,
      datetime(2017-01-07), 3, datetime(2017-01-08), 8, datetime(2017-01-08T21:00), 8, datetime(2017-01-09), 2,
      datetime(2017-01-09T12:00), 11, datetime(2017-01-10T05:00), 5 ];
    let interval = 1d;
    let stime = datetime(2017-01-01);
    let etime = datetime(2017-01-10);
    data`;

  it('make-series averages per bin from start to end, the end excluded (make-series-operator)', () => {
    const result = run(db, `${data} | make-series avg(metric) on timestamp from stime to etime step interval`);
    expect(schemaOf(result)).to.deep.equal(['avg_metric:dynamic', 'timestamp:dynamic']);
    expect(result.rows).to.deep.equal([[[4.0, 3.0, 5.0, 0.0, 10.5, 4.0, 3.0, 8.0, 6.5], days('2017-01-01', 9)]]);
  });

  it('make-series over no rows is empty, and kind=nonempty gives the defaults (make-series-operator)', () => {
    const empty = run(
      db,
      `${data} | take 0 | make-series avg(metric) default=1.0 on timestamp from stime to etime step interval | count`,
    );
    expect(empty.rows).to.deep.equal([[0n]]);
    const nonempty = run(
      db,
      `${data} | take 0 | make-series kind=nonempty avg(metric) default=1.0 on timestamp from stime to etime step interval`,
    );
    expect(nonempty.rows).to.deep.equal([[new Array(9).fill(1.0), days('2017-01-01', 9)]]);
  });

  it('make-series with a by-clause, several aggregates and defaults gives a row per group', () => {
    const result = run(
      db,
      `Sales | make-series PriceAvg=avg(Price) default=0, n=count(), top=max(Price) default=double(null)
         on Timestamp from datetime(2016-09-10) to datetime(2016-09-13) step 1d by Supplier, Fruit
       | order by Supplier asc`,
    );
    expect(schemaOf(result)).to.deep.equal([
      'Supplier:string',
      'Fruit:string',
      'PriceAvg:dynamic',
      'n:dynamic',
      'top:dynamic',
      'Timestamp:dynamic',
    ]);
    // The Lemons of 09-09 and 09-14 lie outside [09-10, 09-13) and are left out.
    expect(result.rows).to.deep.equal([
      ['Barak', 'Lemon', [0, 1, 0], [0, 1, 0], [null, 1, null], days('2016-09-10', 3)],
      ['Pasteur', 'Apple', [3, 0, 6], [2, 0, 1], [4, null, 6], days('2016-09-10', 3)],
    ]);
  });

  it("make-series 'in range()' includes the stop; without from and to it spans the bins with data", () => {
    const inRange = run(
      db,
      `${data} | make-series sum(metric) on timestamp in range(datetime(2017-01-07), datetime(2017-01-09), 1d)`,
    );
    expect(inRange.rows).to.deep.equal([[[3, 16, 13], days('2017-01-07', 3)]]);
    const open = run(
      db,
      `${data} | where timestamp >= datetime(2017-01-05) | make-series count() on timestamp step 1d`,
    );
    expect(open.rows).to.deep.equal([[[2, 1, 1, 2, 2, 1], days('2017-01-05', 6)]]);
    const numeric = run(db, 'range x from 1 to 9 step 1 | make-series sum(x) default=-1 on x from 0 to 10 step 4');
    expect(numeric.rows).to.deep.equal([
      [
        [6, 22, 17],
        [0, 4, 8],
      ],
    ]);
  });

  it('refuses make-series forms the reference leaves open, naming them', () => {
    refused(
      'Sales | make-series n=count() default=1.5 on Timestamp from datetime(2016-09-10) to datetime(2016-09-12) step 1d',
      /make-series default '1.5' for 'count\(\)'/,
    );
    refused(
      'Sales | take 0 | make-series kind=nonempty count() on Timestamp from datetime(2016-09-10) to datetime(2016-09-12) step 1d by Fruit',
      /kind=nonempty with a by-clause over no rows/,
    );
    refused('Sales | make-series count() on Timestamp step 1d by Fruit', /make-series with a by-clause and no 'from'/);
    refused(
      'Sales | make-series count() on Timestamp from datetime(2016-09-10) to datetime(2016-09-11) step 1d by Fruit',
      /make-series of a group whose rows all lie outside the range/,
    );
    refused(
      'Sales | make-series count() on Timestamp in range(datetime(2016-09-10T06:00), datetime(2016-09-12), 1d)',
      /not on a bin boundary/,
    );
    refused(
      'Sales | make-series make_list(Price) on Timestamp from datetime(2016-09-10) to datetime(2016-09-12) step 1d',
      /aggregate 'make_list' in make-series/,
    );
    refused(
      'Sales | make-series s=avg(Price) on Timestamp from datetime(2016-09-10) to datetime(2016-09-12) step 1d | extend series_decompose(s)',
      /series_decompose/,
    );
  });

  it('series_fill_forward, series_fill_backward and series_fill_const fill the missing values (series-fill-*-function)', () => {
    const forward = run(
      db,
      `let data = datatable(arr: dynamic) [ dynamic([null, null, 36, 41, null, null, 16, 61, 33, null, null]) ];
       data | project arr, fill_forward = series_fill_forward(arr)`,
    );
    expect(column(forward, 'fill_forward')).to.deep.equal([[null, null, 36, 41, 41, 41, 16, 61, 33, 33, 33]]);
    const backward = run(
      db,
      `let data = datatable(arr: dynamic) [ dynamic([111, null, 36, 41, null, null, 16, 61, 33, null, null]) ];
       data | project arr, fill_backward = series_fill_backward(arr)`,
    );
    expect(column(backward, 'fill_backward')).to.deep.equal([[111, 36, 36, 41, 16, 16, 16, 61, 33, null, null]]);
    const constant = run(
      db,
      `let data = datatable(arr: dynamic) [ dynamic([111, null, 36, 41, 23, null, 16, 61, 33, null, null]) ];
       data | project arr, fill_const1 = series_fill_const(arr, 0.0), fill_const2 = series_fill_const(arr, -1)`,
    );
    expect(column(constant, 'fill_const1')).to.deep.equal([[111, 0.0, 36, 41, 23, 0.0, 16, 61, 33, 0.0, 0.0]]);
    expect(column(constant, 'fill_const2')).to.deep.equal([[111, -1, 36, 41, 23, -1, 16, 61, 33, -1, -1]]);
    const placeholder = run(db, 'print f = series_fill_forward(dynamic([1, -1, -1, 4]), -1)');
    expect(column(placeholder, 'f')).to.deep.equal([[1, 1, 1, 4]]);
  });

  it('series_fill_linear interpolates and fills the edges (series-fill-linear-function)', () => {
    const allMissing = run(
      db,
      `print arr = dynamic([null, null, null, null])
       | project without_args = series_fill_linear(arr), wo_edges = series_fill_linear(arr, double(null), false),
                 with_const = series_fill_linear(arr, double(null), true, 3.14159)`,
    );
    expect(allMissing.rows).to.deep.equal([
      [
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [3.14159, 3.14159, 3.14159, 3.14159],
      ],
    ]);
    const halves = run(
      db,
      `print arr = dynamic([null, 0.5, null, 1.5, null])
       | project with_edges = series_fill_linear(arr), wo_edges = series_fill_linear(arr, double(null), false)`,
    );
    expect(halves.rows).to.deep.equal([
      [
        [0.5, 0.5, 1.0, 1.5, 1.5],
        [null, 0.5, 1.0, 1.5, null],
      ],
    ]);
    // The reference's example: a long array rounds 73.5 to 73, a real one keeps 73.5; a dynamic number here is either.
    refused(
      'print series_fill_linear(dynamic([null, 111, null, 36, 41, null, null, 16, 61, 33, null, null]))',
      /series_fill_linear\(\) of whole numbers interpolated to a fraction/,
    );
  });

  it('series_stats_dynamic gives the statistics the reference publishes (series-stats-dynamic-function)', () => {
    const result = run(
      db,
      'print x=dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) | project stats=series_stats_dynamic(x)',
    );
    expect(column(result, 'stats')).to.deep.equal([
      {
        min: 2.0,
        min_idx: 8,
        max: 87.0,
        max_idx: 3,
        avg: 32.8,
        stdev: 28.503633853548269,
        variance: 812.45714285714291,
        sum: 492.0,
        len: 15,
      },
    ]);
    refused(
      'print series_stats_dynamic(dynamic([1, null, 3]))',
      /series_stats_dynamic\(\) of a series with a non-finite/,
    );
  });

  it('series_stats gives a column per statistic (series-stats-function)', () => {
    const result = run(
      db,
      'print x=dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) | project series_stats(x)',
    );
    expect(schemaOf(result)).to.deep.equal([
      'series_stats_x_min:real',
      'series_stats_x_min_idx:long',
      'series_stats_x_max:real',
      'series_stats_x_max_idx:long',
      'series_stats_x_avg:real',
      'series_stats_x_stdev:real',
      'series_stats_x_variance:real',
    ]);
    const [[min, minIdx, max, maxIdx, avg, stdev, variance]] = result.rows;
    expect([min, minIdx, max, maxIdx, avg]).to.deep.equal([2, 8n, 87, 3n, 32.8]);
    // Published to 15 significant digits.
    expect(stdev as number).to.be.closeTo(28.5036338535483, 1e-12);
    expect(variance as number).to.be.closeTo(812.457142857143, 1e-11);
    const named = run(db, 'print x=dynamic([1, 2, 6]) | extend (mn, mi, mx, xi, av, sd, vr) = series_stats(x), y = 1');
    expect(schemaOf(named)).to.deep.equal([
      'x:dynamic',
      'mn:real',
      'mi:long',
      'mx:real',
      'xi:long',
      'av:real',
      'sd:real',
      'vr:real',
      'y:long',
    ]);
    expect(named.rows).to.deep.equal([[[1, 2, 6], 1, 0n, 6, 2n, 3, Math.sqrt(7), 7, 1n]]);
    refused('print x=dynamic([1, 2, 6]) | extend (a, b) = series_stats(x)', /2 of series_stats' 7 columns named/);
  });

  it('series_add, series_divide and series_greater work element by element (series-*-function)', () => {
    const result = run(
      db,
      `range x from 1 to 3 step 1
       | extend y = x * 2
       | extend z = y * 2
       | project s1 = pack_array(x,y,z), s2 = pack_array(z, y, x)
       | extend s1_add_s2 = series_add(s1, s2), s1_divide_s2 = series_divide(s1, s2)`,
    );
    expect(column(result, 's1_add_s2')).to.deep.equal([
      [5, 4, 5],
      [10, 8, 10],
      [15, 12, 15],
    ]);
    expect(column(result, 's1_divide_s2')).to.deep.equal([
      [0.25, 1.0, 4.0],
      [0.25, 1.0, 4.0],
      [0.25, 1.0, 4.0],
    ]);
    const greater = run(
      db,
      'print s1 = dynamic([1,2,4]), s2 = dynamic([4,2,1]) | extend s1_greater_s2 = series_greater(s1, s2)',
    );
    expect(column(greater, 's1_greater_s2')).to.deep.equal([[false, false, true]]);
    const compared = run(
      db,
      `print s1 = dynamic([1,2,4]), s2 = dynamic([4,2,1])
       | project ge = series_greater_equals(s1, s2), lt = series_less(s1, s2), le = series_less_equals(s1, s2),
                 eq = series_equals(s1, s2), ne = series_not_equals(s1, s2)`,
    );
    expect(compared.rows).to.deep.equal([
      [
        [false, true, true],
        [true, false, false],
        [true, true, false],
        [false, true, false],
        [true, false, true],
      ],
    ]);
    // "Any non-numeric element or non-existing element (arrays of different sizes) yields a null element value."
    const ragged = run(
      db,
      `print d = series_subtract(dynamic([5, 'a', 7]), dynamic([1, 2])), m = series_multiply(dynamic([2, 3]), dynamic([4, 5]))`,
    );
    expect(ragged.rows).to.deep.equal([
      [
        [4, null, null],
        [8, 15],
      ],
    ]);
  });

  it('range steps over datetimes and timespans (range-operator)', () => {
    const union = run(
      db,
      `let Range1 = range Time from datetime(2024-01-01) to datetime(2024-01-05) step 1d;
       let Range2 = range Time from datetime(2024-01-06) to datetime(2024-01-10) step 1d;
       union Range1, Range2
       | order by Time asc`,
    );
    expect(schemaOf(union)).to.deep.equal(['Time:datetime']);
    expect(column(union, 'Time')).to.deep.equal(days('2024-01-01', 10).map((d) => ticks(d.replace('.0000000Z', 'Z'))));
    const hours = run(
      db,
      `let toUnixTime = (dt:datetime) { (dt - datetime(1970-01-01)) / 1s };
       range MyMonthHour from datetime(2023-02-01) to datetime(2023-02-01 12:00) step 4.534h
       | extend MyMonthHourinUnixTime = toUnixTime(MyMonthHour), DateOnly = bin(MyMonthHour,1d)`,
    );
    expect(column(hours, 'MyMonthHour')).to.deep.equal([
      ticks('2023-02-01T00:00:00Z'),
      ticks('2023-02-01T04:32:02.400Z'),
      ticks('2023-02-01T09:04:04.800Z'),
    ]);
    expect(column(hours, 'MyMonthHourinUnixTime')).to.deep.equal([1675209600, 1675225922.4, 1675242244.8]);
    const steps = run(db, 'range Steps from 1 to 8 step 3');
    expect(column(steps, 'Steps')).to.deep.equal([1n, 4n, 7n]);
    const spans = run(db, 'range t from 1d to 3d step 12h');
    expect(schemaOf(spans)).to.deep.equal(['t:timespan']);
    expect(column(spans, 't')).to.deep.equal([24n, 36n, 48n, 60n, 72n].map((h) => h * 36_000_000_000n));
  });
});

describe('emulator make-series through azure-kusto-data', () => {
  const fixture = useEmulator();

  it('answers make-series with a by-clause and series functions over it', async () => {
    const rows = rowsOf(
      await fixture.client.execute(
        'db',
        `range t from datetime(2024-01-01) to datetime(2024-01-05) step 1d
         | extend k = iff(t < datetime(2024-01-03), 'early', 'late'), v = 1.5
         | make-series s = sum(v) default = double(null) on t from datetime(2024-01-01) to datetime(2024-01-06) step 1d by k
         | extend filled = series_fill_forward(s) | order by k asc | project k, s, filled`,
      ),
    );
    expect(rows).to.deep.equal([
      { k: 'early', s: [1.5, 1.5, null, null, null], filled: [1.5, 1.5, 1.5, 1.5, 1.5] },
      { k: 'late', s: [null, null, 1.5, 1.5, 1.5], filled: [null, null, 1.5, 1.5, 1.5] },
    ]);
  });

  it('refuses series_decompose with BadRequest_NotSupported naming it', async () => {
    const f = await failure(
      fixture.client.execute('db', 'print s = dynamic([1, 2, 3, 4]) | extend d = series_decompose(s)'),
    );
    expect(f.status).to.equal(400);
    expect(f.error.code).to.equal('BadRequest_NotSupported');
    expect(f.error['@message']).to.contain('series_decompose');
  });
});
