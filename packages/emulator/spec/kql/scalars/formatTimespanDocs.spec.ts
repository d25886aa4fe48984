import { expect } from 'chai';
import { database, run } from '../fixtures/database';

// The examples of format_timespan's table of format elements (data-explorer/kusto/query/format-timespan-function.md,
// "Supported format elements"), each as published; the page's query example is in datetimeDocs.spec.ts.
describe('emulator format_timespan format elements (documented examples)', () => {
  const db = database('Docs', []);
  const cases: [string, string, string][] = [
    ['15.13:45:30', 'd', '15'],
    ['15.13:45:30', 'dd', '15'],
    ['15.13:45:30', 'ddd', '015'],
    ['15.13:45:30.6170000', 'f', '6'],
    ['15.13:45:30.05', 'f', '0'],
    ['15.13:45:30.6170000', 'ff', '61'],
    ['15.13:45:30.0050000', 'ff', '00'],
    ['15.13:45:30.617', 'fff', '617'],
    ['15.13:45:30.0005', 'fff', '000'],
    ['15.13:45:30.6175000', 'ffff', '6175'],
    ['15.13:45:30.0000500', 'ffff', '0000'],
    ['15.13:45:30.6175400', 'fffff', '61754'],
    ['15.13:45:30.000005', 'fffff', '00000'],
    ['15.13:45:30.6175420', 'ffffff', '617542'],
    ['15.13:45:30.0000005', 'ffffff', '000000'],
    ['15.13:45:30.6175425', 'fffffff', '6175425'],
    ['15.13:45:30.0001150', 'fffffff', '0001150'],
    ['15.13:45:30.6170000', 'F', '6'],
    ['15.13:45:30.0500000', 'F', ''],
    ['15.13:45:30.6170000', 'FF', '61'],
    ['15.13:45:30.0050000', 'FF', ''],
    ['15.13:45:30.6170000', 'FFF', '617'],
    ['15.13:45:30.0005000', 'FFF', ''],
    ['15.13:45:30.5275000', 'FFFF', '5275'],
    ['15.13:45:30.0000500', 'FFFF', ''],
    ['15.13:45:30.6175400', 'FFFFF', '61754'],
    ['15.13:45:30.0000050', 'FFFFF', ''],
    ['15.13:45:30.6175420', 'FFFFFF', '617542'],
    ['15.13:45:30.0000005', 'FFFFFF', ''],
    ['15.13:45:30.6175425', 'FFFFFFF', '6175425'],
    ['15.13:45:30.0001150', 'FFFFFFF', '000115'],
    ['15.01:45:30', 'H', '1'],
    ['15.13:45:30', 'H', '13'],
    ['15.01:45:30', 'HH', '01'],
    ['15.13:45:30', 'HH', '13'],
    ['15.01:09:30', 'm', '9'],
    ['15.13:29:30', 'm', '29'],
    ['15.01:09:30', 'mm', '09'],
    ['15.01:45:30', 'mm', '45'],
    ['15.13:45:09', 's', '9'],
    ['15.13:45:09', 'ss', '09'],
  ];

  it('formats each element as its example shows', () => {
    const query = `print ${cases.map(([t, f], i) => `c${i} = format_timespan(time(${t}), '${f}')`).join(', ')}`;
    const [row] = run(db, query).rows;
    cases.forEach(([t, f, expected], i) => expect(row[i], `format_timespan(time(${t}), '${f}')`).to.equal(expected));
  });
});
