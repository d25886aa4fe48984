import { expect } from 'chai';
import { database, expectNotSupported, run, schemaOf, table, ticks } from './fixtures/database';
import { rowsOf, useEmulator } from '../support/emulatorFixture';
import { KustoEmulatorError } from '../../lib/errors';

const MINUTE = 600_000_000n;

// The examples and outputs of the KQL reference's scan and partition pages (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/scan-operator.md and partition-operator.md). Examples over the help cluster's StormEvents
// run over a small StormEvents of the same schema here, with the results worked out by hand from its rows.
describe('KQL scan and partition (documented examples)', () => {
  const storm = table(
    'StormEvents',
    'StartTime:datetime, State:string, EventType:string, InjuriesDirect:int, InjuriesIndirect:int',
    [
      [ticks('2007-01-01T00:00:00Z'), 'WYOMING', 'Hail', 0, 0],
      [ticks('2007-01-02T00:00:00Z'), 'WYOMING', 'Hail', 0, 1],
      [ticks('2007-01-03T00:00:00Z'), 'WYOMING', 'High Wind', 2, 0],
      [ticks('2007-01-04T00:00:00Z'), 'WASHINGTON', 'Heavy Snow', 0, 2],
      [ticks('2007-01-05T00:00:00Z'), 'WYOMING', 'Hail', 0, 0],
      [ticks('2007-01-06T00:00:00Z'), 'WYOMING', 'High Wind', 3, 1],
      [ticks('2007-01-07T00:00:00Z'), 'WASHINGTON', 'Wildfire', 1, 0],
      [ticks('2007-01-08T00:00:00Z'), 'WYOMING', 'Winter Storm', 0, 0],
      [ticks('2007-01-09T00:00:00Z'), 'WASHINGTON', 'Heavy Snow', 0, 3],
      [ticks('2007-01-10T00:00:00Z'), 'TEXAS', 'Hail', 5, 2],
    ],
  );
  const t0 = ticks('2007-06-01T00:00:00Z');
  // Per state: A completes Hail → Tornado (30m) → Thunderstorm Wind (1h later); B's Tornado comes 2h after its Hail
  // (past 1h); C's Thunderstorm Wind 2h50m after its Tornado (past 2h); D has a Tornado only.
  const funnel = table('Funnel', 'StartTime:datetime, State:string, EventType:string', [
    [t0, 'A', 'Hail'],
    [t0 + 30n * MINUTE, 'A', 'Tornado'],
    [t0 + 90n * MINUTE, 'A', 'Thunderstorm Wind'],
    [t0, 'B', 'Hail'],
    [t0 + 120n * MINUTE, 'B', 'Tornado'],
    [t0, 'C', 'Hail'],
    [t0 + 10n * MINUTE, 'C', 'Tornado'],
    [t0 + 180n * MINUTE, 'C', 'Thunderstorm Wind'],
    [t0 + 5n * MINUTE, 'D', 'Tornado'],
  ]);
  const db = database('Scan', [
    storm,
    funnel,
    table('T', 'Dim:string, Metric:long', [
      ['a', 1n],
      ['a', 3n],
      ['b', 5n],
    ]),
  ]);

  describe('scan', () => {
    it('computes a cumulative sum', () => {
      const result = run(
        db,
        `range x from 1 to 5 step 1
         | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = x + s1.cumulative_x;)`,
      );
      expect(schemaOf(result)).to.deep.equal(['x:long', 'cumulative_x:long']);
      expect(result.rows).to.deep.equal([
        [1n, 1n],
        [2n, 3n],
        [3n, 6n],
        [4n, 10n],
        [5n, 15n],
      ]);
    });

    it('computes cumulative sums of two columns, reset once they reach 10', () => {
      const result = run(
        db,
        `range x from 1 to 5 step 1
         | extend y = 2 * x
         | scan declare (cumulative_x:long=0, cumulative_y:long=0) with (
             step s1: true => cumulative_x = iff(s1.cumulative_x >= 10, x, x + s1.cumulative_x),
                              cumulative_y = iff(s1.cumulative_y >= 10, y, y + s1.cumulative_y);)`,
      );
      expect(schemaOf(result)).to.deep.equal(['x:long', 'y:long', 'cumulative_x:long', 'cumulative_y:long']);
      expect(result.rows).to.deep.equal([
        [1n, 2n, 1n, 2n],
        [2n, 4n, 3n, 6n],
        [3n, 6n, 6n, 12n],
        [4n, 8n, 10n, 8n],
        [5n, 10n, 5n, 18n],
      ]);
    });

    it('fills a column forward', () => {
      const result = run(
        db,
        `let Events = datatable (Ts: timespan, Event: string)
           [0m, "A", 1m, "", 2m, "B", 3m, "", 4m, "", 6m, "C", 8m, "", 11m, "D", 12m, ""];
         Events
         | sort by Ts asc
         | scan declare (Event_filled: string="") with (
             step s1: true => Event_filled = iff(isempty(Event), s1.Event_filled, Event);)`,
      );
      expect(schemaOf(result)).to.deep.equal(['Ts:timespan', 'Event:string', 'Event_filled:string']);
      expect(result.rows).to.deep.equal(
        [
          [0n, 'A', 'A'],
          [1n, '', 'A'],
          [2n, 'B', 'B'],
          [3n, '', 'B'],
          [4n, '', 'B'],
          [6n, 'C', 'C'],
          [8n, '', 'C'],
          [11n, 'D', 'D'],
          [12n, '', 'D'],
        ].map(([m, e, f]) => [(m as bigint) * MINUTE, e, f]),
      );
    });

    it('tags sessions of 30 minutes with with_match_id and an output=none step', () => {
      const result = run(
        db,
        `let Events = datatable (Ts: timespan, Event: string)
           [0m, "A", 1m, "A", 2m, "B", 3m, "D", 32m, "B", 36m, "C", 38m, "D", 41m, "E", 75m, "A"];
         Events
         | sort by Ts asc
         | scan with_match_id=session_id declare (sessionStart: timespan) with (
             step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);
             step endSession output=none: Ts - inSession.sessionStart > 30m;)`,
      );
      expect(schemaOf(result)).to.deep.equal([
        'Ts:timespan',
        'Event:string',
        'sessionStart:timespan',
        'session_id:long',
      ]);
      expect(result.rows).to.deep.equal(
        [
          [0n, 'A', 0n, 0n],
          [1n, 'A', 0n, 0n],
          [2n, 'B', 0n, 0n],
          [3n, 'D', 0n, 0n],
          [32n, 'B', 32n, 1n],
          [36n, 'C', 32n, 1n],
          [38n, 'D', 32n, 1n],
          [41n, 'E', 32n, 1n],
          [75n, 'A', 75n, 2n],
        ].map(([m, e, s, id]) => [(m as bigint) * MINUTE, e, (s as bigint) * MINUTE, id]),
      );
    });

    it('finds the events between Start and Stop within 5 minutes (the walkthrough)', () => {
      const result = run(
        db,
        `let Events = datatable (Ts: timespan, Event: string)
           [0m, "A", 1m, "Start", 2m, "B", 3m, "D", 4m, "Stop", 6m, "C", 8m, "Start", 11m, "E", 12m, "Stop"];
         Events
         | sort by Ts asc
         | scan with_match_id=m_id with (
             step s1: Event == "Start";
             step s2: Event != "Start" and Event != "Stop" and Ts - s1.Ts <= 5m;
             step s3: Event == "Stop" and Ts - s1.Ts <= 5m;)`,
      );
      expect(schemaOf(result)).to.deep.equal(['Ts:timespan', 'Event:string', 'm_id:long']);
      expect(result.rows).to.deep.equal(
        [
          [1n, 'Start', 0n],
          [2n, 'B', 0n],
          [3n, 'D', 0n],
          [4n, 'Stop', 0n],
          [8n, 'Start', 1n],
          [11n, 'E', 1n],
          [12n, 'Stop', 1n],
        ].map(([m, e, id]) => [(m as bigint) * MINUTE, e, id]),
      );
    });

    it('calculates session length per user, with partition and an output=none step', () => {
      const result = run(
        db,
        `let LogsEvents = datatable(Timestamp:datetime, userID:int, EventType:string) [
           datetime(2024-05-28 08:15:23), 1, "login",
           datetime(2024-05-28 08:30:15), 2, "login",
           datetime(2024-05-28 09:10:27), 3, "login",
           datetime(2024-05-28 12:30:45), 1, "logout",
           datetime(2024-05-28 11:45:32), 2, "logout",
           datetime(2024-05-28 13:25:19), 3, "logout"];
         LogsEvents
         | sort by userID, Timestamp
         | partition hint.strategy=native by userID (
             sort by Timestamp asc
             | scan declare (start: datetime, end: datetime, sessionDuration: timespan) with (
                 step s1 output=none: EventType == "login" => start = Timestamp;
                 step s2 output=all: EventType == "logout" => start = s1.start, end = Timestamp, sessionDuration = Timestamp - s1.start;))
         | project start, end, userID, sessionDuration`,
      );
      expect(schemaOf(result)).to.deep.equal([
        'start:datetime',
        'end:datetime',
        'userID:int',
        'sessionDuration:timespan',
      ]);
      const hms = (h: number, m: number, s: number): bigint => BigInt((h * 3600 + m * 60 + s) * 10_000_000);
      // The reference lists users 1, 3, 2: partition's output order is not specified, so compared by user.
      expect([...result.rows].sort((a, b) => (a[2] as number) - (b[2] as number))).to.deep.equal([
        [ticks('2024-05-28T08:15:23Z'), ticks('2024-05-28T12:30:45Z'), 1, hms(4, 15, 22)],
        [ticks('2024-05-28T08:30:15Z'), ticks('2024-05-28T11:45:32Z'), 2, hms(3, 15, 17)],
        [ticks('2024-05-28T09:10:27Z'), ticks('2024-05-28T13:25:19Z'), 3, hms(4, 14, 52)],
      ]);
    });

    it('calculates a custom funnel Hail → Tornado (1h) → Thunderstorm Wind (2h) per state', () => {
      const result = run(
        db,
        `Funnel
         | partition hint.strategy=native by State (
             sort by StartTime asc
             | scan with (
                 step hail: EventType == "Hail";
                 step tornado: EventType == "Tornado" and StartTime - hail.StartTime <= 1h;
                 step thunderstormWind: EventType == "Thunderstorm Wind" and StartTime - tornado.StartTime <= 2h;))
         | summarize dcount(State) by EventType`,
      );
      expect(schemaOf(result)).to.deep.equal(['EventType:string', 'dcount_State:long']);
      expect([...result.rows].sort((a, b) => Number(b[1]) - Number(a[1]))).to.deep.equal([
        ['Hail', 3n],
        ['Tornado', 2n],
        ['Thunderstorm Wind', 1n],
      ]);
    });

    it('outputs a row per step it matches, and no match_id column without with_match_id', () => {
      // Check 1 moves the sequence from s1 to s2, then the same row starts a new sequence at s1 (check 2).
      const result = run(
        db,
        `datatable(x:long)[1, 2, 3] | scan declare (which:string) with (step s1: true => which = "s1"; step s2: true => which = "s2";)`,
      );
      expect(schemaOf(result)).to.deep.equal(['x:long', 'which:string']);
      expect(result.rows).to.deep.equal([
        [1n, 's1'],
        [2n, 's2'],
        [2n, 's1'],
        [3n, 's2'],
        [3n, 's1'],
      ]);
    });

    it('leaves match_id out where the operators after the scan allow, and refuses the others by name', () => {
      const scan = 'range x from 1 to 3 step 1 | scan declare (c:long=0) with (step s1: true => c = x + s1.c;)';
      expect(run(db, `${scan} | where x > 1 | project x, c`).rows).to.deep.equal([
        [2n, 3n],
        [3n, 6n],
      ]);
      expect(run(db, `(${scan}) | summarize n = count()`).rows).to.deep.equal([[3n]]);
      expect(schemaOf(run(db, `${scan} | getschema`))).to.have.length(4);
      expect(run(db, `${scan} | getschema`).rows.map((r) => r[0])).to.deep.equal(['x', 'c']);
      const refused = /The 'extend' operator after a 'scan' without with_match_id=/;
      expectNotSupported(db, `${scan} | where x > 1 | extend z = 1`, refused);
      expectNotSupported(db, `${scan} | union (print x = 9)`, /The 'union' operator after a 'scan'/);
      expectNotSupported(db, `let S = ${scan}; S | count`, /A 'scan' without with_match_id= used as a table here/);
      // With with_match_id= the column is the reference's own, and every operator may follow.
      expect(
        run(db, `${scan.replace('scan', 'scan with_match_id=m')} | extend z = 1 | project c, m, z`).rows,
      ).to.deep.equal([
        [1n, 0n, 1n],
        [3n, 0n, 1n],
        [6n, 0n, 1n],
      ]);
    });

    it('refuses the forms it does not evaluate, by name', () => {
      const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);
      refused(`datatable(a:long)[1] | scan with (step s1 output=last: a > 0;)`, /'output=last' of the scan step 's1'/);
      refused(`datatable(a:long)[1] | scan order by a with (step s1: a > 0;)`, /'scan order by a'/);
      refused(`datatable(a:long, k:long)[1, 1] | scan partition by k with (step s1: a > 0;)`, /'scan partition by k'/);
      refused(
        `datatable(a:long)[1] | scan declare (c:long = 0) with (step s1: a > 0 => c = c + 1;)`,
        /declared column 'c' without a step name/,
      );
      refused(
        `datatable(a:long)[1] | scan declare (c:long = 0) with (step s1: a > 0 => c = real(1);)`,
        /assignment of a real to the long column 'c'/,
      );
    });
  });

  describe('partition', () => {
    it('runs summarize and top per state (native strategy)', () => {
      const result = run(
        db,
        `StormEvents
         | where State startswith 'W'
         | partition hint.strategy=native by State (
             summarize Events=count(), Injuries=sum(InjuriesDirect) by EventType, State
             | top 3 by Events)`,
      );
      expect(schemaOf(result)).to.deep.equal(['EventType:string', 'State:string', 'Events:long', 'Injuries:long']);
      expect(result.rows).to.deep.equal([
        ['Hail', 'WYOMING', 3n, 0n],
        ['High Wind', 'WYOMING', 2n, 5n],
        ['Winter Storm', 'WYOMING', 1n, 0n],
        ['Heavy Snow', 'WASHINGTON', 2n, 0n],
        ['Wildfire', 'WASHINGTON', 1n, 1n],
      ]);
    });

    it('gives the same result with the shuffle and legacy strategies', () => {
      const query = (hint: string): unknown[][] =>
        run(db, `StormEvents | partition ${hint} by State (summarize n = count() | extend k = 1)`).rows;
      const native = query('hint.strategy=native');
      expect(native).to.deep.equal([
        [6n, 1n],
        [3n, 1n],
        [1n, 1n],
      ]);
      expect(query('hint.strategy=shuffle')).to.deep.equal(native);
      expect(query('hint.strategy=legacy')).to.deep.equal(native);
      expect(query('')).to.deep.equal(native);
    });

    it('runs a subquery with its own source per key value (legacy strategy, `{ … }`)', () => {
      const result = run(
        db,
        `range x from 1 to 2 step 1
         | partition hint.strategy=legacy by x {StormEvents | where x == InjuriesIndirect}
         | count`,
      );
      expect(result.rows).to.deep.equal([[4n]]);
      const keyed = run(db, `range x from 1 to 2 step 1 | partition by x { print k = toscalar(x) * 10 }`);
      expect(keyed.rows).to.deep.equal([[10n], [20n]]);
    });

    it('names each partition with as, for toscalar over the partition', () => {
      const result = run(
        db,
        `T | partition by Dim (as Partition | extend MetricPct = Metric * 100.0 / toscalar(Partition | summarize sum(Metric)))`,
      );
      expect(schemaOf(result)).to.deep.equal(['Dim:string', 'Metric:long', 'MetricPct:real']);
      expect(result.rows).to.deep.equal([
        ['a', 1n, 25],
        ['a', 3n, 75],
        ['b', 5n, 100],
      ]);
    });

    it('fails past 64 partitions with the legacy strategy, as the reference says; native has no limit', () => {
      expect(() => run(db, 'range x from 1 to 65 step 1 | partition by x (take 1)')).to.throw(
        KustoEmulatorError,
        /maximum partitions allowed \(64\)/,
      );
      expect(
        run(db, 'range x from 1 to 1000 step 1 | partition hint.strategy=native by x (take 1) | count').rows,
      ).to.deep.equal([[1000n]]);
    });

    it('fails, as the reference says, when a native or shuffle subquery uses an operator it does not list', () => {
      expect(() =>
        run(db, 'range x from 1 to 3 step 1 | partition hint.strategy=native by x (union (print x = 5))'),
      ).to.throw(
        KustoEmulatorError,
        /the 'union' operator cannot be used in the subquery of 'partition hint.strategy=native'/,
      );
      expect(() =>
        run(db, 'range x from 1 to 3 step 1 | partition hint.strategy=shuffle by x (as P | take 1)'),
      ).to.throw(KustoEmulatorError, /the 'as' operator cannot be used/);
      // The legacy strategy takes any operator.
      expect(run(db, 'range x from 1 to 2 step 1 | partition by x (union (print x = 5))').rows).to.deep.equal([
        [1n],
        [5n],
        [2n],
        [5n],
      ]);
    });

    it('refuses the `{ … }` form with the native strategy, naming it', () => {
      expect(() => run(db, 'range x from 1 to 2 step 1 | partition hint.strategy=native by x { print 1 }')).to.throw(
        KustoEmulatorError,
        /the '\{ … \}' form is for the legacy strategy only/,
      );
    });
  });

  describe('through azure-kusto-data', () => {
    const fixture = useEmulator();

    it('answers scan, partition and mv-apply with the documented values', async () => {
      const scan = rowsOf(
        await fixture.client.execute(
          'db',
          `range x from 1 to 5 step 1
           | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = x + s1.cumulative_x;)`,
        ),
      );
      expect(scan.map((r) => r.cumulative_x)).to.deep.equal([1, 3, 6, 10, 15]);
      const applied = rowsOf(
        await fixture.client.execute(
          'db',
          `datatable (index: int, Arr: dynamic) [0, dynamic([1, 5, 3]), 1, dynamic([10, 2, 5, 7])]
           | mv-apply topElem=Arr to typeof(long) on (top 1 by topElem)`,
        ),
      );
      expect(applied).to.deep.equal([
        { index: 0, Arr: [1, 5, 3], topElem: 5 },
        { index: 1, Arr: [10, 2, 5, 7], topElem: 10 },
      ]);
      const partitioned = rowsOf(
        await fixture.client.execute(
          'db',
          `datatable(Dim:string, Metric:long)['a', 1, 'a', 3, 'b', 5]
           | partition hint.strategy=native by Dim (top 1 by Metric)`,
        ),
      );
      expect(partitioned).to.deep.equal([
        { Dim: 'a', Metric: 3 },
        { Dim: 'b', Metric: 5 },
      ]);
    });
  });
});
