import { expect } from 'chai';
import { column, database, run, schemaOf, expectNotSupported } from '../fixtures/database';

// The examples and outputs of the KQL reference's IPv4/IPv6 pages (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/<name>-function.md), run as published.
describe('emulator IP functions (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);

  it('parse_ipv4 converts to a big-endian long, masked by its IP-prefix (parse-ipv4-function)', () => {
    const result = run(
      db,
      `datatable(ip_string: string) ['192.168.1.1', '192.168.1.1/24', '255.255.255.255/31']
       | extend ip_long = parse_ipv4(ip_string)`,
    );
    expect(schemaOf(result)).to.deep.equal(['ip_string:string', 'ip_long:long']);
    expect(column(result, 'ip_long')).to.deep.equal([3232235777n, 3232235776n, 4294967294n]);
  });

  it('parse_ipv4 is null for text that is not an IPv4 address', () => {
    const result = run(db, `print a = parse_ipv4('256.1.1.1'), b = parse_ipv4('1.2.3'), c = parse_ipv4('1.2.3.4/33')`);
    expect(result.rows).to.deep.equal([[null, null, null]]);
  });

  it('ipv4_is_private: 10/8, 172.16/12, 192.168/16 (ipv4-is-private-function)', () => {
    const result = run(
      db,
      `datatable(ip_string:string) ['10.1.2.3', '192.168.1.1/24', '127.0.0.1']
       | extend result = ipv4_is_private(ip_string)`,
    );
    expect(column(result, 'result')).to.deep.equal([true, true, false]);
    const more = run(
      db,
      `print a = ipv4_is_private('10.1.2.3/24'), b = ipv4_is_private('202.1.2.3'),
             c = ipv4_is_private('172.31.255.255'), d = ipv4_is_private('172.32.0.0'), e = ipv4_is_private('x')`,
    );
    expect(more.rows).to.deep.equal([[true, false, true, false, null]]);
  });

  it('ipv4_is_in_range compares on the range IP-prefix (ipv4-is-in-range-function)', () => {
    const result = run(
      db,
      `datatable(ip_address:string, ip_range:string) [
         '192.168.1.1', '192.168.1.1',
         '192.168.1.1', '192.168.1.255/24']
       | extend result = ipv4_is_in_range(ip_address, ip_range)`,
    );
    expect(column(result, 'result')).to.deep.equal([true, true]);
    const outside = run(
      db,
      `print ipv4_is_in_range('192.168.2.1', '192.168.1.0/24'), ipv4_is_in_range('x', '1.2.3.4')`,
    );
    expect(outside.rows).to.deep.equal([[false, null]]);
    refused(
      `print ipv4_is_in_range('192.168.1.1/24', '192.168.1.0/28')`,
      /ipv4_is_in_range\(\) of an address with an IP-prefix/,
    );
  });

  it('ipv4_netmask_suffix is the IP-prefix, 32 without one (ipv4-netmask-suffix-function)', () => {
    const result = run(
      db,
      `datatable(ip_string:string) ['10.1.2.3', '192.168.1.1/24', '127.0.0.1/16']
       | extend cidr_suffix = ipv4_netmask_suffix(ip_string)`,
    );
    expect(column(result, 'cidr_suffix')).to.deep.equal([32n, 24n, 16n]);
  });

  it('ipv4_compare and ipv4_is_match use the combined IP-prefix (ipv4-compare-function, ipv4-is-match-function)', () => {
    const pairs = `datatable(ip1_string:string, ip2_string:string) [
       '192.168.1.0', '192.168.1.0',
       '192.168.1.1/24', '192.168.1.255',
       '192.168.1.1', '192.168.1.255/24',
       '192.168.1.1/30', '192.168.1.255/24']`;
    const compared = run(db, `${pairs} | extend result = ipv4_compare(ip1_string, ip2_string)`);
    expect(schemaOf(compared)).to.deep.equal(['ip1_string:string', 'ip2_string:string', 'result:long']);
    expect(column(compared, 'result')).to.deep.equal([0n, 0n, 0n, 0n]);
    expect(column(run(db, `${pairs} | extend result = ipv4_is_match(ip1_string, ip2_string)`), 'result')).to.deep.equal(
      [true, true, true, true],
    );
    const withPrefix = `datatable(ip1_string:string, ip2_string:string, prefix:long) [
       '192.168.1.1', '192.168.1.0', 31,
       '192.168.1.1/24', '192.168.1.255', 31,
       '192.168.1.1', '192.168.1.255', 24]`;
    expect(
      column(run(db, `${withPrefix} | extend r = ipv4_compare(ip1_string, ip2_string, prefix)`), 'r'),
    ).to.deep.equal([0n, 0n, 0n]);
    expect(
      column(run(db, `${withPrefix} | extend r = ipv4_is_match(ip1_string, ip2_string, prefix)`), 'r'),
    ).to.deep.equal([true, true, true]);
    expect(run(db, `print print_0 = ipv4_is_match('192.168.1.1/24', '192.168.1.255')`).rows).to.deep.equal([[true]]);
    // The order the reference defines: 1 when the first is greater, -1 when smaller, null when one does not parse.
    expect(
      run(
        db,
        `print ipv4_compare('10.0.0.2', '10.0.0.1'), ipv4_compare('9.0.0.1', '10.0.0.1'), ipv4_compare('a', '1.1.1.1')`,
      ).rows,
    ).to.deep.equal([[1n, -1n, null]]);
    refused(`print ipv4_compare('1.1.1.1', '1.1.1.1', 33)`, /ipv4_compare\(\) with a prefix of 33/);
  });

  it('parse_ipv6 gives the canonical IPv6 text, IPv4 mapped (parse-ipv6-function)', () => {
    const result = run(
      db,
      `datatable(ipv4: string) ['192.168.255.255', '192.168.255.255/24', '255.255.255.255']
       | extend ipv6 = parse_ipv6(ipv4)`,
    );
    expect(column(result, 'ipv6')).to.deep.equal([
      '0000:0000:0000:0000:0000:ffff:c0a8:ffff',
      '0000:0000:0000:0000:0000:ffff:c0a8:ff00',
      '0000:0000:0000:0000:0000:ffff:ffff:ffff',
    ]);
    expect(
      run(db, `print parse_ipv6('fe80::85d:e82c:9446:7994/120'), parse_ipv6('1::2::3'), parse_ipv6('::ffff:10.0.0.1')`)
        .rows,
    ).to.deep.equal([['fe80:0000:0000:0000:085d:e82c:9446:7900', '', '0000:0000:0000:0000:0000:ffff:0a00:0001']]);
  });

  it('ipv6_compare and ipv6_is_match compare IPv6 and IPv4 on the combined prefix (ipv6-compare-function, ipv6-is-match-function)', () => {
    const pairs = `datatable(ip1_string:string, ip2_string:string) [
       '192.168.1.1', '192.168.1.1',
       '192.168.1.1/24', '192.168.1.255',
       '192.168.1.1', '192.168.1.255/24',
       '192.168.1.1/30', '192.168.1.255/24',
       'fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7994',
       'fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998',
       'fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7998/120',
       'fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998/120',
       '192.168.1.1', '::ffff:c0a8:0101',
       '192.168.1.1/24', '::ffff:c0a8:01ff',
       '::ffff:c0a8:0101', '192.168.1.255/24',
       '::192.168.1.1/30', '192.168.1.255/24']`;
    expect(column(run(db, `${pairs} | extend result = ipv6_compare(ip1_string, ip2_string)`), 'result')).to.deep.equal(
      new Array(12).fill(0n),
    );
    expect(column(run(db, `${pairs} | extend result = ipv6_is_match(ip1_string, ip2_string)`), 'result')).to.deep.equal(
      new Array(12).fill(true),
    );
    const withPrefix = `datatable(ip1_string:string, ip2_string:string, prefix:long) [
       '192.168.1.1', '192.168.1.0', 31,
       '192.168.1.1/24', '192.168.1.255', 31,
       '192.168.1.1', '192.168.1.255', 24,
       'fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127,
       'fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7998', 120,
       'fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998', 127,
       '192.168.1.1/24', '::ffff:c0a8:01ff', 127,
       '::ffff:c0a8:0101', '192.168.1.255', 120,
       '::192.168.1.1/30', '192.168.1.255/24', 127]`;
    expect(
      column(run(db, `${withPrefix} | extend r = ipv6_compare(ip1_string, ip2_string, prefix)`), 'r'),
    ).to.deep.equal(new Array(9).fill(0n));
    expect(
      run(db, `print ipv6_compare('fe80::2', 'fe80::1'), ipv6_compare('::1', '::2'), ipv6_compare('fe80::1', 'x')`)
        .rows,
    ).to.deep.equal([[1n, -1n, null]]);
    refused(`print ipv6_compare('fe80::1%eth0', 'fe80::1')`, /zone index/);
  });

  it('format_ipv4 and format_ipv4_mask apply the prefix; -1 gives the empty string (format-ipv4-function)', () => {
    const result = run(
      db,
      `datatable(address:string, mask:long) [
         '192.168.1.1', 24,
         '192.168.1.1', 32,
         '192.168.1.1/24', 32,
         '192.168.1.1/24', long(-1)]
       | extend result = format_ipv4(address, mask), result_mask = format_ipv4_mask(address, mask)`,
    );
    expect(column(result, 'result')).to.deep.equal(['192.168.1.0', '192.168.1.1', '192.168.1.0', '']);
    expect(column(result, 'result_mask')).to.deep.equal(['192.168.1.0/24', '192.168.1.1/32', '192.168.1.0/24', '']);
    // The number form, in big-endian order.
    expect(run(db, `print format_ipv4(3232235777), format_ipv4(-1), format_ipv4('x')`).rows).to.deep.equal([
      ['192.168.1.1', '', ''],
    ]);
  });
});
