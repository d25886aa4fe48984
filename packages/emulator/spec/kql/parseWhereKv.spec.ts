import { expect } from 'chai';
import { database, run, schemaOf, ticks, expectNotSupported } from './fixtures/database';

// parse-where-operator.md and parse-kv-operator.md: the published examples and their results.
describe('KQL parse-where and parse-kv', () => {
  const db = database('Docs', []);

  describe('parse-where', () => {
    const traces = (lines: string[]) =>
      `let Traces = datatable(EventText: string) [${lines.map((l) => JSON.stringify(l)).join(', ')}];`;
    const line = (slices: string, slice: string, lock: string, release: string, previous: string) =>
      `Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=${slices}, sliceNumber=${slice}, lockTime=${lock}, releaseTime=${release}, previousLockTime=${previous})`;

    it('keeps only the rows that parse, with their values (the reference example)', () => {
      const result = run(
        db,
        `${traces([
          line('27', 'invalid_number', '02/17/2016 08:40:01', '02/17/2016 08:40:01', '02/17/2016 08:39:01'),
          line('27', '15', '02/17/2016 08:40:00', 'invalid_datetime', '02/17/2016 08:39:00'),
          line('27', '20', '02/17/2016 08:40:01', '02/17/2016 08:40:01', '02/17/2016 08:39:01'),
          line('27', '22', '02/17/2016 08:41:01', '02/17/2016 08:41:00', '02/17/2016 08:40:01'),
          line('invalid_number', '16', '02/17/2016 08:41:00', '02/17/2016 08:41:00', '02/17/2016 08:40:00'),
        ])}
        Traces
        | parse-where EventText with * "resourceName=" resourceName ", totalSlices=" totalSlices: long * "sliceNumber=" sliceNumber: long * "lockTime=" lockTime ", releaseTime=" releaseTime: date "," * "previousLockTime=" previousLockTime: date ")" *
        | project resourceName, totalSlices, sliceNumber, lockTime, releaseTime, previousLockTime`,
      );
      expect(result.rows).to.deep.equal([
        [
          'PipelineScheduler',
          27n,
          20n,
          '02/17/2016 08:40:01',
          ticks('2016-02-17T08:40:01Z'),
          ticks('2016-02-17T08:39:01Z'),
        ],
        [
          'PipelineScheduler',
          27n,
          22n,
          '02/17/2016 08:41:01',
          ticks('2016-02-17T08:41:00Z'),
          ticks('2016-02-17T08:40:01Z'),
        ],
      ]);
    });

    it('kind=regex is case-sensitive unless flags=i (the reference: no rows, then three)', () => {
      const lines = traces([
        line('non_valid_integer', '11', 'a', 'b', 'c'),
        line('27', '15', 'a', 'b', 'c'),
        line('non_valid_integer', '44', 'a', 'b', 'c'),
        line('27', '22', 'a', 'b', 'c'),
        line('27', '16', 'a', 'b', 'c'),
      ]);
      const pattern = `* "RESOURCENAME=" resourceName "," * "totalSlices=" totalSlices: long "," *`;
      const none = run(
        db,
        `${lines} Traces | parse-where kind = regex EventText with ${pattern} | project resourceName, totalSlices`,
      );
      expect(none.rows).to.deep.equal([]);
      const three = run(
        db,
        `${lines} Traces | parse-where kind = regex flags=i EventText with ${pattern} | project resourceName, totalSlices`,
      );
      expect(three.rows).to.deep.equal([
        ['PipelineScheduler', 27n],
        ['PipelineScheduler', 27n],
        ['PipelineScheduler', 27n],
      ]);
    });
  });

  describe('parse-kv', () => {
    it('extracts with well-defined delimiters (the reference example)', () => {
      const result = run(
        db,
        `print str="ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info"
        | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (pair_delimiter=',', kv_delimiter=':')
        | project-away str`,
      );
      expect(schemaOf(result)).to.deep.equal(['Text:string', 'ThreadId:long', 'Machine:string']);
      expect(result.rows).to.deep.equal([['The service is up', 458745723n, 'Node001']]);
    });

    it('takes quoted keys and values, with one or two quote characters and escapes (the reference examples)', () => {
      const expected = [[ticks('2021-01-01T10:00:54Z'), '10.1.1.123', '10.1.1.124', 125n, 'connection aborted']];
      const keys = "(['event time']:datetime, src:string, dst:string, bytes:long, failure:string)";
      expect(
        run(
          db,
          `print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="connection aborted" "event time"=2021-01-01T10:00:54'
          | parse-kv str as ${keys} with (pair_delimiter=' ', kv_delimiter='=', quote='"') | project-away str`,
        ).rows,
      ).to.deep.equal(expected);
      expect(
        run(
          db,
          `print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure=(connection aborted) (event time)=(2021-01-01 10:00:54)'
          | parse-kv str as ${keys} with (pair_delimiter=' ', kv_delimiter='=', quote='()') | project-away str`,
        ).rows,
      ).to.deep.equal(expected);
      const escaped = run(
        db,
        String.raw`print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="the remote host sent \\"bye!\\"" time=2021-01-01T10:00:54'
        | parse-kv str as (['time']:datetime, src:string, dst:string, bytes:long, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape='\\')
        | project-away str`,
      );
      expect(escaped.rows).to.deep.equal([
        [ticks('2021-01-01T10:00:54Z'), '10.1.1.123', '10.1.1.124', 125n, 'the remote host sent "bye!"'],
      ]);
    });

    it('greedy=true reads a value up to the next key (the reference: John / John Doe)', () => {
      const query = (greedy: string) =>
        `print str='name=John Doe phone=555 5555 city=New York'
        | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='='${greedy})
        | project-away str`;
      expect(run(db, query('')).rows).to.deep.equal([['John', '555', 'New']]);
      expect(run(db, query(', greedy=true')).rows).to.deep.equal([['John Doe', '555 5555', 'New York']]);
    });

    it('extracts with a regex of two groups (the reference example)', () => {
      const result = run(
        db,
        String.raw`print str=@'["referer url: https://hostname.com/redirect?dest=/?h=1234", "request url: https://hostname.com/?h=1234", "advertiser id: 24fefbca-cf27-4d62-a623-249c2ad30c73"]'
        | parse-kv str as (['referer url']:string, ['request url']:string, ['advertiser id']: guid) with (regex=@'"([\w ]+)\s*:\s*([^"]*)"')
        | project-away str`,
      );
      expect(result.rows).to.deep.equal([
        [
          'https://hostname.com/redirect?dest=/?h=1234',
          'https://hostname.com/?h=1234',
          '24fefbca-cf27-4d62-a623-249c2ad30c73',
        ],
      ]);
    });

    it('gives a missing key null (empty for a string), and takes the first appearance of a key', () => {
      const result = run(
        db,
        `print str='a=1;a=2;b=x' | parse-kv str as (a:long, b:string, c:long, d:string) with (pair_delimiter=';', kv_delimiter='=') | project-away str`,
      );
      expect(result.rows).to.deep.equal([[1n, 'x', null, '']]);
    });

    it('without delimiters takes any non-alphanumeric character as one (the reference examples)', () => {
      const plain = run(
        db,
        `print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: Started"
        | parse-kv str as (Text: string, ThreadId:long, Machine: string)
        | project-away str`,
      );
      expect(plain.rows).to.deep.equal([['Started', 458745723n, 'Node001']]);
      const quoted = run(
        db,
        String.raw`print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: 'The service \\' is up'"
        | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (quote="'", escape='\\')
        | project-away str`,
      );
      expect(quoted.rows).to.deep.equal([["The service ' is up", 458745723n, 'Node001']]);
    });

    it('refuses one delimiter without the other', () => {
      expectNotSupported(
        db,
        `print str="a=1" | parse-kv str as (a:long) with (kv_delimiter='=')`,
        /only one of pair_delimiter and kv_delimiter/,
      );
    });
  });
});
