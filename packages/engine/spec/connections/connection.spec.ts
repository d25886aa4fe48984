import { expect } from 'chai';
import * as util from 'node:util';
import { KustoConfigurationError } from 'kusto-functions-bindings';
import { DEFAULT_CONNECTION_SETTING, resolveConnection, type KustoConnection } from '../../lib/connections/connection';
import { StaticTokenCredential } from '../../lib/connections/credentials';

const CLUSTER = 'https://mycluster.westeurope.kusto.windows.net';
const APP_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP_KEY = 'Xq8~s3cr3t.AppKey_value==';
const OTHER_KEY = 'Yz9~an0ther.AppKey_value==';
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7s3cr3tPemBody\n-----END PRIVATE KEY-----\n' +
  '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----';
// A JWT-shaped token whose payload holds exp = 2000000000 (2033-05-18).
const TOKEN = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url')}.s3cr3tsig`;

function resolve(connectionString: string, managedServiceIdentity?: string): KustoConnection {
  return resolveConnection('KustoConn', { env: { KustoConn: connectionString }, managedServiceIdentity });
}

function appKeyString(key = APP_KEY, cluster = CLUSTER): string {
  return `Data Source=${cluster};Database=db;Fed=true;AppClientId=${APP_ID};AppKey=${key};Authority Id=${TENANT}`;
}

/** Asserts a KustoConfigurationError that names the setting and whose message and stack hold none of the secrets. */
function expectConfigError(
  action: () => unknown,
  secrets: string[] = [],
  setting = 'KustoConn',
): KustoConfigurationError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a KustoConfigurationError').to.be.instanceOf(KustoConfigurationError);
  const error = caught as KustoConfigurationError;
  expect(error.message).to.include(`'${setting}'`);
  for (const secret of secrets) {
    expect(error.message).not.to.include(secret);
    expect(error.stack ?? '').not.to.include(secret);
    expect(util.inspect(error, { depth: Infinity })).not.to.include(secret);
  }
  return error;
}

