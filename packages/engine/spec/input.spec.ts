import { expect } from 'chai';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import { DB, failureOf, input, makeEngine, trigger, useEmulator } from './support/engineFixture';
import { startFaultProxy, type FaultProxy } from './support/faultProxy';

const SETUP = `
.create table Products (ProductID:long, Name:string, Cost:real)

.ingest inline into table Products <| 1,Item-1,10.5
2,"Item, two",20
3,Item=3,

.create table Values (L:long, I:int, R:real, D:decimal, B:bool, S:string, T:datetime, Span:timespan, G:guid, Dyn:dynamic)

.ingest inline into table Values <| 9007199254740993,7,1.5,1.25,true,text,2024-01-02T03:04:05.5Z,1.02:03:04.5,9b6d0c1e-8c5a-4a3b-9e68-2e9d5f2f0a11,"{""a"":[1,2],""b"":null}"
,,,,,,,,,
`;

describe('engine: Kusto inputs', () => {
  const fixture = useEmulator(SETUP);
  const env = () => fixture.env;

  describe('results', () => {
    it('are row objects keyed by column name, with values as the extension delivers them to Node.js', async () => {
      const { engine } = makeEngine({ env: env() });
      const rows = await engine.runInput(input('Values | order by isnull(L) asc'), trigger());
      expect(rows).to.deep.equal([
        {
          // long: a number, as after the host's JSON (beyond 2^53 it has lost precision, as in Azure)
          L: 9007199254740992,
          I: 7,
          R: 1.5,
          // decimal: the service's text
          D: '1.25',
          B: true,
          S: 'text',
          // datetime: ISO 8601 UTC, fraction trimmed
          T: '2024-01-02T03:04:05.5Z',
          // timespan: .NET's constant form
          Span: '1.02:03:04.5000000',
          G: '9b6d0c1e-8c5a-4a3b-9e68-2e9d5f2f0a11',
          // dynamic: parsed JSON
          Dyn: { a: [1, 2], b: null },
        },
        { L: null, I: null, R: null, D: null, B: null, S: '', T: null, Span: null, G: null, Dyn: null },
      ]);
      await engine.close();
    });

    it("deliver longs as exact text with longs: 'string'", async () => {
      const { engine } = makeEngine({ env: env(), longs: 'string' });
      const rows = await engine.runInput(
        input('Values | where isnotnull(L) | project L, I, R, Big = L * 1'),
        trigger(),
      );
      expect(rows).to.deep.equal([{ L: '9007199254740993', I: 7, R: 1.5, Big: '9007199254740993' }]);
      await engine.close();
    });

    it('of a management command (starting with .) come from the management endpoint', async () => {
      const { engine } = makeEngine({ env: env() });
      const rows = await engine.runInput(input('.show tables | order by TableName asc'), trigger());
      expect(rows.map((r) => r.TableName)).to.deep.equal(['Products', 'Values']);
      await engine.close();
    });

    it('is an empty array when nothing matches', async () => {
      const { engine } = makeEngine({ env: env() });
      expect(await engine.runInput(input('Products | where ProductID < 0'), trigger())).to.deep.equal([]);
      await engine.close();
    });
  });

  describe('kqlParameters', () => {
    const byId = input('declare query_parameters (productId:long);Products | where ProductID == productId', {
      kqlParameters: '@productId={productId}',
    });

    it('bind a route parameter', async () => {
      const { engine } = makeEngine({ env: env() });
      const rows = await engine.runInput(byId, trigger({ params: { productId: '2' } }));
      expect(rows).to.deep.equal([{ ProductID: 2, Name: 'Item, two', Cost: 20 }]);
      await engine.close();
    });

    it('bind values holding , and = (quoted in kqlParameters, or from an expression) without touching the query text', async () => {
      const { engine } = makeEngine({ env: env() });
      const byName = input('declare query_parameters (name:string);Products | where Name == name');
      const quoted = await engine.runInput({ ...byName, kqlParameters: '@name="Item, two"' }, trigger());
      expect(quoted.map((r) => r.ProductID)).to.deep.equal([2]);
      const bare = await engine.runInput({ ...byName, kqlParameters: '@name=Item=3' }, trigger());
      expect(bare.map((r) => r.ProductID)).to.deep.equal([3]);
      // A value that would break the query if spliced into it is just a value.
      const hostile = await engine.runInput(
        { ...byName, kqlParameters: '@name={Query.name}' },
        trigger({ query: { name: "x' or 1==1 or Name == '" } }),
      );
      expect(hostile).to.deep.equal([]);
      await engine.close();
    });

    it('are typed per declare query_parameters (datetime, timespan, guid, dynamic, bool, real)', async () => {
      const { engine } = makeEngine({ env: env() });
      const rows = await engine.runInput(
        input(
          'declare query_parameters (t:datetime, s:timespan, g:guid, d:dynamic, b:bool, r:real);' +
            'print T = t + s, G = g, N = array_length(d.items), B = b, R = r * 2',
          { kqlParameters: '@t={sys.utcnow},@s={span},@g={id},@d={Query.filter},@b={Headers.X-Flag},@r={price}' },
        ),
        trigger({
          params: { span: '1d', id: '9b6d0c1e-8c5a-4a3b-9e68-2e9d5f2f0a11' },
          query: { filter: '{"items":[1,2,3]}' },
          headers: { 'x-flag': 'true' },
          body: { price: 1.25 },
        }),
      );
      expect(rows).to.have.length(1);
      const row = rows[0];
      expect(Date.parse(row.T as string) - Date.now()).to.be.within(86_400_000 - 60_000, 86_400_000 + 60_000);
      expect(row).to.deep.include({ G: '9b6d0c1e-8c5a-4a3b-9e68-2e9d5f2f0a11', N: 3, B: true, R: 2.5 });
      await engine.close();
    });

    it('a value of the wrong type fails with the service error, naming the parameter', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(
        engine.runInput(byId, trigger({ params: { productId: 'abc' } })),
        KustoBindingError,
      );
      expect(error.message).to.match(/^Kusto input 'kustoInput0' of fn: the query on database 'db' failed \(HTTP 400/);
      expect(error.message).to.include("query parameter 'productId'");
      expect(error.message).to.include('@productId (long)');
      await engine.close();
    });

    it('an expression without a value fails naming it, the option and the binding', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(engine.runInput(byId, trigger({ params: {} })), KustoBindingError);
      expect(error.message).to.equal(
        "Kusto input 'kustoInput0' of fn: the binding expression '{productId}' in kqlParameters (@productId) has no value: the trigger data has no route parameter, body property or metadata named 'productId'.",
      );
      await engine.close();
    });
  });

  describe('clientRequestProperties', () => {
    let proxy: FaultProxy;
    before(async () => {
      proxy = await startFaultProxy(fixture.emulator.url);
    });
    after(() => proxy.close());

    it('become typed request options: servertimeout as a timespan, booleans, numbers; quoted values stay text', async () => {
      const { engine } = makeEngine({ env: { KustoConnectionString: `Data Source=${proxy.url}` } });
      proxy.reset();
      const rows = await engine.runInput(
        input('Products | count', {
          clientRequestProperties:
            '@servertimeout=00:02:00,@notruncation=true,@truncationmaxrecords=100,@query_language="kql",@x_flag="true"',
        }),
        trigger(),
      );
      expect(rows).to.deep.equal([{ Count: 3 }]);
      const sent = proxy.requests.find((r) => r.path.startsWith('/v2/rest/query'));
      const properties = (JSON.parse(sent?.body ?? '{}') as { properties: { Options: Record<string, unknown> } })
        .properties;
      expect(properties.Options).to.include({
        servertimeout: '00:02:00.000',
        notruncation: true,
        truncationmaxrecords: 100,
        query_language: 'kql',
        x_flag: 'true',
      });
      // The extension's client request id, with this package's version.
      expect(sent?.headers['x-ms-client-request-id']).to.match(
        /^AzFunctions\.InputBinding;\d+\.\d+\.\d+;[0-9a-f-]{36}$/,
      );
      await engine.close();
    });

    it('sends parameters in the request properties, never in the query text', async () => {
      const { engine } = makeEngine({ env: { KustoConnectionString: `Data Source=${proxy.url}` } });
      proxy.reset();
      await engine.runInput(
        input('declare query_parameters (name:string, at:datetime);Products | where Name == name and at > ago(1d)', {
          kqlParameters: "@name='a,b=c', @at={sys.utcnow}",
        }),
        trigger(),
      );
      const body = JSON.parse(proxy.requests.find((r) => r.path.startsWith('/v2/rest/query'))?.body ?? '{}') as {
        csl: string;
        properties: { Parameters: Record<string, string> };
      };
      expect(body.csl).to.equal(
        'declare query_parameters (name:string, at:datetime);Products | where Name == name and at > ago(1d)',
      );
      expect(body.properties.Parameters.name).to.equal('a,b=c');
      expect(body.properties.Parameters.at).to.match(/^datetime\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z\)$/);
      await engine.close();
    });

    it('an unusable servertimeout is a configuration error naming it', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(
        engine.runInput(input('Products', { clientRequestProperties: '@servertimeout=soon' }), trigger()),
        KustoConfigurationError,
      );
      expect(error.message).to.include("'@servertimeout' must be a timespan");
      await engine.close();
    });
  });

  describe('bad queries', () => {
    it('an unknown table fails with the service message', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(engine.runInput(input('NoSuchTable | take 1'), trigger()), KustoBindingError);
      expect(error.message).to.match(/the query on database 'db' failed \(HTTP 400 [^)]*\): .*'NoSuchTable'/);
      await engine.close();
    });

    it('a syntax error fails with the service message, once (a permanent failure is not retried)', async () => {
      const { engine, logs } = makeEngine({ env: env() });
      const error = await failureOf(engine.runInput(input('Products | where'), trigger()), KustoBindingError);
      expect(error.message).to.match(/\(HTTP 400 [^)]*\): Syntax error/);
      expect(logs.filter((l) => l.startsWith('warning'))).to.deep.equal([]);
      await engine.close();
    });

    it('a result over the truncation limit fails with Kusto’s limit error, rather than delivering part of it', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(
        engine.runInput(input('Products', { clientRequestProperties: '@truncationmaxrecords=1' }), trigger()),
        KustoBindingError,
      );
      expect(error.message).to.match(
        /^Kusto input 'kustoInput0' of fn: the query on database 'db' failed: .*E_QUERY_RESULT_SET_TOO_LARGE/,
      );
      await engine.close();
    });

    it('an unknown database fails naming it', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(
        engine.runInput(input('Products', { database: 'nodb' }), trigger()),
        KustoBindingError,
      );
      expect(error.message).to.include("database 'nodb'");
      await engine.close();
    });
  });

  describe('database and identity from binding expressions', () => {
    it('resolves %AppSetting% and {expressions} in database', async () => {
      const { engine } = makeEngine({ env: { ...env(), TenantDb: DB } });
      expect(await engine.runInput(input('Products | count', { database: '%TenantDb%' }), trigger())).to.deep.equal([
        { Count: 3 },
      ]);
      expect(
        await engine.runInput(input('Products | count', { database: '{tenant}' }), trigger({ body: { tenant: DB } })),
      ).to.deep.equal([{ Count: 3 }]);
      await engine.close();
    });

    it('a connection setting that is missing or malformed is a configuration error naming the setting', async () => {
      const { engine } = makeEngine({ env: { ...env(), Broken: 'Data Source=ftp://nowhere' } });
      const missing = await failureOf(
        engine.runInput(input('Products', { connection: 'NoSuchConnection' }), trigger()),
        KustoConfigurationError,
      );
      expect(missing.message).to.match(
        /^Kusto input 'kustoInput0' of fn: Kusto connection setting 'NoSuchConnection' is not defined\./,
      );
      const malformed = await failureOf(
        engine.runInput(input('Products', { connection: 'Broken' }), trigger()),
        KustoConfigurationError,
      );
      expect(malformed.message).to.equal(
        "Kusto input 'kustoInput0' of fn: Kusto connection setting 'Broken' has a Data Source with scheme 'ftp:': Kusto is reached over https://.",
      );
      await engine.close();
    });

    it('a missing app setting is a configuration error naming it', async () => {
      const { engine } = makeEngine({ env: env() });
      const error = await failureOf(
        engine.runInput(input('Products', { database: '%NoSuchSetting%' }), trigger()),
        KustoConfigurationError,
      );
      expect(error.message).to.equal(
        "Kusto input 'kustoInput0' of fn: '%NoSuchSetting%' in database names the app setting 'NoSuchSetting', which is not set. Add it to the Values of local.settings.json (or to the app settings in Azure).",
      );
      await engine.close();
    });

    it('an identity whose app setting only Azure has does not stop a query to the loopback emulator', async () => {
      const { engine } = makeEngine({ env: env() });
      const rows = await engine.runInput(input('Products', { managedServiceIdentity: '%NoSuchSetting%' }), trigger());
      expect(rows).to.be.an('array');
      await engine.close();
    });
  });
});
