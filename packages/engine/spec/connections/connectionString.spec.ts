import { expect } from 'chai';
import {
  KUSTO_KEYWORDS,
  lookupKeyword,
  quoteConnectionStringValue,
  tokenizeConnectionString,
} from '../../lib/connections/connectionString';

describe('kusto/connectionString', () => {
  describe('tokenizeConnectionString', () => {
    const pairsOf = (text: string) => tokenizeConnectionString(text).pairs.map((p) => [p.keyword, p.value]);

    it('splits name=value pairs on ; and trims names and values', () => {
      expect(pairsOf(' Data Source = https://c.kusto.windows.net ;  Database=db ')).to.deep.equal([
        ['Data Source', 'https://c.kusto.windows.net'],
        ['Database', 'db'],
      ]);
    });

    it('keeps = inside a value (base64 keys), which azure-kusto-data would cut off', () => {
      expect(pairsOf('AppKey=abc+/def==;Fed=true')).to.deep.equal([
        ['AppKey', 'abc+/def=='],
        ['Fed', 'true'],
      ]);
    });

    it('accepts a trailing ; and empty pairs, which azure-kusto-data rejects', () => {
      expect(pairsOf(';Data Source=https://c.kusto.windows.net;;Database=db;')).to.have.length(2);
    });

    it('reads double-quoted values with ; inside and "" as an escaped quote', () => {
      expect(pairsOf('AppKey="a;b""c" ;Database=db')).to.deep.equal([
        ['AppKey', 'a;b"c'],
        ['Database', 'db'],
      ]);
    });

    it("reads single-quoted values with '' as an escaped quote", () => {
      expect(pairsOf("AppKey='it''s;x'")).to.deep.equal([['AppKey', "it's;x"]]);
    });

    it('reads a leading URI as the Data Source', () => {
      const { pairs } = tokenizeConnectionString('https://help.kusto.windows.net/Samples; Fed=true');
      expect(pairs[0]).to.include({ keyword: 'Data Source', value: 'https://help.kusto.windows.net/Samples' });
      expect(pairs[0].fromUri).to.equal(true);
      expect(pairs[1]).to.include({ keyword: 'Fed', value: 'true' });
    });

    it('reports a pair without = by position, without quoting its text', () => {
      const result = tokenizeConnectionString('Data Source=https://c.kusto.windows.net;s3cr3tfragment');
      expect(result.pairs).to.have.length(1);
      expect(result.problem).to.equal("name=value pair 2 has no '='");
      expect(result.problem).not.to.include('s3cr3t');
    });

    it('reports an unterminated quote and text after a closing quote', () => {
      expect(tokenizeConnectionString('AppKey="abc').problem).to.equal(
        'the value of Application Key has no closing quote',
      );
      expect(tokenizeConnectionString('AppKey="abc"x;').problem).to.equal(
        'the quoted value of Application Key is followed by more text',
      );
      expect(tokenizeConnectionString('Mystery="abc').problem).to.equal(
        'the value of name=value pair 1 has no closing quote',
      );
    });

    it('reports a pair with no name', () => {
      expect(tokenizeConnectionString('=value').problem).to.equal("name=value pair 1 has no name before '='");
    });
  });

  describe('lookupKeyword', () => {
    const expected: Record<string, string[]> = {
      dataSource: ['Data Source', 'Addr', 'Address', 'Network Address', 'Server', 'DataSource', 'NetworkAddress'],
      initialCatalog: ['Initial Catalog', 'Database', 'InitialCatalog'],
      federated: ['AAD Federated Security', 'Federated Security', 'Federated', 'Fed', 'AADFed'],
      userId: ['User ID', 'UID', 'User', 'UserID', 'AAD User ID'],
      password: ['Password', 'Pwd'],
      userToken: ['User Token', 'UsrToken', 'UserToken'],
      applicationClientId: ['Application Client Id', 'AppClientId', 'ApplicationClientId'],
      applicationKey: ['Application Key', 'AppKey', 'ApplicationKey'],
      applicationToken: ['Application Token', 'AppToken', 'ApplicationToken'],
      authorityId: ['Authority Id', 'AuthorityId', 'Authority', 'TenantId', 'Tenant', 'TID'],
      applicationCertificatePrivateKey: ['Application Certificate PrivateKey', 'Application Certificate Private Key'],
      applicationCertificateSendX5c: [
        'Application Certificate SendX5c',
        'Application Certificate x5c',
        'Application Certificate Send Public Certificate',
        'SendX5c',
      ],
      applicationCertificateThumbprint: ['Application Certificate Thumbprint', 'AppCert'],
      applicationCertificateSubject: [
        'Application Certificate Subject Distinguished Name',
        'Application Certificate Subject',
      ],
      applicationCertificateIssuer: [
        'Application Certificate Issuer Distinguished Name',
        'Application Certificate Issuer',
      ],
      applicationNameForTracing: ['Application Name for Tracing', 'TraceAppName'],
      userNameForTracing: ['User Name for Tracing', 'TraceUserName'],
      clientVersionForTracing: ['Client Version for Tracing', 'TraceClientVersion'],
      queryConsistency: ['Query Consistency', 'QueryConsistency'],
      enforceMfa: ['Enforce MFA', 'MFA', 'EnforceMFA'],
      azureRegion: ['Azure Region', 'AzureRegion', 'Region'],
      accept: ['Accept'],
      streaming: ['Streaming'],
      uncompressed: ['Uncompressed'],
      namespace: ['Namespace', 'NS'],
    };

    for (const [name, aliases] of Object.entries(expected)) {
      it(`maps every alias of ${name}, in any case and spacing`, () => {
        for (const alias of aliases) {
          expect(lookupKeyword(alias)?.name, alias).to.equal(name);
          expect(lookupKeyword(alias.toUpperCase())?.name, alias.toUpperCase()).to.equal(name);
          expect(lookupKeyword(` ${alias.toLowerCase()} `)?.name, alias.toLowerCase()).to.equal(name);
        }
      });
    }

    it('covers exactly the keywords of the table', () => {
      expect(KUSTO_KEYWORDS.map((k) => k.name).sort()).to.deep.equal(Object.keys(expected).sort());
    });

    it('returns undefined for an unknown keyword', () => {
      expect(lookupKeyword('Databse')).to.equal(undefined);
      expect(lookupKeyword('Client Secret')).to.equal(undefined);
    });

    it('marks the credentials as secret', () => {
      const secret = KUSTO_KEYWORDS.filter((k) => k.secret).map((k) => k.name);
      expect(secret.sort()).to.deep.equal(
        ['applicationCertificatePrivateKey', 'applicationKey', 'applicationToken', 'password', 'userToken'].sort(),
      );
    });
  });

  describe('quoteConnectionStringValue', () => {
    it('quotes values with ; or quotes and round-trips through the tokenizer', () => {
      for (const value of ['plain', 'a;b', 'say "hi"', "it's", ' padded ']) {
        const text = `AppKey=${quoteConnectionStringValue(value)};Fed=true`;
        expect(tokenizeConnectionString(text).pairs[0].value).to.equal(value);
      }
      expect(quoteConnectionStringValue('plain')).to.equal('plain');
    });
  });
});
