import * as azureFunctions from '@azure/functions';
import { expect } from 'chai';
import {
  Body,
  Context,
  Header,
  HttpTrigger,
  KustoConfigurationError,
  KustoInput,
  KustoOutput,
  Param,
  Query,
  Req,
  StorageQueueTrigger,
  TimerTrigger,
  Trigger,
  registerFunctions,
  type FunctionsApp,
  type FunctionTarget,
  type KustoInputOptions,
  type KustoOutputOptions,
  type ClassType,
  type Output,
} from '../../lib';
import { planClass } from '../../lib/register/classPlanner';
import { Problems } from '../../lib/register/problems';
import { FunctionsHarness } from 'kusto-functions-host/testing';

class Product {
  ProductID!: number;
  Name!: string;
  Cost!: number;
}

const connection = 'KustoConnectionString';
const byId = 'declare query_parameters (productId:long);Products | where ProductID == productId';

/** Input options with everything required; `extra` overrides or adds (possibly invalid) options. */
const query = (extra: Record<string, unknown> = {}) =>
  ({ database: 'productsdb', connection, kqlCommand: 'Products | take 10', ...extra }) as KustoInputOptions;

/** Output options with everything required; `extra` overrides or adds (possibly invalid) options. */
const table = (extra: Record<string, unknown> = {}) =>
  ({ database: 'productsdb', connection, tableName: 'Products', ...extra }) as KustoOutputOptions;

/** Options with one required option removed. */
const without = <T extends object>(options: T, key: string) =>
  Object.fromEntries(Object.entries(options).filter(([k]) => k !== key)) as T;

const queue = { queueName: 'orders', connection: 'AzureWebJobsStorage' };
const everyFiveMinutes = '0 */5 * * * *';

// A fresh app per registration: the real @azure/functions functions under a new identity, so the duplicate-name
// tracking (kept per app) does not leak from one spec into another.
const freshApp = (): FunctionsApp => ({ ...azureFunctions.app });
const register = (...targets: FunctionTarget[]) => registerFunctions({ app: freshApp() }, ...targets);

/** How registration fills each parameter of a class's one function (the plan is internal to registration). */
function paramPlans(target: ClassType) {
  register(target);
  const [plan] = planClass(target, new Problems());
  return plan.params;
}

/** The message of the error registration throws; fails the spec when it does not throw that error. */
function problemOf(register: () => unknown): string {
  try {
    register();
  } catch (e) {
    expect(e).to.be.instanceOf(KustoConfigurationError);
    return (e as Error).message;
  }
  expect.fail('registration did not throw');
}

