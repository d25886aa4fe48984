import { expect } from 'chai';
import { BindingData, compileTemplate } from '../lib/bindingData';
import type { TriggerData } from '../lib';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import { failureOf, input, makeEngine, trigger, useEmulator } from './support/engineFixture';

const site = { binding: "Kusto input 'in' of fn", option: 'kqlParameters (@p)' };

function resolve(text: string, data: Partial<TriggerData> = {}, env: NodeJS.ProcessEnv = {}): string {
  return new BindingData({ functionName: 'getProducts', ...data }, env).resolve(compileTemplate(text), site);
}

describe('engine: binding expressions', () => {
  describe('resolve as the Functions host does', () => {
    it('route parameters, before body properties of the same name, in any case', () => {
      const data = { params: { productId: '7' }, body: { productId: 8, Name: 'n' } };
      expect(resolve('{productId}', data)).to.equal('7');
      expect(resolve('{PRODUCTID}', data)).to.equal('7');
      expect(resolve('{name}', data)).to.equal('n');
    });

    it('the query string and headers, case-insensitively', () => {
      const data = { query: { Name: 'a b' }, headers: { 'x-tenant-id': 't1' } };
      expect(resolve('{Query.Name}', data)).to.equal('a b');
      expect(resolve('{query.name}', data)).to.equal('a b');
      expect(resolve('{Headers.X-Tenant-Id}', data)).to.equal('t1');
    });

    it('dotted paths into the body, and trigger metadata', () => {
      const data = { body: { order: { Customer: { id: 42 } } }, metadata: { dequeueCount: 2 } };
      expect(resolve('{order.customer.id}', data)).to.equal('42');
      expect(resolve('{dequeueCount}', data)).to.equal('2');
    });

    it('values as text: numbers and booleans as JSON writes them, objects as JSON, strings as they are', () => {
      const data = { body: { n: 1.5, b: false, o: { a: [1, 'x'] }, s: 'a,b=c "q"' } };
      expect(resolve('{n}|{b}|{o}|{s}', data)).to.equal('1.5|false|{"a":[1,"x"]}|a,b=c "q"');
    });

    it('system values: rand-guid, sys.randguid, sys.utcnow (one instant, 7 fraction digits), DateTime, sys.methodname', () => {
      const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(resolve('{rand-guid}')).to.match(guid);
      expect(resolve('{sys.randguid}')).to.match(guid);
      expect(resolve('{rand-guid}')).to.not.equal(resolve('{rand-guid}'));
      const [a, b] = resolve('{sys.utcnow} {sys.utcnow}').split(' ');
      expect(a).to.equal(b);
      expect(a).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      expect(Math.abs(Date.parse(a) - Date.now())).to.be.below(5000);
      expect(resolve('{DateTime}')).to.match(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
      expect(resolve('{sys.methodname}')).to.equal('getProducts');
    });

    it('%AppSetting% from the app settings, next to literals and expressions', () => {
      expect(resolve('%Prefix%-{id}-db', { params: { id: '3' } }, { Prefix: 'tenant' })).to.equal('tenant-3-db');
    });
  });

  describe('in kqlCommand and connection, where the host resolves app settings only', () => {
    const data = (env: NodeJS.ProcessEnv) => new BindingData({ functionName: 'listOrders' }, env);
    const query = { binding: "Kusto input 'orders' of listOrders", option: 'kqlCommand' };

    it('%AppSetting% in kqlCommand, KQL braces and a lone % kept as written', () => {
      const env = { OrdersTable: 'Orders', Kusto__Filter: 'Total % 2 == 0' };
      expect(
        data(env).queryText('%OrdersTable% | where %Kusto:Filter% | extend d = dynamic({"a": 1})', query),
      ).to.equal('Orders | where Total % 2 == 0 | extend d = dynamic({"a": 1})');
    });

    it('refuses a {…} expression in kqlCommand, written in it or brought by a setting, which the extension would splice', () => {
      expect(() => data({}).queryText('Orders | where Customer == "{customer}"', query)).to.throw(
        KustoConfigurationError,
        "Kusto input 'orders' of listOrders: kqlCommand contains the binding expression '{customer}', which would be spliced into the query text: declare a query parameter and pass the value in 'kqlParameters' instead.",
      );
      expect(() => data({ OrdersQuery: 'Orders | where Id == {id}' }).queryText('%OrdersQuery%', query)).to.throw(
        KustoConfigurationError,
        "Kusto input 'orders' of listOrders: kqlCommand contains the binding expression '{id}' (in the value of the app setting 'OrdersQuery'), which would be spliced",
      );
    });

    it('the setting connection names, %AppSetting% resolved, KustoConnectionString when it names none', () => {
      expect(data({ Which: 'OrdersKusto' }).connectionSetting('%Which%', 'b')).to.equal('OrdersKusto');
      expect(data({}).connectionSetting('Plain', 'b')).to.equal('Plain');
      expect(data({}).connectionSetting(undefined, 'b')).to.equal('KustoConnectionString');
      expect(() => data({}).connectionSetting('%Which%', "Kusto input 'orders' of listOrders")).to.throw(
        KustoConfigurationError,
        "Kusto input 'orders' of listOrders: '%Which%' in connection names the app setting 'Which', which is not set.",
      );
    });
  });

  describe('fail naming the expression, the option and the binding', () => {
    it('an expression without a value', () => {
      expect(() => resolve('{Query.missing}', { query: {} })).to.throw(
        KustoBindingError,
        "Kusto input 'in' of fn: the binding expression '{Query.missing}' in kqlParameters (@p) has no value: the query string has no 'missing'.",
      );
      expect(() => resolve('{a.b}', { body: { a: {} } })).to.throw(KustoBindingError, "has no value at 'a.b'");
      expect(() => resolve('{gone}', { body: { gone: null } })).to.throw(KustoBindingError, "named 'gone'");
    });

    it('an app setting that is not set', () => {
      expect(() => resolve('%Missing%')).to.throw(
        KustoConfigurationError,
        "names the app setting 'Missing', which is not set",
      );
    });
  });

  describe('in a binding run by the engine', () => {
    const fixture = useEmulator();

    it('kqlParameters values are resolved after the list is parsed, so a resolved value may hold , and =', async () => {
      const { engine } = makeEngine({ env: fixture.env });
      const rows = await engine.runInput(
        input('declare query_parameters (a:string, b:string);print a = a, b = b', {
          kqlParameters: '@a={x},@b="{y}, literal"',
        }),
        trigger({ body: { x: 'one,two=2', y: '@b=3' } }),
      );
      expect(rows).to.deep.equal([{ a: 'one,two=2', b: '@b=3, literal' }]);
      await engine.close();
    });

    it('%AppSetting% in kqlCommand and connection, the query declaring the parameters it is given', async () => {
      const env = {
        ...fixture.env,
        OrdersKustoName: 'KustoConnectionString',
        OrdersQuery:
          'declare query_parameters (customer:string, total:real);print customer = customer, doubled = total * 2',
      };
      const { engine } = makeEngine({ env });
      const rows = await engine.runInput(
        input('%OrdersQuery%', { connection: '%OrdersKustoName%', kqlParameters: '@customer={c},@total={t}' }),
        trigger({ query: {}, body: { c: 'alice', t: 1.5 } }),
      );
      expect(rows).to.deep.equal([{ customer: 'alice', doubled: 3 }]);
      const error = await failureOf(engine.runInput(input('%NoSuchQuery%'), trigger()), KustoConfigurationError);
      expect(error.message).to.match(
        /^Kusto input 'kustoInput0' of fn: '%NoSuchQuery%' in kqlCommand names the app setting 'NoSuchQuery', which is not set\./,
      );
      await engine.close();
    });

    it('braces that are not an expression are a configuration error naming the option', async () => {
      const { engine } = makeEngine({ env: fixture.env });
      const error = await failureOf(
        engine.runInput(input('print 1', { database: 'db{' }), trigger()),
        KustoConfigurationError,
      );
      expect(error.message).to.equal("Kusto input 'kustoInput0' of fn: database: '{' at position 3 is not closed.");
      await engine.close();
    });

    it('a kqlParameters list that does not parse is a configuration error naming it', async () => {
      const { engine } = makeEngine({ env: fixture.env });
      const error = await failureOf(
        engine.runInput(input('declare query_parameters (a:string);print a', { kqlParameters: '@a="open' }), trigger()),
        KustoConfigurationError,
      );
      expect(error.message).to.equal(
        "Kusto input 'kustoInput0' of fn: kqlParameters must be '@name=value' pairs separated by commas: the quoted value of '@a' is not closed.",
      );
      await engine.close();
    });
  });
});
