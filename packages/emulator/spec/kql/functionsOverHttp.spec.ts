import { expect } from 'chai';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

// The IP, time zone, parsing and sketch functions end to end: azure-kusto-data against the emulator over HTTP, with
// results the reference documents (the in-process specs beside this one hold every documented example).
describe('emulator functions through azure-kusto-data', () => {
  const fixture = useEmulator();

  it('answers IP, time zone and parsing functions with the documented values', async () => {
    const rows = rowsOf(
      await fixture.client.execute(
        'db',
        `print ip_long = parse_ipv4('192.168.1.1/24'), ipv6 = parse_ipv6('192.168.255.255/24'),
               private = ipv4_is_private('10.1.2.3'), cmp = ipv6_compare('fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998'),
               utc = datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'US/Pacific'),
               csv = parse_csv('aa,"b,b,b",cc'), parts = array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))`,
      ),
    );
    expect(rows).to.deep.equal([
      {
        ip_long: 3232235776,
        ipv6: '0000:0000:0000:0000:0000:ffff:c0a8:ff00',
        private: true,
        cmp: 0,
        utc: new Date('2020-02-03T04:02:20Z'),
        csv: ['aa', 'b,b,b', 'cc'],
        parts: [[1], [2, 3], [4, 5]],
      },
    ]);
  });

  it('answers hll, hll_merge and dcount_hll, and make_list_with_nulls', async () => {
    const rows = rowsOf(
      await fixture.client.execute(
        'db',
        `range x from 1 to 100 step 1 | summarize h = hll(x % 7), l = make_list_with_nulls(iff(x > 2, long(null), x)) by b = x % 2
         | summarize m = hll_merge(h), n = sum(array_length(l)) | project d = dcount_hll(m), n`,
      ),
    );
    expect(rows).to.deep.equal([{ d: 7, n: 100 }]);
  });

  it('refuses with BadRequest_NotSupported naming what it does not evaluate', async () => {
    const f = await failure(
      fixture.client.execute('db', `print datetime_local_to_utc(datetime(2022-10-30 02:30:00), 'Europe/Brussels')`),
    );
    expect(f.status).to.equal(400);
    expect(f.error.code).to.equal('BadRequest_NotSupported');
    expect(f.error['@message']).to.contain(
      "datetime_local_to_utc() of a local time that occurs twice in 'Europe/Brussels'",
    );
  });
});