describe('kusto/connection', () => {
  describe('reading the app setting', () => {
    it('defaults to the extension’s setting name', () => {
      expect(DEFAULT_CONNECTION_SETTING).to.equal('KustoConnectionString');
    });

    it('fails naming the setting when it is not defined', () => {
      const error = expectConfigError(() => resolveConnection('KustoConn', { env: {} }));
      expect(error.message).to.include('is not defined').and.to.include('local.settings.json');
    });

    it('fails naming the setting when it is empty or blank', () => {
      expectConfigError(() => resolveConnection('KustoConn', { env: { KustoConn: '' } }));
      const error = expectConfigError(() => resolveConnection('KustoConn', { env: { KustoConn: '  ' } }));
      expect(error.message).to.include('is empty');
    });

    it('says that UseKustoEmulator=true is served only by the local host, naming the setting', () => {
      const error = expectConfigError(() =>
        resolveConnection('KustoConn', { env: { KustoConn: 'UseKustoEmulator=true' } }),
      );
      expect(error.message).to.equal(
        'Kusto connection setting \'KustoConn\' is UseKustoEmulator=true, which only the local host (kusto-functions start) serves, with its embedded Kusto emulator. Elsewhere, set it to a Kusto connection string such as "Data Source=https://<cluster>.<region>.kusto.windows.net;Database=<database>".',
      );
    });

    it('rejects an empty setting name', () => {
      expect(() => resolveConnection('', { env: {} })).to.throw(KustoConfigurationError, /must name an app setting/);
    });

    it('reads process.env when no env is given', () => {
      const name = `KustoConnSpec${process.pid}`;
      process.env[name] = `Data Source=${CLUSTER}`;
      try {
        expect(resolveConnection(name).dataSource).to.equal(CLUSTER);
      } finally {
        delete process.env[name];
      }
    });

    it('prefers a connection string entry, as GetConnectionStringOrSetting does, and says where it read', () => {
      const env = {
        KustoConn: 'Data Source=https://plain.kusto.windows.net',
        'ConnectionStrings:KustoConn': 'Data Source=https://fromconnectionstrings.kusto.windows.net',
      };
      expect(resolveConnection('KustoConn', { env }).dataSource).to.equal(
        'https://fromconnectionstrings.kusto.windows.net',
      );
      const error = expectConfigError(() =>
        resolveConnection('KustoConn', { env: { ConnectionStrings__KustoConn: 'Data Source=' } }),
      );
      expect(error.message).to.include("(read from 'ConnectionStrings__KustoConn')");
    });

    it('reads App Service connection strings (CUSTOMCONNSTR_) and nested names (a:b as a__b)', () => {
      expect(
        resolveConnection('KustoConn', { env: { CUSTOMCONNSTR_KustoConn: `Data Source=${CLUSTER}` } }).dataSource,
      ).to.equal(CLUSTER);
      expect(resolveConnection('Kusto:Conn', { env: { Kusto__Conn: `Data Source=${CLUSTER}` } }).dataSource).to.equal(
        CLUSTER,
      );
    });
  });

  describe('Data Source and database', () => {
    for (const keyword of ['Data Source', 'Addr', 'Address', 'Network Address', 'Server', 'datasource']) {
      it(`reads the cluster from ${keyword}`, () => {
        expect(resolve(`${keyword}=${CLUSTER}`).dataSource).to.equal(CLUSTER);
      });
    }

    for (const keyword of ['Initial Catalog', 'Database', 'initialcatalog']) {
      it(`reads the default database from ${keyword}`, () => {
        expect(resolve(`Data Source=${CLUSTER};${keyword}=Samples`).database).to.equal('Samples');
      });
    }

    it('reads a leading URI with the database as its path, as the Kusto docs show', () => {
      const connection = resolve('https://help.kusto.windows.net/Samples; Fed=true; Accept=true');
      expect(connection.dataSource).to.equal('https://help.kusto.windows.net');
      expect(connection.database).to.equal('Samples');
    });

    it('lets Initial Catalog win over a database in the Data Source path', () => {
      expect(resolve(`Data Source=${CLUSTER}/FromPath;Initial Catalog=Explicit`).database).to.equal('Explicit');
    });

    it('has no database when none is named', () => {
      expect(resolve(`Data Source=${CLUSTER}`).database).to.equal(undefined);
    });

    it('normalizes the URL: lower-case host, no trailing slash, no default port', () => {
      expect(resolve('Data Source=https://MyCluster.Kusto.Windows.NET:443/').dataSource).to.equal(
        'https://mycluster.kusto.windows.net',
      );
      expect(resolve('Data Source=https://c.kusto.windows.net:8443').dataSource).to.equal(
        'https://c.kusto.windows.net:8443',
      );
    });

    it('fails without a Data Source', () => {
      expect(expectConfigError(() => resolve('Database=db;Fed=true')).message).to.include('has no Data Source');
      expectConfigError(() => resolve('Data Source=;Database=db'));
    });

    it('fails for a Data Source that is not an absolute http(s) URL', () => {
      expect(expectConfigError(() => resolve('Data Source=mycluster')).message).to.include('not an absolute URL');
      expect(expectConfigError(() => resolve('Data Source=ftp://c.kusto.windows.net')).message).to.include("'ftp:'");
    });

    it('fails for user info or a query string in the Data Source, without echoing them', () => {
      expectConfigError(() => resolve('Data Source=https://admin:pa55w0rd@c.kusto.windows.net'), ['pa55w0rd']);
      expectConfigError(() => resolve('Data Source=https://c.kusto.windows.net/?sig=s1gnature'), ['s1gnature']);
    });

    it('fails for a path deeper than a database', () => {
      expectConfigError(() => resolve(`Data Source=${CLUSTER}/db/extra`));
    });
  });

  describe('endpoints', () => {
    it('derives the data management endpoint with the ingest- prefix', () => {
      const connection = resolve(`Data Source=${CLUSTER}`);
      expect(connection.engineUrl).to.equal(CLUSTER);
      expect(connection.ingestUrl).to.equal('https://ingest-mycluster.westeurope.kusto.windows.net');
    });

    it('accepts the ingest- endpoint as Data Source and derives the engine from it', () => {
      const connection = resolve('Data Source=https://ingest-mycluster.westeurope.kusto.windows.net:8443');
      expect(connection.dataSource).to.equal('https://ingest-mycluster.westeurope.kusto.windows.net:8443');
      expect(connection.engineUrl).to.equal('https://mycluster.westeurope.kusto.windows.net:8443');
      expect(connection.ingestUrl).to.equal('https://ingest-mycluster.westeurope.kusto.windows.net:8443');
    });

    for (const url of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.1.2.3']) {
      it(`uses one URL for engine and ingestion on the loopback emulator ${url}`, () => {
        const connection = resolve(`Data Source=${url}`);
        expect(connection.loopback).to.equal(true);
        expect(connection.engineUrl).to.equal(connection.dataSource);
        expect(connection.ingestUrl).to.equal(connection.dataSource);
      });
    }

    it('does not prefix IP addresses or the onebox host, as azure-kusto-ingest does not', () => {
      expect(resolve('Data Source=https://10.0.0.4').ingestUrl).to.equal('https://10.0.0.4');
      expect(resolve('Data Source=https://[fd00::4]').ingestUrl).to.equal('https://[fd00::4]');
      expect(resolve('Data Source=https://onebox.dev.kusto.windows.net').ingestUrl).to.equal(
        'https://onebox.dev.kusto.windows.net',
      );
    });

    it('refuses plain http on a host that is not loopback', () => {
      const error = expectConfigError(() => resolve('Data Source=http://mycluster.example.com:8080'));
      expect(error.message).to.include('http://mycluster.example.com:8080').and.to.include('loopback');
    });
  });

  describe('authentication', () => {
    it('uses no authentication on a loopback http endpoint, even with a managed identity on the binding', () => {
      for (const msi of [undefined, 'system', APP_ID]) {
        const connection = resolve('Data Source=http://127.0.0.1:8080;Database=db;Fed=true', msi);
        expect(connection.auth).to.deep.equal({ kind: 'none' });
        expect(connection.createCredential()).to.equal(undefined);
      }
    });

    describe('a managed identity on the loopback emulator with a local identity endpoint', () => {
      const endpointEnv = { IDENTITY_ENDPOINT: 'http://127.0.0.1:9/msi/token', IDENTITY_HEADER: 'h' };
      const withEndpoint = (msi: string | undefined) =>
        resolveConnection('KustoConn', {
          env: { KustoConn: 'Data Source=http://127.0.0.1:8080;Database=db', ...endpointEnv },
          managedServiceIdentity: msi,
        });
      const saved: Record<string, string | undefined> = {};
      const setProcessEnv = (values: Record<string, string | undefined>) => {
        for (const [name, value] of Object.entries(values)) {
          if (!(name in saved)) saved[name] = process.env[name];
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      };
      afterEach(() => {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
          delete saved[name];
        }
      });

      it('signs in with the system or user-assigned identity, as in Azure', () => {
        expect(withEndpoint('system').auth).to.deep.equal({ kind: 'systemManagedIdentity' });
        expect(withEndpoint(APP_ID).auth).to.deep.equal({ kind: 'userManagedIdentity', clientId: APP_ID });
        expect(withEndpoint(undefined).auth).to.deep.equal({ kind: 'none' });
        expect(withEndpoint('system').identityKey).not.to.equal(withEndpoint(APP_ID).identityKey);
      });

      it('needs both IDENTITY_ENDPOINT and IDENTITY_HEADER', () => {
        const connection = resolveConnection('KustoConn', {
          env: { KustoConn: 'Data Source=http://127.0.0.1:8080', IDENTITY_ENDPOINT: endpointEnv.IDENTITY_ENDPOINT },
          managedServiceIdentity: 'system',
        });
        expect(connection.auth).to.deep.equal({ kind: 'none' });
      });

      it('creates a ManagedIdentityCredential when process.env names the endpoint', () => {
        setProcessEnv(endpointEnv);
        expect(withEndpoint(APP_ID).createCredential()?.constructor.name).to.equal('ManagedIdentityCredential');
      });

      it('refuses to create the credential when only the app settings name the endpoint (no IMDS probe)', () => {
        setProcessEnv({ IDENTITY_ENDPOINT: undefined, IDENTITY_HEADER: undefined });
        const error = expectConfigError(() => withEndpoint('system').createCredential());
        expect(error.message)
          .to.include("'KustoConn'")
          .and.to.include('IDENTITY_ENDPOINT')
          .and.to.include('process.env');
      });
    });

    it('refuses credentials for a loopback http endpoint, never echoing them', () => {
      const error = expectConfigError(
        () =>
          resolve(`Data Source=http://127.0.0.1:8080;AppClientId=${APP_ID};AppKey=${APP_KEY};Authority Id=${TENANT}`),
        [APP_KEY],
      );
      expect(error.message).to.include('Application Key').and.to.include('never sent over http');
    });

    it('uses a client secret credential for AppClientId + AppKey + Authority Id', () => {
      const connection = resolve(appKeyString());
      expect(connection.auth).to.deep.equal({ kind: 'appKey', applicationClientId: APP_ID, authorityId: TENANT });
      expect(connection.createCredential()?.constructor.name).to.equal('ClientSecretCredential');
    });

    for (const [clientId, key, authority] of [
      ['Application Client Id', 'Application Key', 'Authority Id'],
      ['ApplicationClientId', 'ApplicationKey', 'TenantId'],
      ['appclientid', 'appkey', 'authority'],
      ['AppClientId', 'AppKey', 'Tenant'],
      ['AppClientId', 'AppKey', 'TID'],
      ['AppClientId', 'AppKey', 'AuthorityId'],
    ]) {
      it(`reads the application key from ${clientId} / ${key} / ${authority}`, () => {
        const connection = resolve(
          `Data Source=${CLUSTER};${clientId}=${APP_ID};${key}=${APP_KEY};${authority}=contoso.com`,
        );
        expect(connection.auth).to.deep.equal({
          kind: 'appKey',
          applicationClientId: APP_ID,
          authorityId: 'contoso.com',
        });
      });
    }

    it('reads an AppKey that contains ; when quoted', () => {
      const quoted = resolve(appKeyString('"a;b==c"'));
      const plain = resolve(appKeyString('a'));
      expect(quoted.auth.kind).to.equal('appKey');
      expect(quoted.scrub('key is a;b==c')).to.equal('key is ****');
      expect(quoted.identityKey).not.to.equal(plain.identityKey);
    });

    it('uses a client certificate credential for AppClientId + Application Certificate PrivateKey (PEM)', () => {
      for (const keyword of ['Application Certificate PrivateKey', 'Application Certificate Private Key']) {
        const connection = resolve(
          `Data Source=${CLUSTER};AppClientId=${APP_ID};${keyword}="${PEM}";Authority Id=${TENANT};SendX5c=true`,
        );
        expect(connection.auth).to.deep.equal({
          kind: 'appCertificate',
          applicationClientId: APP_ID,
          authorityId: TENANT,
          sendX5c: true,
        });
        expect(connection.createCredential()?.constructor.name).to.equal('ClientCertificateCredential');
      }
    });

    for (const keyword of ['User Token', 'UsrToken', 'UserToken']) {
      it(`uses the static token of ${keyword}`, async () => {
        const connection = resolve(`Data Source=${CLUSTER};Fed=true;${keyword}=${TOKEN}`);
        expect(connection.auth).to.deep.equal({ kind: 'userToken' });
        const credential = connection.createCredential();
        expect(credential).to.be.instanceOf(StaticTokenCredential);
        const token = await credential?.getToken([]);
        expect(token?.token).to.equal(TOKEN);
        expect(token?.expiresOnTimestamp).to.equal(2_000_000_000_000);
      });
    }

    for (const keyword of ['Application Token', 'AppToken', 'ApplicationToken']) {
      it(`uses the static token of ${keyword}`, async () => {
        const connection = resolve(`Data Source=${CLUSTER};${keyword}=opaque-app-token`);
        expect(connection.auth).to.deep.equal({ kind: 'appToken' });
        const token = await connection.createCredential()?.getToken([]);
        expect(token?.token).to.equal('opaque-app-token');
        expect(token?.expiresOnTimestamp).to.be.greaterThan(Date.now());
      });
    }

    it('prefers User Token over Application Token over an application key, as the Kusto docs say', () => {
      const key = `AppClientId=${APP_ID};AppKey=${APP_KEY};Authority Id=${TENANT}`;
      expect(resolve(`Data Source=${CLUSTER};${key};AppToken=a;UserToken=u`).auth.kind).to.equal('userToken');
      expect(resolve(`Data Source=${CLUSTER};${key};AppToken=a`).auth.kind).to.equal('appToken');
    });

    it("uses the system-assigned managed identity for managedServiceIdentity 'system' (any case)", () => {
      for (const msi of ['system', 'System', ' SYSTEM ']) {
        const connection = resolve(`Data Source=${CLUSTER};Database=db`, msi);
        expect(connection.auth).to.deep.equal({ kind: 'systemManagedIdentity' });
        expect(connection.createCredential()?.constructor.name).to.equal('ManagedIdentityCredential');
      }
    });

    it('uses a user-assigned managed identity for any other managedServiceIdentity (a client id)', () => {
      const connection = resolve(`Data Source=${CLUSTER}`, APP_ID);
      expect(connection.auth).to.deep.equal({ kind: 'userManagedIdentity', clientId: APP_ID });
      const credential = connection.createCredential() as unknown as { clientId?: string };
      expect(credential.constructor.name).to.equal('ManagedIdentityCredential');
      expect(credential.clientId).to.equal(APP_ID);
    });

    it('accepts the Azure resource id of a user-assigned identity', () => {
      const resourceId =
        '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/functions';
      const connection = resolve(`Data Source=${CLUSTER}`, resourceId);
      expect(connection.auth).to.deep.equal({ kind: 'userManagedIdentity', resourceId });
      expect(connection.createCredential()?.constructor.name).to.equal('ManagedIdentityCredential');
    });

    it('lets the binding’s managed identity override credentials in the connection string', () => {
      expect(resolve(appKeyString(), 'system').auth.kind).to.equal('systemManagedIdentity');
    });

    it('rejects a managedServiceIdentity that is neither system, a GUID nor a resource id', () => {
      expectConfigError(() => resolve(`Data Source=${CLUSTER}`, 'my-identity'));
    });

    it('ignores an empty managedServiceIdentity, as the extension does', () => {
      expect(resolve(`Data Source=${CLUSTER}`, '  ').auth.kind).to.equal('defaultAzureCredential');
    });

    it('uses DefaultAzureCredential on https when nothing else is given, with Authority Id as tenant', () => {
      const connection = resolve(`Data Source=${CLUSTER};Fed=true`);
      expect(connection.auth).to.deep.equal({ kind: 'defaultAzureCredential' });
      expect(connection.createCredential()?.constructor.name).to.equal('DefaultAzureCredential');
      expect(resolve(`Data Source=${CLUSTER};TenantId=contoso.com`).auth).to.deep.equal({
        kind: 'defaultAzureCredential',
        tenantId: 'contoso.com',
      });
    });

    it('accepts User ID as a hint only (no user sign-in in a function)', () => {
      expect(resolve(`Data Source=${CLUSTER};User ID=someone@contoso.com`).auth.kind).to.equal(
        'defaultAzureCredential',
      );
    });

    it('fails for incomplete application credentials, naming what is missing and not the key', () => {
      expect(
        expectConfigError(() => resolve(`Data Source=${CLUSTER};AppKey=${APP_KEY};Authority Id=${TENANT}`), [APP_KEY])
          .message,
      ).to.include('without AppClientId');
      expect(
        expectConfigError(() => resolve(`Data Source=${CLUSTER};AppClientId=${APP_ID};AppKey=${APP_KEY}`), [APP_KEY])
          .message,
      ).to.include('without Authority Id');
      expect(expectConfigError(() => resolve(`Data Source=${CLUSTER};AppClientId=${APP_ID}`)).message).to.include(
        'managedServiceIdentity',
      );
      expectConfigError(() => resolve(appKeyString().replace(APP_ID, 'not-a-guid')), [APP_KEY]);
      expectConfigError(() => resolve(appKeyString().replace(TENANT, 'bad tenant!')), [APP_KEY]);
    });

    it('rejects Password (no user sign-in) without echoing it', () => {
      for (const keyword of ['Password', 'Pwd']) {
        const error = expectConfigError(
          () => resolve(`Data Source=${CLUSTER};User ID=me@contoso.com;${keyword}=Pa55w0rd!`),
          ['Pa55w0rd!'],
        );
        expect(error.message).to.include('Password').and.to.include('not supported');
      }
    });

    it('rejects certificate store lookups, pointing at the PEM keyword', () => {
      for (const keyword of ['AppCert', 'Application Certificate Subject', 'Application Certificate Issuer']) {
        const error = expectConfigError(() =>
          resolve(`Data Source=${CLUSTER};AppClientId=${APP_ID};${keyword}=ABCDEF`),
        );
        expect(error.message).to.include('Application Certificate PrivateKey');
      }
    });
  });

  describe('keywords', () => {
    it('rejects an unknown keyword, naming it and suggesting the nearest', () => {
      const error = expectConfigError(() => resolve(`Data Source=${CLUSTER};Databse=db`));
      expect(error.message).to.include("unknown keyword 'Databse'").and.to.include("did you mean 'Database'");
    });

    it('does not name an unknown keyword right after a secret: it is likely the rest of an unquoted secret', () => {
      const error = expectConfigError(
        () => resolve(`Data Source=${CLUSTER};AppClientId=${APP_ID};AppKey=abc;defSecretRest==;Authority Id=${TENANT}`),
        ['abc', 'defSecretRest'],
      );
      expect(error.message).to.include('enclose it in double quotes');
    });

    it('does not echo a pair without =', () => {
      const error = expectConfigError(
        () => resolve(`Data Source=${CLUSTER};AppKey=abc;tail0fSecret`),
        ['tail0fSecret'],
      );
      expect(error.message).to.include("pair 3 has no '='");
    });

    it('accepts the keywords that have no effect in Node', () => {
      const connection = resolve(
        `Data Source=${CLUSTER};Accept=true;Streaming=false;Uncompressed=true;Namespace=x;Azure Region=westeurope;` +
          'Enforce MFA=false;Client Version for Tracing=1.0;AADFed=true',
      );
      expect(connection.auth.kind).to.equal('defaultAzureCredential');
    });

    it('requires true or false for boolean keywords', () => {
      expect(expectConfigError(() => resolve(`Data Source=${CLUSTER};Fed=maybe`)).message).to.include(
        'AAD Federated Security',
      );
    });

    it('reads tracing names and Query Consistency', () => {
      const connection = resolve(
        `Data Source=${CLUSTER};TraceAppName=orders-app;User Name for Tracing=svc;Query Consistency=WeakConsistency`,
      );
      expect(connection.tracing).to.deep.equal({ applicationName: 'orders-app', userName: 'svc' });
      expect(connection.queryConsistency).to.equal('weakconsistency');
      expectConfigError(() => resolve(`Data Source=${CLUSTER};QueryConsistency=eventual`));
    });
  });

  describe('identity key', () => {
    it('is stable for the same cluster and identity', () => {
      expect(resolve(appKeyString()).identityKey).to.equal(resolve(appKeyString()).identityKey);
    });

    it('differs for two app keys of the same app id, and never contains the key', () => {
      const one = resolve(appKeyString(APP_KEY));
      const two = resolve(appKeyString(OTHER_KEY));
      expect(one.identityKey).not.to.equal(two.identityKey);
      expect(one.identityKey).not.to.include(APP_KEY);
      expect(one.identityKey.startsWith(`${CLUSTER}|appKey|`)).to.equal(true);
    });

    it('differs by cluster and by auth kind, not by database', () => {
      const base = resolve(`Data Source=${CLUSTER};Database=a`);
      expect(resolve(`Data Source=${CLUSTER};Database=b`).identityKey).to.equal(base.identityKey);
      expect(resolve('Data Source=https://other.kusto.windows.net').identityKey).not.to.equal(base.identityKey);
      expect(resolve(`Data Source=${CLUSTER}`, 'system').identityKey).not.to.equal(base.identityKey);
      expect(resolve(`Data Source=${CLUSTER}`, APP_ID).identityKey).not.to.equal(
        resolve(`Data Source=${CLUSTER}`, 'system').identityKey,
      );
    });

    it('is the same whether the engine or the ingest- endpoint is given', () => {
      expect(resolve('Data Source=https://ingest-mycluster.westeurope.kusto.windows.net').identityKey).to.equal(
        resolve(`Data Source=${CLUSTER}`).identityKey,
      );
    });
  });

  describe('the resolved connection', () => {
    it('is immutable', () => {
      const connection = resolve(appKeyString());
      expect(Object.isFrozen(connection)).to.equal(true);
      expect(Object.isFrozen(connection.auth)).to.equal(true);
      expect(Reflect.set(connection, 'dataSource', 'https://evil.example.com')).to.equal(false);
      expect(connection.dataSource).to.equal(CLUSTER);
    });

    it('shows its secret nowhere: properties, JSON, inspect, toString, secure connection string', () => {
      for (const [connection, secret] of [
        [resolve(appKeyString()), APP_KEY],
        [resolve(`Data Source=${CLUSTER};UserToken=${TOKEN}`), TOKEN],
        [
          resolve(
            `Data Source=${CLUSTER};AppClientId=${APP_ID};Application Certificate PrivateKey="${PEM}";TenantId=t`,
          ),
          PEM,
        ],
      ] as const) {
        const views = [
          JSON.stringify(connection),
          util.inspect(connection, { depth: Infinity, showHidden: true }),
          String(connection),
          connection.secureConnectionString,
          Object.values(connection).join(' '),
        ];
        for (const view of views) expect(view).not.to.include(secret.slice(0, 20));
      }
    });

    it('describes itself by setting, cluster and auth kind', () => {
      expect(String(resolve(appKeyString()))).to.equal(`Kusto connection 'KustoConn' (${CLUSTER}, appKey)`);
      expect(resolve(appKeyString()).secureConnectionString).to.include('AppKey=****');
    });

    it('scrubs its own secret from text and errors', () => {
      const connection = resolve(appKeyString());
      expect(connection.scrub(`failed with key ${APP_KEY}`)).to.equal('failed with key ****');
      const scrubbed = connection.scrubError(new Error(`boom ${encodeURIComponent(APP_KEY)}`));
      expect(scrubbed.message).to.equal('boom ****');
      expect(scrubbed.stack).not.to.include(encodeURIComponent(APP_KEY));
    });
  });

  describe('toConnectionStringBuilder', () => {
    it('builds no credential at all for the loopback emulator', () => {
      const kcsb = resolve('Data Source=http://127.0.0.1:8080;Database=db').toConnectionStringBuilder();
      expect(kcsb.dataSource).to.equal('http://127.0.0.1:8080');
      expect(kcsb.initialCatalog).to.equal('db');
      expect(kcsb.tokenCredential).to.equal(undefined);
      expect(kcsb.accessToken).to.equal(undefined);
      expect(kcsb.applicationKey).to.equal(undefined);
    });

    it('passes tokens as access tokens', () => {
      const kcsb = resolve(`Data Source=${CLUSTER};AppToken=${TOKEN}`).toConnectionStringBuilder();
      expect(kcsb.accessToken).to.equal(TOKEN);
      expect(kcsb.tokenCredential).to.equal(undefined);
    });

    it('passes other kinds as a TokenCredential, the given one when there is one', () => {
      const connection = resolve(appKeyString());
      expect(connection.toConnectionStringBuilder().tokenCredential?.constructor.name).to.equal(
        'ClientSecretCredential',
      );
      const shared = connection.createCredential();
      expect(connection.toConnectionStringBuilder({ credential: shared }).tokenCredential).to.equal(shared);
    });

    it('targets the ingest endpoint on request, and may leave the database out', () => {
      const kcsb = resolve(appKeyString()).toConnectionStringBuilder({ endpoint: 'ingest', includeDatabase: false });
      expect(kcsb.dataSource).to.equal('https://ingest-mycluster.westeurope.kusto.windows.net');
      expect(kcsb.initialCatalog).to.equal('NetDefaultDB'); // azure-kusto-data's own default
    });
  });
});
