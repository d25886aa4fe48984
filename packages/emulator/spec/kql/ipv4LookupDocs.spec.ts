import { expect } from 'chai';
import { database, run, schemaOf, expectNotSupported } from './fixtures/database';

// The ipv4_lookup plugin's examples (data-explorer/kusto/query/ipv4-lookup-plugin.md), run as published.
describe('emulator evaluate ipv4_lookup (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);
  const data = `let IP_Data = datatable(network:string, continent_code:string ,continent_name:string, country_iso_code:string, country_name:string)
    [
      "111.68.128.0/17","AS","Asia","JP","Japan",
      "5.8.0.0/19","EU","Europe","RU","Russia",
      "223.255.254.0/24","AS","Asia","SG","Singapore",
      "46.36.200.51/32","OC","Oceania","CK","Cook Islands",
      "2.20.183.0/24","EU","Europe","GB","United Kingdom",
    ];
    let IPs = datatable(ip:string)
    [
      '2.20.183.12',   // United Kingdom
      '5.8.1.2',       // Russia
      '192.165.12.17', // Unknown
    ];`;
  const columns = [
    'ip:string',
    'network:string',
    'continent_code:string',
    'continent_name:string',
    'country_iso_code:string',
    'country_name:string',
  ];

  it('joins each address with the network that holds it (matching rows only)', () => {
    const result = run(db, `${data} IPs | evaluate ipv4_lookup(IP_Data, ip, network)`);
    expect(schemaOf(result)).to.deep.equal(columns);
    expect(result.rows).to.deep.equal([
      ['2.20.183.12', '2.20.183.0/24', 'EU', 'Europe', 'GB', 'United Kingdom'],
      ['5.8.1.2', '5.8.0.0/19', 'EU', 'Europe', 'RU', 'Russia'],
    ]);
  });

  it('keeps unmatched rows with return_unmatched = true, their lookup columns empty', () => {
    const result = run(db, `${data} IPs | evaluate ipv4_lookup(IP_Data, ip, network, return_unmatched = true)`);
    expect(schemaOf(result)).to.deep.equal(columns);
    expect(result.rows).to.deep.equal([
      ['2.20.183.12', '2.20.183.0/24', 'EU', 'Europe', 'GB', 'United Kingdom'],
      ['5.8.1.2', '5.8.0.0/19', 'EU', 'Europe', 'RU', 'Russia'],
      ['192.165.12.17', '', '', '', '', ''],
    ]);
  });

  it('refuses what the reference does not settle: two networks holding one address, extra keys', () => {
    refused(
      `let N = datatable(network:string, c:string)["5.8.0.0/19", "a", "5.8.1.0/24", "b"];
       datatable(ip:string)["5.8.1.2"] | evaluate ipv4_lookup(N, ip, network)`,
      /ipv4_lookup of the address '5\.8\.1\.2', which two lookup rows hold/,
    );
    refused(
      `let N = datatable(network:string, k:string)["5.8.0.0/19", "a"];
       datatable(ip:string, k:string)["5.8.1.2", "a"] | evaluate ipv4_lookup(N, ip, network, k)`,
      /extra lookup keys/,
    );
  });
});
