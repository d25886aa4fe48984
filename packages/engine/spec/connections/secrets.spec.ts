import { expect } from 'chai';
import { scrubError, scrubSecrets, toSecureString } from '../../lib/connections/secrets';

const CLUSTER = 'https://mycluster.kusto.windows.net';

describe('kusto/secrets', () => {
  describe('toSecureString', () => {
    // Every keyword whose value must be masked: the extension's list, plus Password and the certificate settings.
    const masked = [
      'AppKey',
      'Application Key',
      'ApplicationKey',
      'User ID',
      'UserID',
      'UID',
      'User',
      'AAD User ID',
      'User Token',
      'UsrToken',
      'UserToken',
      'Application Token',
      'AppToken',
      'ApplicationToken',
      'Authority Id',
      'AuthorityId',
      'TenantId',
      'Authority',
      'Tenant',
      'Application Client Id',
      'AppClientId',
      'ApplicationClientId',
      'Password',
      'Pwd',
      'Application Certificate PrivateKey',
      'Application Certificate Thumbprint',
      'AppCert',
      'Application Certificate Subject Distinguished Name',
      'Application Certificate Issuer',
      'Application Certificate SendX5c',
      'SendX5c',
      'User Name for Tracing',
    ];
    for (const keyword of masked) {
      it(`masks ${keyword}`, () => {
        const secure = toSecureString(`Data Source=${CLUSTER};${keyword}=VerySecretValue42;Database=db`);
        expect(secure).to.equal(`Data Source=${CLUSTER};${keyword}=****;Database=db`);
      });
    }

    it('masks the values of unknown keywords, which may be anyone’s secrets', () => {
      expect(toSecureString(`Data Source=${CLUSTER};Client Secret=abc`)).to.equal(
        `Data Source=${CLUSTER};Client Secret=****`,
      );
    });

    it('keeps harmless values: cluster, database, Fed, tracing app name, consistency', () => {
      const text = `Data Source=${CLUSTER};Initial Catalog=db;Fed=True;TraceAppName=orders;Query Consistency=weakconsistency`;
      expect(toSecureString(text)).to.equal(text);
    });

    it('masks quoted secrets that contain ;', () => {
      expect(toSecureString(`Data Source=${CLUSTER};AppKey="a;b""c";Fed=true`)).to.equal(
        `Data Source=${CLUSTER};AppKey=****;Fed=true`,
      );
    });

    it('masks user info and SAS signatures in the Data Source, keeping a leading URI', () => {
      expect(toSecureString('https://admin:pw@c.kusto.windows.net/db?sig=abc123; Fed=true')).to.equal(
        'https://****@c.kusto.windows.net/db?sig=****;Fed=true',
      );
    });

    it('drops the unreadable rest of a malformed string instead of echoing it', () => {
      const secure = toSecureString(`Data Source=${CLUSTER};AppKey=abc;def-rest-of-secret`);
      expect(secure).to.equal(`Data Source=${CLUSTER};AppKey=****;****`);
      expect(toSecureString('AppKey="never closed')).to.equal('****');
    });

    it('returns an empty string for nothing', () => {
      expect(toSecureString(undefined)).to.equal('');
      expect(toSecureString('')).to.equal('');
    });
  });

  describe('scrubSecrets', () => {
    it('masks known secret values wherever they occur, also URL-encoded and JSON-escaped', () => {
      const secret = 'p@ss/w"rd+1';
      const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify(secret)}`;
      const scrubbed = scrubSecrets(text, [secret]);
      expect(scrubbed).to.equal('a **** b **** c "****"');
    });

    it('masks the longer of two overlapping secrets whole', () => {
      expect(scrubSecrets('key=abcdef', ['abc', 'abcdef'])).to.equal('key=****');
    });

    it('ignores empty known secrets', () => {
      expect(scrubSecrets('unchanged', ['', 'zzz'])).to.equal('unchanged');
    });

    it('masks bearer tokens', () => {
      expect(scrubSecrets('Authorization: Bearer abc.DEF-ghi_jkl~/+==, next')).to.equal(
        'Authorization: Bearer ****, next',
      );
    });

    it('masks JWT-looking strings', () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
      expect(scrubSecrets(`token ${jwt} expired`)).to.equal('token **** expired');
    });

    it('masks SAS signatures and other secret parameters, keeping the rest of the URL', () => {
      const url = 'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030-01-01&sig=AbC%2Bd%3D&sp=r';
      expect(scrubSecrets(`upload to ${url} failed`)).to.equal(
        'upload to https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030-01-01&sig=****&sp=r failed',
      );
      expect(scrubSecrets('DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k3y==;EndpointSuffix=x')).to.equal(
        'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=****;EndpointSuffix=x',
      );
      expect(scrubSecrets('grant_type=client_credentials&client_secret=s3cr3t&scope=x')).to.equal(
        'grant_type=client_credentials&client_secret=****&scope=x',
      );
    });

    it('masks credential keywords of connection strings quoted in text', () => {
      const text =
        'bad connection "Data Source=x;AppKey=k1;Application Key = \'k 2\';Password=p3;User Token=t4;AppToken=t5"';
      const scrubbed = scrubSecrets(text);
      for (const secret of ['k1', 'k 2', 'p3', 't4', 't5']) expect(scrubbed).not.to.include(`=${secret}`);
      expect(scrubbed).to.include('Data Source=x');
    });

    it('masks PEM private keys', () => {
      const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----';
      expect(scrubSecrets(`cert: ${pem} end`)).to.equal('cert: **** end');
    });

    it('leaves ordinary text alone', () => {
      const text = "Semantic error: 'StormEvents' table was not found (Bearer of bad news).";
      expect(scrubSecrets(text)).to.equal(text);
    });
  });

  describe('scrubError', () => {
    it('copies name, message, stack and code, scrubbed, and the cause chain', () => {
      const inner = new Error('inner with secret hunter2');
      const outer = Object.assign(new TypeError('outer with hunter2', { cause: inner }), {
        code: 'E_AUTH',
        config: { headers: { Authorization: 'Bearer hunter2' } },
      });
      const scrubbed = scrubError(outer, ['hunter2']);
      expect(scrubbed.name).to.equal('TypeError');
      expect(scrubbed.message).to.equal('outer with ****');
      expect(scrubbed.stack).to.include('outer with ****').and.not.to.include('hunter2');
      expect((scrubbed as Error & { code?: string }).code).to.equal('E_AUTH');
      expect((scrubbed as Error & { config?: unknown }).config).to.equal(undefined);
      expect((scrubbed.cause as Error).message).to.equal('inner with secret ****');
    });

    it('turns non-errors into errors', () => {
      expect(scrubError('string hunter2', ['hunter2']).message).to.equal('string ****');
      expect(scrubError({ message: 'object hunter2' }, ['hunter2']).message).to.equal('object ****');
      expect(scrubError(42).message).to.equal('42');
    });

    it('stops copying a cyclic cause chain', () => {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      (a as Error & { cause?: unknown }).cause = b;
      let depth = 0;
      for (let e: unknown = scrubError(a); e instanceof Error; e = e.cause) depth++;
      expect(depth).to.equal(6);
    });
  });
});
