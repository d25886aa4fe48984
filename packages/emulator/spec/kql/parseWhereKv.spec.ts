import { expect } from 'chai';
import { database, run, ticks } from './fixtures/database';

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
});
