import { expect } from 'chai';
import { KustoEmulatorError } from '../../lib/errors';
import { column, database, expectNotSupported, products, run, schemaOf, ticks } from './fixtures/database';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

// The window functions' examples and outputs as the KQL reference publishes them (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/<name>-function.md and serialize-operator.md), and the serialized row set rule
// (window-functions.md, serialize-operator.md).
describe('emulator window functions (documented examples)', () => {
  const db = database('Docs', [products()]);

  /** Asserts Kusto's semantic error for a window function over rows that are not serialized. */
  const notSerialized = (query: string, fn: string): void => {
    let error: unknown;
    try {
      run(db, query);
    } catch (e) {
      error = e;
    }
    expect(error, query).to.be.instanceOf(KustoEmulatorError);
    expect((error as KustoEmulatorError).code).to.equal('General_BadRequest');
    expect((error as Error).message).to.equal(
      `Semantic error: Function '${fn}' cannot be invoked in current context. Details: the row set must be serialized.`,
    );
  };

  it('row_number numbers rows from 1, from a start, and restarts (row-number-function)', () => {
    const plain = run(db, 'range a from 1 to 10 step 1 | sort by a desc | extend rn=row_number()');
    expect(schemaOf(plain)).to.deep.equal(['a:long', 'rn:long']);
    expect(column(plain, 'a')).to.deep.equal([10n, 9n, 8n, 7n, 6n, 5n, 4n, 3n, 2n, 1n]);
    expect(column(plain, 'rn')).to.deep.equal([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    const seven = run(db, 'range a from 1 to 10 step 1 | sort by a desc | extend rn=row_number(7)');
    expect(column(seven, 'rn')).to.deep.equal([7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 16n]);
    const airports = run(
      db,
      `datatable (Airport:string, Airline:string, Departures:long)
       ["TLV", "LH", 1, "TLV", "LY", 100, "SEA", "LH", 1, "SEA", "BA", 2, "SEA", "LY", 0]
       | sort by Airport asc, Departures desc
       | extend Rank=row_number(1, prev(Airport) != Airport)`,
    );
    expect(airports.rows).to.deep.equal([
      ['SEA', 'BA', 2n, 1n],
      ['SEA', 'LH', 1n, 2n],
      ['SEA', 'LY', 0n, 3n],
      ['TLV', 'LY', 100n, 1n],
      ['TLV', 'LH', 1n, 2n],
    ]);
  });

  it('row_cumsum sums, and restarts per partition (row-cumsum-function)', () => {
    const evens = run(
      db,
      'datatable (a:long) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] | where a%2==0 | serialize cs=row_cumsum(a)',
    );
    expect(evens.rows).to.deep.equal([
      [2n, 2n],
      [4n, 6n],
      [6n, 12n],
      [8n, 20n],
      [10n, 30n],
    ]);
    const salaries = run(
      db,
      `datatable (name:string, month:int, salary:long)
       ["Alice", 1, 1000, "Bob", 1, 1000, "Alice", 2, 2000, "Bob", 2, 1950, "Alice", 3, 1400, "Bob", 3, 1450]
       | order by name asc, month asc
       | extend total=row_cumsum(salary, name != prev(name))`,
    );
    expect(salaries.rows).to.deep.equal([
      ['Alice', 1, 1000n, 1000n],
      ['Alice', 2, 2000n, 3000n],
      ['Alice', 3, 1400n, 4400n],
      ['Bob', 1, 1000n, 1000n],
      ['Bob', 2, 1950n, 2950n],
      ['Bob', 3, 1450n, 4400n],
    ]);
    const reals = run(db, 'datatable (x:real) [0.5, 0.25, 1] | serialize s=row_cumsum(x)');
    expect(column(reals, 's')).to.deep.equal([0.5, 0.75, 1.75]);
  });

  it('prev and next read other rows, with an offset and a default (prev-function, next-function)', () => {
    // "Since there was no session prior to the first session, the column is empty in the first row."
    const sessions = run(
      db,
      `datatable (session_type:string) ["Keynote", "Expo Session", "Breakout", "Expo Session", "Expo Session"]
       | serialize previous_session_type = prev(session_type), next_session_type = next(session_type)`,
    );
    expect(column(sessions, 'previous_session_type')).to.deep.equal([
      '',
      'Keynote',
      'Expo Session',
      'Breakout',
      'Expo Session',
    ]);
    expect(column(sessions, 'next_session_type')).to.deep.equal([
      'Expo Session',
      'Breakout',
      'Expo Session',
      'Expo Session',
      '',
    ]);
    const offsets = run(
      db,
      'range a from 1 to 5 step 1 | extend p2 = prev(a, 2), n2 = next(a, 2, -1), d = a - prev(a, 1, 0)',
    );
    expect(column(offsets, 'p2')).to.deep.equal([null, null, 1n, 2n, 3n]);
    expect(column(offsets, 'n2')).to.deep.equal([3n, 4n, 5n, -1n, -1n]);
    expect(column(offsets, 'd')).to.deep.equal([1n, 1n, 1n, 1n, 1n]);
  });

  it('datetime_diff against prev keeps the rows with long breaks (prev-function)', () => {
    const result = run(
      db,
      `datatable (Timestamp:datetime, SensorName:string)
       [datetime(2022-04-13 00:58:52.797), "sensor-9", datetime(2022-04-13 00:58:53.048), "sensor-9",
        datetime(2022-04-13 00:58:53.100), "sensor-9", datetime(2022-04-13 00:58:53.100), "sensor-1"]
       | where SensorName == 'sensor-9'
       | sort by Timestamp asc
       | extend timeDiffInMilliseconds = datetime_diff('millisecond', Timestamp, prev(Timestamp, 1))
       | where timeDiffInMilliseconds > 250`,
    );
    expect(column(result, 'Timestamp')).to.deep.equal([ticks('2022-04-13T00:58:53.048Z')]);
    expect(column(result, 'timeDiffInMilliseconds')).to.deep.equal([251n]);
  });

  it('row_rank_min and row_rank_dense rank equal terms alike (row-rank-min-function, row-rank-dense-function)', () => {
    const data = `datatable (Airport:string, Airline:string, Departures:long)
       ["SEA", "LH", 3, "SEA", "LY", 100, "SEA", "UA", 3, "SEA", "BA", 2, "SEA", "EL", 3]
       | sort by Departures asc`;
    const min = run(db, `${data} | extend Rank=row_rank_min(Departures)`);
    expect(min.rows).to.deep.equal([
      ['SEA', 'BA', 2n, 1n],
      ['SEA', 'LH', 3n, 2n],
      ['SEA', 'UA', 3n, 2n],
      ['SEA', 'EL', 3n, 2n],
      ['SEA', 'LY', 100n, 5n],
    ]);
    const dense = run(db, `${data} | extend Rank=row_rank_dense(Departures)`);
    expect(column(dense, 'Rank')).to.deep.equal([1n, 2n, 2n, 2n, 3n]);
    const partitioned = run(
      db,
      `datatable (Airport:string, Airline:string, Departures:long)
       ["SEA", "LH", 3, "SEA", "LY", 100, "SEA", "UA", 3, "SEA", "BA", 2, "SEA", "EL", 3, "AMS", "EL", 1, "AMS", "BA", 1]
       | sort by Airport desc, Departures asc
       | extend Rank=row_rank_dense(Departures, prev(Airport) != Airport)`,
    );
    expect(partitioned.rows.map((r) => [r[0], r[2], r[3]])).to.deep.equal([
      ['SEA', 2n, 1n],
      ['SEA', 3n, 2n],
      ['SEA', 3n, 2n],
      ['SEA', 3n, 2n],
      ['SEA', 100n, 3n],
      ['AMS', 1n, 1n],
      ['AMS', 1n, 1n],
    ]);
  });

  it('row_window_session gives each row its session start (row-window-session-function)', () => {
    const result = run(
      db,
      `datatable (ID:string, Timestamp:datetime) [
         "1", datetime(2024-04-11 10:00:00), "2", datetime(2024-04-11 10:18:00), "1", datetime(2024-04-11 11:00:00),
         "3", datetime(2024-04-11 11:30:00), "2", datetime(2024-04-11 13:30:00), "2", datetime(2024-04-11 10:16:00)]
       | sort by ID asc, Timestamp asc
       | extend SessionStarted = row_window_session(Timestamp, 1h, 5m, ID != prev(ID))`,
    );
    const t = (hm: string): bigint => ticks(`2024-04-11T${hm}:00Z`);
    expect(result.rows).to.deep.equal([
      ['1', t('10:00'), t('10:00')],
      ['1', t('11:00'), t('11:00')],
      ['2', t('10:16'), t('10:16')],
      ['2', t('10:18'), t('10:16')],
      ['2', t('13:30'), t('13:30')],
      ['3', t('11:30'), t('11:30')],
    ]);
  });

  it('needs a serialized row set: sort, top, range, serialize and the operators that keep it', () => {
    // serialize-operator.md: range, sort, order, top, top-hitters and getschema serialize; summarize, distinct,
    // join, count, mv-expand … do not; the other operators keep their input's serialization.
    expect(column(run(db, 'Products | top 2 by Cost | extend r = row_number()'), 'r')).to.deep.equal([1n, 2n]);
    expect(
      column(run(db, 'Products | order by ProductID asc | where Cost > 1 | project Name, r = row_number()'), 'r'),
    ).to.deep.equal([1n, 2n, 3n]);
    expect(column(run(db, 'Products | serialize | where row_number() <= 2'), 'ProductID')).to.deep.equal([1n, 2n]);
    expect(
      column(run(db, 'let Sorted = Products | order by Cost desc; Sorted | extend r = row_number()'), 'Name'),
    ).to.deep.equal(['Dates', 'Eggplant', 'Apple', 'Carrot', 'Banana']);
    notSerialized('Products | extend r = row_number()', 'row_number');
    notSerialized('Products | where prev(Cost) > Cost', 'prev');
    notSerialized(
      'Products | order by Cost | summarize count() by Category | extend r = row_cumsum(count_)',
      'row_cumsum',
    );
    notSerialized('let P = Products; P | extend n = next(Name)', 'next');
    notSerialized(
      'Products | order by Cost | distinct Category | extend r = row_rank_dense(Category)',
      'row_rank_dense',
    );
  });

  it('refuses what it cannot evaluate for sure, naming it', () => {
    expectNotSupported(
      db,
      'Products | serialize | summarize x = sum(row_number())',
      /window function 'row_number' in 'summarize'/,
    );
    expectNotSupported(db, 'Products | mv-expand Tags | extend r = row_number()', /window function 'row_number' over/);
    expectNotSupported(db, 'Products | serialize | extend p = prev(Cost, -1)', /offset -1 of 'prev'/);
    expectNotSupported(db, 'Products | serialize | extend s = row_cumsum(Stock)', /null term of 'row_cumsum'/);
  });
});

describe('emulator window functions through azure-kusto-data', () => {
  const fixture = useEmulator();

  it('answers serialize with row_number, prev and row_cumsum', async () => {
    const rows = rowsOf(
      await fixture.client.execute(
        'db',
        'range x from 1 to 4 step 1 | serialize n = row_number(10), p = prev(x), c = row_cumsum(x, x == 3)',
      ),
    );
    expect(rows).to.deep.equal([
      { x: 1, n: 10, p: null, c: 1 },
      { x: 2, n: 11, p: 1, c: 3 },
      { x: 3, n: 12, p: 2, c: 3 },
      { x: 4, n: 13, p: 3, c: 7 },
    ]);
  });

  it('answers a window function over rows that are not serialized with Kusto semantic error', async () => {
    const f = await failure(fixture.client.execute('db', 'datatable (x:long) [1, 2] | extend r = row_number()'));
    expect(f.status).to.equal(400);
    expect(f.error['@message']).to.contain("Function 'row_number' cannot be invoked in current context");
  });
});
