import { expect } from 'chai';
import { rowsOf, useEmulator } from '../support/emulatorFixture';

// parse_url, tdigest with percentile_tdigest, percentiles_array and a leftouter join on empty string keys end to end:
// azure-kusto-data against the emulator over HTTP (tdigestDocs, parseUrlDocs and joins specs hold the examples).
describe('emulator parse_url, tdigest and outer joins through azure-kusto-data', () => {
  const fixture = useEmulator();

  it('answers parse_url, percentile_tdigest and percentiles_array with the documented forms', async () => {
    const rows = rowsOf(
      await fixture.client.execute(
        'db',
        `range x from 1 to 100 step 1
         | summarize t = tdigest(x), p = percentiles_array(x, 0, 50, 100), r = percentiles_array(todouble(x) / 10, 100)
         | project url = parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment"),
                   max = percentile_tdigest(t, 100, typeof(long)), p, r`,
      ),
    );
    expect(rows).to.deep.equal([
      {
        url: {
          Scheme: 'scheme',
          Host: 'host',
          Port: '1234',
          Path: '/this/is/a/path',
          Username: 'username',
          Password: 'password',
          'Query Parameters': { k1: 'v1', k2: 'v2' },
          Fragment: 'fragment',
        },
        max: 100,
        p: [1, 50, 100],
        r: ['10'],
      },
    ]);
  });

  it('gives an unmatched leftouter row an empty string, which groups with the empty keys', async () => {
    const rows = rowsOf(
      await fixture.client.execute(
        'db',
        `let L = datatable(k:string, a:long)["", 1, "y", 3];
         let R = datatable(k:string, b:long)["", 10];
         L | join kind=leftouter R on k | summarize n = count() by k1`,
      ),
    );
    expect(rows).to.deep.equal([{ k1: '', n: 2 }]);
  });
});