describe('register/validation', () => {
  const harness = FunctionsHarness.install();

  describe('a valid class', () => {
    it('registers without error, declaring its Kusto binding to the host', () => {
      class ValidProducts {
        @HttpTrigger({ name: 'validationGetProducts', route: 'getproducts/{productId}', methods: ['GET'] })
        async getProducts(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId}' }), Product)
          products: Product[],
        ) {
          return products;
        }
      }
      const captured = harness.capture(() => {
        expect(register(ValidProducts).map((f) => f.name)).to.deep.equal(['validationGetProducts']);
      });
      expect(captured.names).to.deep.equal(['validationGetProducts']);
      expect(captured.metadata('validationGetProducts').bindings.kustoInput0).to.include({
        type: 'kusto',
        direction: 'in',
        kqlParameters: '@productId={productId}',
      });
    });
  });

  describe('required options', () => {
    it('reports a @KustoInput without database', () => {
      class MissingInputDatabase {
        @HttpTrigger()
        async getProducts(@KustoInput(without(query(), 'database'), Product) _products: Product[]) {}
      }
      expect(() => register(MissingInputDatabase)).to.throw(
        KustoConfigurationError,
        /^MissingInputDatabase\.getProducts: @KustoInput \(parameter 0\) option 'database' is required\.$/,
      );
    });

    it('reports a @KustoInput without connection', () => {
      class MissingInputConnection {
        @HttpTrigger()
        async getProducts(@KustoInput(without(query(), 'connection'), Product) _products: Product[]) {}
      }
      expect(() => register(MissingInputConnection)).to.throw(
        KustoConfigurationError,
        /^MissingInputConnection\.getProducts: @KustoInput \(parameter 0\) option 'connection' is required\.$/,
      );
    });

    it('reports a @KustoInput without kqlCommand', () => {
      class MissingKqlCommand {
        @HttpTrigger()
        async getProducts(@KustoInput(without(query(), 'kqlCommand'), Product) _products: Product[]) {}
      }
      expect(() => register(MissingKqlCommand)).to.throw(
        KustoConfigurationError,
        /^MissingKqlCommand\.getProducts: @KustoInput \(parameter 0\) option 'kqlCommand' is required\.$/,
      );
    });

    it('reports a required option that is blank', () => {
      class BlankDatabase {
        @HttpTrigger()
        async getProducts(@KustoInput(query({ database: '  ' }), Product) _products: Product[]) {}
      }
      expect(() => register(BlankDatabase)).to.throw(
        KustoConfigurationError,
        /^BlankDatabase\.getProducts: @KustoInput \(parameter 0\) option 'database' is required\.$/,
      );
    });

    it('reports a @KustoOutput parameter without database', () => {
      class MissingOutputDatabase {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(without(table(), 'database')) _out: Output<Product>) {}
      }
      expect(() => register(MissingOutputDatabase)).to.throw(
        KustoConfigurationError,
        /^MissingOutputDatabase\.addProduct: @KustoOutput \(parameter 0\) option 'database' is required\.$/,
      );
    });

    it('reports a @KustoOutput parameter without connection', () => {
      class MissingOutputConnection {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(without(table(), 'connection')) _out: Output<Product>) {}
      }
      expect(() => register(MissingOutputConnection)).to.throw(
        KustoConfigurationError,
        /^MissingOutputConnection\.addProduct: @KustoOutput \(parameter 0\) option 'connection' is required\.$/,
      );
    });

    it('reports a @KustoOutput parameter without tableName', () => {
      class MissingTableName {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(without(table(), 'tableName')) _out: Output<Product>) {}
      }
      expect(() => register(MissingTableName)).to.throw(
        KustoConfigurationError,
        /^MissingTableName\.addProduct: @KustoOutput \(parameter 0\) option 'tableName' is required\.$/,
      );
    });

    it('reports a @KustoOutput on the method without tableName', () => {
      class MissingReturnTableName {
        @HttpTrigger({ methods: ['POST'] })
        @KustoOutput(without(table(), 'tableName'))
        async addProduct(@Body(Product) product: Product) {
          return product;
        }
      }
      expect(() => register(MissingReturnTableName)).to.throw(
        KustoConfigurationError,
        /^MissingReturnTableName\.addProduct: @KustoOutput \(method\) option 'tableName' is required\.$/,
      );
    });
  });

  describe('option types and names', () => {
    // Fails until describe.ts stops reporting a wrongly typed required option a second time as missing (see report).
    it('reports a required option of the wrong type once, saying which type it is', () => {
      class NumericDatabase {
        @HttpTrigger()
        async getProducts(@KustoInput(query({ database: 42 }), Product) _products: Product[]) {}
      }
      expect(() => register(NumericDatabase)).to.throw(
        KustoConfigurationError,
        /^NumericDatabase\.getProducts: @KustoInput \(parameter 0\) option 'database' must be a string, not number\.$/,
      );
    });

    it('reports an optional option of the wrong type', () => {
      class ObjectParameters {
        @HttpTrigger()
        async getProducts(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: { productId: 1 } }), Product) _products: Product[],
        ) {}
      }
      expect(() => register(ObjectParameters)).to.throw(
        KustoConfigurationError,
        /^ObjectParameters\.getProducts: @KustoInput \(parameter 0\) option 'kqlParameters' must be a string, not object\.$/,
      );
    });

    it('reports an unknown @KustoInput option, listing the known ones', () => {
      class MisspelledInputOption {
        @HttpTrigger()
        async getProducts(@KustoInput(query({ kqlParamters: '@a=1' }), Product) _products: Product[]) {}
      }
      expect(() => register(MisspelledInputOption)).to.throw(
        KustoConfigurationError,
        /^MisspelledInputOption\.getProducts: @KustoInput \(parameter 0\) has an unknown option 'kqlParamters' \(known options: database, connection, kqlCommand, kqlParameters, /,
      );
    });

    it('reports an unknown @KustoOutput option (the Java annotation misspells ingestionType)', () => {
      class MisspelledOutputOption {
        @HttpTrigger({ methods: ['POST'] })
        @KustoOutput(table({ ingestionTyp: 'queued' }))
        async addProduct(@Body(Product) product: Product) {
          return product;
        }
      }
      expect(() => register(MisspelledOutputOption)).to.throw(
        KustoConfigurationError,
        /^MisspelledOutputOption\.addProduct: @KustoOutput \(method\) has an unknown option 'ingestionTyp' \(known options: .*ingestionType/,
      );
    });

    it('reports a binding name that is not letters and digits', () => {
      class BadBindingName {
        @HttpTrigger()
        async getProducts(@KustoInput(query({ name: 'my-products' }), Product) _products: Product[]) {}
      }
      expect(() => register(BadBindingName)).to.throw(
        KustoConfigurationError,
        /^BadBindingName\.getProducts: @KustoInput \(parameter 0\) option 'name' must be letters and digits, starting with a letter \(got 'my-products'\)\.$/,
      );
    });
  });

  describe('connection', () => {
    const secret = 'Zm9vYmFyc2VjcmV0a2V5';
    const connectionString = `Data Source=https://mycluster.kusto.windows.net;AppClientId=11111111-2222-3333-4444-555555555555;AppKey=${secret};Authority Id=contoso.com`;

    it('reports a connection string given where an app setting name belongs, without echoing it', () => {
      class PastedConnectionString {
        @HttpTrigger()
        async getProducts(@KustoInput(query({ connection: connectionString }), Product) _products: Product[]) {}
      }
      const message = problemOf(() => register(PastedConnectionString));
      expect(message).to.match(
        /^PastedConnectionString\.getProducts: @KustoInput \(parameter 0\) option 'connection' must name an app setting \(such as 'KustoConnectionString'\)/,
      );
      expect(message).not.to.include(secret);
      expect(message).not.to.include('mycluster');
    });

    it('accepts %Setting% references that name the setting, as the host resolves them in connection', () => {
      class SettingConnection {
        @HttpTrigger({ methods: ['POST'], name: 'settingConnectionAdd' })
        async addProduct(@KustoOutput(table({ connection: '%ProductsKusto%' })) _out: Output<Product>) {}
      }
      const [fn] = register(SettingConnection);
      expect(harness.metadata(fn.name).bindings[fn.kustoOutputs[0]]).to.deep.include({ connection: '%ProductsKusto%' });
    });

    it('does the same for a @KustoOutput', () => {
      class PastedOutputConnectionString {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(table({ connection: connectionString })) _out: Output<Product>) {}
      }
      const message = problemOf(() => register(PastedOutputConnectionString));
      expect(message).to.match(
        /^PastedOutputConnectionString\.addProduct: @KustoOutput \(parameter 0\) option 'connection' must name an app setting/,
      );
      expect(message).not.to.include(secret);
    });
  });

  describe('kqlParameters and the query', () => {
    const malformed: [string, string, RegExp][] = [
      ['a pair without @', 'productId=1', /expected '@name=value' at position 1 but found 'productId=1'/],
      ['a pair without =', '@productId', /expected '=' after '@productId'/],
      ['an unclosed quote', '@productId="1', /the quoted value of '@productId' is not closed/],
      ['a trailing comma', '@productId=1,', /a trailing ',' ends the list/],
      ['a name given twice', '@productId=1,@productId=2', /'@productId' is given twice/],
      ['text after a quoted value', '@productId="1" 2', /unexpected text after the quoted value of '@productId'/],
    ];
    for (const [what, kqlParameters, reason] of malformed) {
      it(`reports kqlParameters with ${what}`, () => {
        class MalformedParameters {
          @HttpTrigger({ route: 'products/{productId}' })
          async getProducts(@KustoInput(query({ kqlCommand: byId, kqlParameters }), Product) _products: Product[]) {}
        }
        const message = problemOf(() => register(MalformedParameters));
        expect(message).to.match(
          /^MalformedParameters\.getProducts: @KustoInput \(parameter 0\) option 'kqlParameters' must be '@name=value' pairs separated by commas: /,
        );
        expect(message).to.match(reason);
      });
    }

    describe("values only this SDK's engine can read", () => {
      const kqlCommand = 'declare query_parameters (name:string);Products | where Name == name';
      class QuotedValue {
        @HttpTrigger({ route: 'products' })
        async getProducts(@KustoInput(query({ kqlCommand, kqlParameters: '@name="a,b"' }), Product) _p: Product[]) {}
      }
      class ValueWithEquals {
        @HttpTrigger({ route: 'products' })
        async getProducts(@KustoInput(query({ kqlCommand, kqlParameters: '@name=a=b' }), Product) _p: Product[]) {}
      }

      it('reports a quoted value in host mode, where the Azure extension would keep the quotes', () => {
        expect(() => register(QuotedValue)).to.throw(
          KustoConfigurationError,
          /^QuotedValue\.getProducts: @KustoInput \(parameter 0\) option 'kqlParameters': the value of '@name' is quoted, which the Kusto extension in Azure cannot read \(it splits on ',' and '='\); pass such values with bindings: 'in-process', or through a binding expression\.$/,
        );
      });

      it("reports a value with '=' in host mode", () => {
        expect(() => register(ValueWithEquals)).to.throw(KustoConfigurationError, /the value of '@name' has an '='/);
      });

      it('accepts both in in-process mode, where the engine reads them', () => {
        const app = freshApp();
        const names = FunctionsHarness.install().capture(() =>
          registerFunctions({ app, bindings: 'in-process', engine: {} as never }, QuotedValue),
        ).names;
        expect(names).to.deep.equal(['getProducts']);
        expect(() =>
          registerFunctions({ app: freshApp(), bindings: 'in-process', engine: {} as never }, ValueWithEquals),
        ).to.not.throw();
      });
    });

    it('reports a kqlParameters name the query does not declare', () => {
      class UndeclaredParameter {
        @HttpTrigger({ route: 'products/{productId}' })
        async getProducts(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId},@name=x' }), Product)
          _products: Product[],
        ) {}
      }
      expect(() => register(UndeclaredParameter)).to.throw(
        KustoConfigurationError,
        /^UndeclaredParameter\.getProducts: @KustoInput \(parameter 0\) option 'kqlParameters' passes '@name', which the query does not declare: add 'name:<type>' to 'declare query_parameters \(…\)' in 'kqlCommand'\.$/,
      );
    });

    it('reports a declared parameter without default that kqlParameters does not give', () => {
      class MissingParameter {
        @HttpTrigger({ route: 'products/{productId}' })
        async getProducts(@KustoInput(query({ kqlCommand: byId }), Product) _products: Product[]) {}
      }
      expect(() => register(MissingParameter)).to.throw(
        KustoConfigurationError,
        /^MissingParameter\.getProducts: @KustoInput \(parameter 0\) option 'kqlCommand' declares the query parameter 'productId' but 'kqlParameters' gives no '@productId=…'/,
      );
    });

    it('accepts a declared parameter with a default that kqlParameters leaves out', () => {
      class DefaultedParameter {
        @HttpTrigger({ route: 'products/{productId}' })
        async getProducts(
          @KustoInput(
            query({
              kqlCommand: 'declare query_parameters (productId:long, top:int = 10);Products | take top',
              kqlParameters: '@productId={productId}',
            }),
            Product,
          )
          products: Product[],
        ) {
          return products;
        }
      }
      expect(register(DefaultedParameter)).to.have.length(1);
    });

    it('reports a declaration in kqlCommand it cannot read', () => {
      class UnreadableDeclaration {
        @HttpTrigger()
        async getProducts(
          @KustoInput(
            query({ kqlCommand: 'declare query_parameters (productId long);T', kqlParameters: '@productId=1' }),
          )
          _products: unknown,
        ) {}
      }
      expect(() => register(UnreadableDeclaration)).to.throw(
        KustoConfigurationError,
        /^UnreadableDeclaration\.getProducts: @KustoInput \(parameter 0\) option 'kqlCommand': expected ':' after parameter 'productId'\.$/,
      );
    });

    it('reports a binding expression written into kqlCommand, which would splice the value into KQL', () => {
      class SplicedQuery {
        @HttpTrigger({ route: 'products/{productId}' })
        async getProducts(
          @KustoInput(query({ kqlCommand: 'Products | where ProductID == {productId}' }), Product) _products: Product[],
        ) {}
      }
      expect(() => register(SplicedQuery)).to.throw(
        KustoConfigurationError,
        /^SplicedQuery\.getProducts: @KustoInput \(parameter 0\) option 'kqlCommand' contains the binding expression '\{productId\}', which would be spliced into the query text: declare a query parameter/,
      );
    });

    describe('with %Setting% in kqlCommand, read from the app settings the worker has at registration', () => {
      const settings = { ProductsQuery: byId, SplicedQuery: 'Products | where ProductID == {productId}' };
      before(() => Object.assign(process.env, settings));
      after(() => {
        for (const name of Object.keys(settings)) delete process.env[name];
      });

      it('reports a binding expression a setting would bring into the query text, naming the setting', () => {
        class SplicedSetting {
          @HttpTrigger({ route: 'products/{productId}' })
          async getProducts(@KustoInput(query({ kqlCommand: '%SplicedQuery% | take 1' })) _rows: unknown) {}
        }
        expect(problemOf(() => register(SplicedSetting))).to.equal(
          "SplicedSetting.getProducts: @KustoInput (parameter 0) option 'kqlCommand' contains the binding expression '{productId}' (in the value of the app setting 'SplicedQuery'), which would be spliced into the query text: declare a query parameter and pass the value in 'kqlParameters' instead.",
        );
      });

      it('still reports a binding expression written next to a setting', () => {
        class SplicedNextToSetting {
          @HttpTrigger({ route: 'products/{productId}' })
          async getProducts(
            @KustoInput(query({ kqlCommand: '%NotSetHere% | where Id == {productId}' })) _rows: unknown,
          ) {}
        }
        expect(problemOf(() => register(SplicedNextToSetting))).to.match(
          /^SplicedNextToSetting\.getProducts: @KustoInput \(parameter 0\) option 'kqlCommand' contains the binding expression '\{productId\}', which would be spliced/,
        );
      });

      it('checks kqlParameters against the query the setting holds, and leaves that check to the run when it is not set', () => {
        class SettingQuery {
          @HttpTrigger({ route: 'products/{productId}' })
          async getProducts(
            @KustoInput(query({ kqlCommand: '%ProductsQuery%', kqlParameters: '@productId={productId}' })) a: unknown,
            @KustoInput(query({ kqlCommand: '%NotSetHere%', kqlParameters: '@anything={productId}' })) b: unknown,
          ) {
            return [a, b];
          }
        }
        expect(register(SettingQuery)).to.have.length(1);
        class UndeclaredBySetting {
          @HttpTrigger({ route: 'products/{productId}' })
          async getProducts(
            @KustoInput(query({ kqlCommand: '%ProductsQuery%', kqlParameters: '@id=1' })) _r: unknown,
          ) {}
        }
        expect(problemOf(() => register(UndeclaredBySetting))).to.contain(
          "option 'kqlParameters' passes '@id', which the query does not declare",
        );
      });
    });

    it('accepts KQL braces in kqlCommand that are not binding expressions', () => {
      class DynamicLiteral {
        @HttpTrigger()
        async getProducts(
          @KustoInput(query({ kqlCommand: 'print d = dynamic({"a": 1}), e = dynamic({})' })) rows: unknown,
        ) {
          return rows;
        }
      }
      expect(register(DynamicLiteral)).to.have.length(1);
    });

    it('reports malformed braces in a kqlParameters value', () => {
      class UnclosedExpression {
        @HttpTrigger({ route: 'products/{productId}' })
        async getProducts(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId' }), Product)
          _products: Product[],
        ) {}
      }
      expect(() => register(UnclosedExpression)).to.throw(
        KustoConfigurationError,
        /^UnclosedExpression\.getProducts: @KustoInput \(parameter 0\) option 'kqlParameters': '\{' at position 1 is not closed\.$/,
      );
    });

    it('reports clientRequestProperties that are not @name=value pairs', () => {
      class MalformedRequestProperties {
        @HttpTrigger()
        async getProducts(@KustoInput(query({ clientRequestProperties: 'servertimeout=00:01:00' })) _rows: unknown) {}
      }
      expect(() => register(MalformedRequestProperties)).to.throw(
        KustoConfigurationError,
        /^MalformedRequestProperties\.getProducts: @KustoInput \(parameter 0\) option 'clientRequestProperties' must be '@name=value' pairs separated by commas: expected '@name=value' at position 1/,
      );
    });
  });

  describe('binding expressions and the trigger', () => {
    it('reports a {routeParam} the route lacks on a GET-only function (no body to look in)', () => {
      class MissingRouteParameter {
        @HttpTrigger({ route: 'getproducts/{id}', methods: ['GET'] })
        async getProducts(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId}' }), Product)
          _products: Product[],
        ) {}
      }
      expect(() => register(MissingRouteParameter)).to.throw(
        KustoConfigurationError,
        /^MissingRouteParameter\.getProducts: @KustoInput \(parameter 0\) option 'kqlParameters': '\{productId\}' is not a parameter of the route 'getproducts\/\{id\}'\.$/,
      );
    });

    it('accepts a {name} the route lacks on a POST function, where it names a body property', () => {
      class BodyProperty {
        @HttpTrigger({ route: 'getproducts', methods: ['POST'] })
        async getProducts(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId}' }), Product)
          products: Product[],
        ) {
          return products;
        }
      }
      expect(register(BodyProperty)).to.have.length(1);
    });

    it('accepts a route parameter in another option of a GET-only function', () => {
      class RouteParameterInDatabase {
        @HttpTrigger({ route: 'products/{productId}', methods: ['GET'] })
        async getProducts(
          @KustoInput(query({ database: 'db_{productId}' }), Product)
          products: Product[],
        ) {
          return products;
        }
      }
      expect(register(RouteParameterInDatabase)).to.have.length(1);
    });

    it('reports {Query.x} on a timer trigger', () => {
      class QueryOnTimer {
        @TimerTrigger(everyFiveMinutes)
        async refresh(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={Query.productId}' }), Product)
          _products: Product[],
        ) {}
      }
      expect(() => register(QueryOnTimer)).to.throw(
        KustoConfigurationError,
        /^QueryOnTimer\.refresh: @KustoInput \(parameter 0\) option 'kqlParameters': '\{Query\.productId\}' needs an HTTP trigger\.$/,
      );
    });

    it('reports {Headers.x} on a queue trigger', () => {
      class HeaderOnQueue {
        @StorageQueueTrigger(queue)
        async onOrder(@KustoInput(query({ database: 'db_{Headers.x-tenant}' })) _rows: unknown) {}
      }
      expect(() => register(HeaderOnQueue)).to.throw(
        KustoConfigurationError,
        /^HeaderOnQueue\.onOrder: @KustoInput \(parameter 0\) option 'database': '\{Headers\.x-tenant\}' needs an HTTP trigger\.$/,
      );
    });

    it('reports a trigger-data expression on a timer, which has no trigger data', () => {
      class DataOnTimer {
        @TimerTrigger(everyFiveMinutes)
        @KustoOutput(table({ tableName: 'Products_{tenant}' }))
        async snapshot() {
          return [];
        }
      }
      expect(() => register(DataOnTimer)).to.throw(
        KustoConfigurationError,
        /^DataOnTimer\.snapshot: @KustoOutput \(method\) option 'tableName': '\{tenant\}' cannot be resolved: a timer trigger has no trigger data\.$/,
      );
    });

    it('accepts a trigger-data expression and system expressions on a queue trigger', () => {
      class DataOnQueue {
        @StorageQueueTrigger(queue)
        async onOrder(
          @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId}' }), Product)
          products: Product[],
          @KustoOutput(table({ database: 'db_{tenant}', tableName: 'Log_{sys.utcnow}' })) _out: Output<Product>,
        ) {
          return products;
        }
      }
      expect(register(DataOnQueue)).to.have.length(1);
    });
  });

  describe('output options', () => {
    it('reports an unknown dataFormat, listing the supported ones', () => {
      class XmlFormat {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(table({ dataFormat: 'xml' })) _out: Output<Product>) {}
      }
      expect(() => register(XmlFormat)).to.throw(
        KustoConfigurationError,
        /^XmlFormat\.addProduct: @KustoOutput \(parameter 0\) option 'dataFormat' is 'xml', which is not a supported format \(json, multijson, csv,/,
      );
    });

    it('reports an unknown ingestionType', () => {
      class StreamingIngestion {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(table({ ingestionType: 'streaming' })) _out: Output<Product>) {}
      }
      expect(() => register(StreamingIngestion)).to.throw(
        KustoConfigurationError,
        /^StreamingIngestion\.addProduct: @KustoOutput \(parameter 0\) option 'ingestionType' is 'streaming'; use 'managed' \(the default\) or 'queued'\.$/,
      );
    });

    it('reports an unknown ingestionProperties key, listing the known ones', () => {
      class UnknownIngestionProperty {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(
          @KustoOutput(table({ ingestionType: 'queued', ingestionProperties: '@flush=true' })) _out: Output<Product>,
        ) {}
      }
      expect(() => register(UnknownIngestionProperty)).to.throw(
        KustoConfigurationError,
        /^UnknownIngestionProperty\.addProduct: @KustoOutput \(parameter 0\) option 'ingestionProperties' has an unknown property '@flush' \(known: @flushImmediately, @pollIntervalSeconds, @pollTimeoutMinutes\)\.$/,
      );
    });

    it('reports an ingestionProperties boolean that is not true or false', () => {
      class BadFlush {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(
          @KustoOutput(table({ ingestionType: 'queued', ingestionProperties: '@flushImmediately=yes' }))
          _out: Output<Product>,
        ) {}
      }
      expect(() => register(BadFlush)).to.throw(
        KustoConfigurationError,
        /^BadFlush\.addProduct: @KustoOutput \(parameter 0\) option 'ingestionProperties': '@flushImmediately' must be true or false\.$/,
      );
    });

    it('reports an ingestionProperties number that is not positive', () => {
      class BadPollInterval {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(
          @KustoOutput(table({ ingestionType: 'queued', ingestionProperties: '@pollIntervalSeconds=0' }))
          _out: Output<Product>,
        ) {}
      }
      expect(() => register(BadPollInterval)).to.throw(
        KustoConfigurationError,
        /^BadPollInterval\.addProduct: @KustoOutput \(parameter 0\) option 'ingestionProperties': '@pollIntervalSeconds' must be a positive number of seconds\.$/,
      );
    });

    it('reports ingestionProperties without queued ingestion', () => {
      class PropertiesWithoutQueued {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(
          @KustoOutput(table({ ingestionProperties: '@flushImmediately=true' })) _out: Output<Product>,
        ) {}
      }
      expect(() => register(PropertiesWithoutQueued)).to.throw(
        KustoConfigurationError,
        /^PropertiesWithoutQueued\.addProduct: @KustoOutput \(parameter 0\) option 'ingestionProperties' applies to queued ingestion only: set ingestionType: 'queued'\.$/,
      );
    });

    it('reports ingestionProperties that are not @name=value pairs', () => {
      class MalformedIngestionProperties {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(
          @KustoOutput(table({ ingestionType: 'queued', ingestionProperties: 'flushImmediately' }))
          _out: Output<Product>,
        ) {}
      }
      expect(() => register(MalformedIngestionProperties)).to.throw(
        KustoConfigurationError,
        /^MalformedIngestionProperties\.addProduct: @KustoOutput \(parameter 0\) option 'ingestionProperties' must be '@name=value' pairs separated by commas/,
      );
    });

    it('accepts queued ingestion with valid ingestionProperties', () => {
      class QueuedWithPolling {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(
          @KustoOutput(
            table({
              ingestionType: 'queued',
              ingestionProperties: '@flushImmediately=true,@pollIntervalSeconds=15,@pollTimeoutMinutes=5',
            }),
          )
          _out: Output<Product>,
        ) {}
      }
      expect(register(QueuedWithPolling)).to.have.length(1);
    });
  });

  describe('parameter types', () => {
    it('reports a @KustoInput array parameter without an element type', () => {
      class UntypedInputArray {
        @HttpTrigger()
        async getProducts(@KustoInput(query()) _products: Product[]) {}
      }
      expect(() => register(UntypedInputArray)).to.throw(
        KustoConfigurationError,
        /^UntypedInputArray\.getProducts: @KustoInput \(parameter 0\): the parameter is an array without an element type: pass the row class, as in @KustoInput\(\{ … \}, Product\)\.$/,
      );
    });

    it('reports a @Body array parameter without an element type', () => {
      class UntypedBodyArray {
        @HttpTrigger({ methods: ['POST'] })
        async addProducts(@Body() _products: Product[]) {}
      }
      expect(() => register(UntypedBodyArray)).to.throw(
        KustoConfigurationError,
        /^UntypedBodyArray\.addProducts: @Body \(parameter 0\): the parameter is an array without an element type: pass the element class, as in @Body\(Product\)\.$/,
      );
    });

    it('reports a @Trigger array parameter without an element type', () => {
      class UntypedTriggerArray {
        @StorageQueueTrigger(queue)
        async onOrders(@Trigger() _orders: Product[]) {}
      }
      expect(() => register(UntypedTriggerArray)).to.throw(
        KustoConfigurationError,
        /^UntypedTriggerArray\.onOrders: @Trigger \(parameter 0\): the parameter is an array without an element type: pass the element class, as in @Trigger\(Product\)\.$/,
      );
    });

    it('reports a Kusto input declared as a single instance', () => {
      class SingleRowInput {
        @HttpTrigger()
        async getProduct(@KustoInput(query(), Product) _product: Product) {}
      }
      expect(() => register(SingleRowInput)).to.throw(
        KustoConfigurationError,
        /^SingleRowInput\.getProduct: @KustoInput \(parameter 0\): a Kusto input is a list of rows: declare the parameter as Product\[\] and pass the row class/,
      );
    });

    it('accepts a Kusto input as rows, JSON text or untyped', () => {
      class InputShapes {
        @HttpTrigger()
        async getProducts(
          @KustoInput(query(), Product) products: Product[],
          @KustoInput(query()) json: string,
          @KustoInput(query()) rows: unknown,
        ) {
          return [products, json, rows];
        }
      }
      expect(paramPlans(InputShapes).map((p) => (p.kind === 'kustoInput' ? p.shape : p.kind))).to.deep.equal([
        'instances',
        'json',
        'rows',
      ]);
    });

    it('reports a @KustoOutput parameter declared as an array', () => {
      class ArrayOutput {
        @HttpTrigger({ methods: ['POST'] })
        async addProducts(@KustoOutput(table(), Product) _out: Product[]) {}
      }
      expect(() => register(ArrayOutput)).to.throw(
        KustoConfigurationError,
        /^ArrayOutput\.addProducts: @KustoOutput \(parameter 0\): a @KustoOutput parameter receives an Output to call set\(\) on: declare it as Output<Product>/,
      );
    });

    it('reports a @KustoOutput parameter declared as a class', () => {
      class ClassOutput {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@KustoOutput(table()) _out: Product) {}
      }
      expect(() => register(ClassOutput)).to.throw(
        KustoConfigurationError,
        /^ClassOutput\.addProduct: @KustoOutput \(parameter 0\): a @KustoOutput parameter receives an Output to call set\(\) on: declare it as Output<YourRow>/,
      );
    });
  });

  describe('function and binding names', () => {
    it('reports two functions of one call with the same name, ignoring case', () => {
      class FirstProducts {
        @HttpTrigger({ name: 'products' })
        async list() {}
      }
      class SecondProducts {
        @HttpTrigger({ name: 'Products' })
        async all() {}
      }
      expect(() => register(FirstProducts, SecondProducts)).to.throw(
        KustoConfigurationError,
        /^SecondProducts\.all: the function name 'Products' is already used by FirstProducts\.list; set a different 'name' in its trigger options\.$/,
      );
    });

    it('reports a name already registered on the same app by an earlier call', () => {
      class EarlierCall {
        @HttpTrigger()
        async getOrders() {}
      }
      class LaterCall {
        @HttpTrigger()
        async getOrders() {}
      }
      const app = freshApp();
      registerFunctions({ app }, EarlierCall);
      expect(() => registerFunctions({ app }, LaterCall)).to.throw(
        KustoConfigurationError,
        /^LaterCall\.getOrders: the function name 'getOrders' is already used by EarlierCall\.getOrders; set a different 'name'/,
      );
    });

    it('tracks names per app, so another app may reuse them', () => {
      class OnOneApp {
        @HttpTrigger()
        async getInvoices() {}
      }
      registerFunctions({ app: freshApp() }, OnOneApp);
      expect(registerFunctions({ app: freshApp() }, OnOneApp)).to.have.length(1);
    });

    // Fails until the message names the trigger decorator and its 'name' option (see report).
    it('reports a function name that is not valid, naming the trigger option it came from', () => {
      class InvalidFunctionName {
        @HttpTrigger({ name: 'get products' })
        async getProducts() {}
      }
      expect(() => register(InvalidFunctionName)).to.throw(
        KustoConfigurationError,
        /^InvalidFunctionName\.getProducts: @HttpTrigger option 'name': the function name 'get products' is not valid: use letters, digits, '_' and '-', starting with a letter/,
      );
    });

    // Fails until the message names the trigger decorator whose 'name' option fixes it (see report).
    it('reports a method name that is not a valid function name, pointing to the trigger option that fixes it', () => {
      class UnderscoreMethod {
        @HttpTrigger()
        async _getProducts() {}
      }
      expect(() => register(UnderscoreMethod)).to.throw(
        KustoConfigurationError,
        /^UnderscoreMethod\._getProducts: the function name '_getProducts' \(the method's name\) is not valid: .*set @HttpTrigger option 'name'/,
      );
    });

    // Fails until the message names the 'name' option (see report).
    it('reports the same binding name twice in one function', () => {
      class DuplicateBindingName {
        @HttpTrigger()
        async getProducts(
          @KustoInput(query({ name: 'products' }), Product) products: Product[],
          @KustoInput(query({ name: 'products' }), Product) more: Product[],
        ) {
          return [products, more];
        }
      }
      expect(() => register(DuplicateBindingName)).to.throw(
        KustoConfigurationError,
        /^DuplicateBindingName\.getProducts: @KustoInput \(parameter 1\) option 'name': .*'products'.* twice/,
      );
    });
  });

  describe('triggers', () => {
    it('reports Kusto decorators without a trigger', () => {
      class KustoWithoutTrigger {
        async getProducts(@KustoInput(query(), Product) products: Product[]) {
          return products;
        }
      }
      expect(() => register(KustoWithoutTrigger)).to.throw(
        KustoConfigurationError,
        /^KustoWithoutTrigger\.getProducts has Kusto bindings but no trigger: add a trigger decorator such as @HttpTrigger, @TimerTrigger or @GenericTrigger\.$/,
      );
    });

    it('reports a method-level @KustoOutput without a trigger', () => {
      class ReturnOutputWithoutTrigger {
        @KustoOutput(table())
        async addProduct() {
          return {};
        }
      }
      expect(() => register(ReturnOutputWithoutTrigger)).to.throw(
        KustoConfigurationError,
        /^ReturnOutputWithoutTrigger\.addProduct has Kusto bindings but no trigger/,
      );
    });

    it('reports parameter decorators without a trigger', () => {
      class ParamsWithoutTrigger {
        async search(@Query('q') q: string) {
          return q;
        }
      }
      expect(() => register(ParamsWithoutTrigger)).to.throw(
        KustoConfigurationError,
        /^ParamsWithoutTrigger\.search has parameter decorators but no trigger: add a trigger decorator such as @HttpTrigger\.$/,
      );
    });

    it('reports two triggers on one method, naming both', () => {
      class TwoTriggers {
        @HttpTrigger()
        @TimerTrigger(everyFiveMinutes)
        async refresh() {}
      }
      expect(() => register(TwoTriggers)).to.throw(
        KustoConfigurationError,
        /^TwoTriggers\.refresh has 2 triggers \((@TimerTrigger, @HttpTrigger|@HttpTrigger, @TimerTrigger)\); a function has exactly one\.$/,
      );
    });

    it('reports two @KustoOutput decorators on one method', () => {
      class TwoReturnOutputs {
        @HttpTrigger({ methods: ['POST'] })
        @KustoOutput(table({ tableName: 'Products' }))
        @KustoOutput(table({ tableName: 'ProductsChangeLog' }))
        async addProduct(@Body(Product) product: Product) {
          return product;
        }
      }
      expect(() => register(TwoReturnOutputs)).to.throw(
        KustoConfigurationError,
        /^TwoReturnOutputs\.addProduct has 2 @KustoOutput decorators on the method; use one, and @KustoOutput parameters for more tables\.$/,
      );
    });

    it('reports a route the host cannot parse, naming the @HttpTrigger route option', () => {
      class UnclosedRoute {
        @HttpTrigger({ route: 'products/{id' })
        async getProduct() {}
      }
      expect(() => register(UnclosedRoute)).to.throw(
        KustoConfigurationError,
        /^UnclosedRoute\.getProduct: @HttpTrigger option 'route': route 'products\/\{id' has a '\{' that is not closed\.$/,
      );
    });

    // Fails until parseRouteTemplate checks constraint names (see the routes spec and the report).
    it('reports a route with an unknown constraint', () => {
      class UnknownConstraint {
        @HttpTrigger({ route: 'products/{id:integer}' })
        async getProduct() {}
      }
      expect(() => register(UnknownConstraint)).to.throw(
        KustoConfigurationError,
        /^UnknownConstraint\.getProduct: @HttpTrigger option 'route': .*'integer'/,
      );
    });
  });

  describe('parameter decorators', () => {
    it('reports an undecorated parameter', () => {
      class UndecoratedParameter {
        @HttpTrigger()
        async getProducts(@KustoInput(query(), Product) products: Product[], limit: number) {
          return products.slice(0, limit);
        }
      }
      expect(() => register(UndecoratedParameter)).to.throw(
        KustoConfigurationError,
        /^UndecoratedParameter\.getProducts: parameter 1 has no decorator; every parameter needs one \(@KustoInput, @KustoOutput, @Req, @Body, @Param, @Query, @Header, @Trigger or @Context\)\.$/,
      );
    });

    it('reports two decorators on one parameter, naming both', () => {
      class TwoDecorators {
        @HttpTrigger({ methods: ['POST'] })
        async addProduct(@Body(Product) @Query('product') product: Product) {
          return product;
        }
      }
      expect(() => register(TwoDecorators)).to.throw(
        KustoConfigurationError,
        /^TwoDecorators\.addProduct: parameter 0 has several decorators \((@Query, @Body|@Body, @Query)\); use one\.$/,
      );
    });

    const httpOnly: [string, (cls: object, method: string, index: number) => void][] = [
      ['@Req', Req()],
      ['@Body', Body()],
      ['@Param', Param('id')],
      ['@Query', Query('q')],
      ['@Header', Header('x-id')],
    ];
    for (const [name, decorator] of httpOnly) {
      it(`reports ${name} on a function that is not HTTP-triggered`, () => {
        class HttpPartOnTimer {
          @TimerTrigger(everyFiveMinutes)
          async refresh(_value: unknown) {}
        }
        decorator(HttpPartOnTimer.prototype, 'refresh', 0);
        expect(() => register(HttpPartOnTimer)).to.throw(
          KustoConfigurationError,
          new RegExp(
            `^HttpPartOnTimer\\.refresh: ${name} \\(parameter 0\\) needs an HTTP trigger, but the function is triggered by @TimerTrigger\\.$`,
          ),
        );
      });
    }

    it('accepts @Trigger and @Context on any trigger', () => {
      class QueueParts {
        @StorageQueueTrigger(queue)
        async onOrder(@Trigger(Product) order: Product, @Context() context: azureFunctions.InvocationContext) {
          context.log(order.Name);
        }
      }
      expect(paramPlans(QueueParts).map((p) => p.kind)).to.deep.equal(['trigger', 'context']);
    });

    it('reports @Param naming a route parameter that does not exist', () => {
      class MissingParam {
        @HttpTrigger({ route: 'products/{id}' })
        async getProduct(@Param('productId') productId: number) {
          return productId;
        }
      }
      expect(() => register(MissingParam)).to.throw(
        KustoConfigurationError,
        /^MissingParam\.getProduct: @Param \(parameter 0\): the route 'products\/\{id\}' has no parameter '\{productId\}'\.$/,
      );
    });

    it('reports @Param on a function without a route, whose route is its name', () => {
      class ParamWithoutRoute {
        @HttpTrigger()
        async getProduct(@Param('id') id: number) {
          return id;
        }
      }
      expect(() => register(ParamWithoutRoute)).to.throw(
        KustoConfigurationError,
        /^ParamWithoutRoute\.getProduct: @Param \(parameter 0\): the route 'getProduct' has no parameter '\{id\}'\.$/,
      );
    });

    it('reports @Body on a GET-only function', () => {
      class BodyOnGet {
        @HttpTrigger({ methods: ['GET'] })
        async addProduct(@Body(Product) product: Product) {
          return product;
        }
      }
      expect(() => register(BodyOnGet)).to.throw(
        KustoConfigurationError,
        /^BodyOnGet\.addProduct: @Body \(parameter 0\): the function accepts only GET, which carry no body\.$/,
      );
    });
  });

  describe('classes and instances', () => {
    it('reports a call without handler classes', () => {
      expect(() => registerFunctions({ app: freshApp() })).to.throw(
        KustoConfigurationError,
        /^registerFunctions was given no handler classes\.$/,
      );
    });

    it('reports a target that is neither a class nor an instance', () => {
      expect(() => register(42 as unknown as FunctionTarget)).to.throw(
        KustoConfigurationError,
        /^registerFunctions takes handler classes or instances, not number\.$/,
      );
    });

    it('reports a class without decorated methods', () => {
      class PlainClass {
        async getProducts() {}
      }
      expect(() => register(PlainClass)).to.throw(
        KustoConfigurationError,
        /^PlainClass has no decorated methods: add a trigger decorator such as @HttpTrigger to a method\.$/,
      );
    });

    it('reports a class whose constructor throws, keeping the cause', () => {
      const failure = new Error('no database handle');
      class FragileHandlers {
        constructor() {
          throw failure;
        }
        @HttpTrigger()
        async getProducts() {}
      }
      let thrown: unknown;
      expect(() => {
        try {
          register(FragileHandlers);
        } catch (e) {
          thrown = e;
          throw e;
        }
      }).to.throw(
        KustoConfigurationError,
        /^registerFunctions could not create FragileHandlers with 'new FragileHandlers\(\)': pass an instance instead if its constructor needs arguments\.$/,
      );
      expect((thrown as Error).cause).to.equal(failure);
    });

    it('reports a class whose constructor needs arguments', () => {
      class Repository {
        find(): Product[] {
          return [];
        }
      }
      class NeedsRepository {
        readonly all: Product[];
        constructor(repository: Repository) {
          this.all = repository.find();
        }
        @HttpTrigger()
        async getProducts() {
          return this.all;
        }
      }
      expect(() => register(NeedsRepository)).to.throw(
        KustoConfigurationError,
        /^registerFunctions could not create NeedsRepository with 'new NeedsRepository\(\)': pass an instance instead/,
      );
    });

    it('registers an instance, whose methods then run with it as this', async () => {
      class Greeter {
        constructor(private readonly greeting: string) {}
        @HttpTrigger({ name: 'validationGreet', methods: ['GET'] })
        async greet(@Query('name') name: string) {
          return { jsonBody: `${this.greeting}, ${name}` };
        }
      }
      const captured = harness.capture(() => {
        expect(register(new Greeter('Hello')).map((f) => f.name)).to.deep.equal(['validationGreet']);
      });
      const response = await captured.invokeHttp('validationGreet', { query: { name: 'Ada' } });
      expect(response.error).to.equal(undefined);
      expect(response.json()).to.equal('Hello, Ada');
    });
  });

  describe('several problems', () => {
    class GoodHandlers {
      @HttpTrigger({ name: 'validationGoodProducts', route: 'good/{productId}', methods: ['GET'] })
      async getProducts(
        @KustoInput(query({ kqlCommand: byId, kqlParameters: '@productId={productId}' }), Product) products: Product[],
      ) {
        return products;
      }
    }

    class BrokenHandlers {
      @HttpTrigger({ methods: ['GET'] })
      async getProducts(@KustoInput(without(query(), 'database')) _rows: unknown, @Body() _body: unknown) {}

      @TimerTrigger(everyFiveMinutes)
      async refresh(@KustoOutput(table({ dataFormat: 'xml' })) _out: Output<Product>) {}
    }

    it('reports every problem in one error, one line each', () => {
      const message = problemOf(() => register(GoodHandlers, BrokenHandlers));
      const lines = message.split('\n');
      expect(lines[0]).to.equal('registerFunctions found 3 problems:');
      expect(lines.slice(1)).to.have.length(3);
      expect(lines[1]).to.match(/^- BrokenHandlers\.getProducts: @KustoInput \(parameter 0\) option 'database'/);
      expect(lines[2]).to.match(/^- BrokenHandlers\.getProducts: @Body \(parameter 1\): the function accepts only GET/);
      expect(lines[3]).to.match(/^- BrokenHandlers\.refresh: @KustoOutput \(parameter 0\) option 'dataFormat'/);
    });

    it('registers nothing, not even the valid functions, when anything is wrong', () => {
      const captured = harness.capture(() => {
        expect(() => register(GoodHandlers, BrokenHandlers)).to.throw(KustoConfigurationError);
      });
      expect(captured.names).to.deep.equal([]);
    });

    it('registers the valid class on its own (so the spec above can fail)', () => {
      const captured = harness.capture(() => register(GoodHandlers));
      expect(captured.names).to.deep.equal(['validationGoodProducts']);
    });

    it('does not remember the names of a failed call, so the fixed classes register on the same app', () => {
      const app = freshApp();
      expect(() => registerFunctions({ app }, GoodHandlers, BrokenHandlers)).to.throw(KustoConfigurationError);
      expect(registerFunctions({ app }, GoodHandlers)).to.have.length(1);
    });
  });
});
