import { expect } from 'chai';
import { Body, HttpTrigger, KustoInput, KustoOutput, TimerTrigger, type KustoOutputOptions } from '../../lib';

// Without experimentalDecorators, TypeScript 5+ emits standard (TC39) decorators, called as (value, context).
// They are applied by hand here, as that emit calls them: this project compiles with experimentalDecorators.
type AnyDecorator = (...args: unknown[]) => unknown;
const call = (decorator: unknown) => decorator as AnyDecorator;

const output: KustoOutputOptions = { database: 'db', connection: 'KustoConnectionString', tableName: 'T' };

function methodContext(name: string) {
  return {
    kind: 'method',
    name,
    static: false,
    private: false,
    access: { has: () => true, get: () => undefined },
    metadata: {},
    addInitializer: () => undefined,
  };
}

const message =
  'kusto-functions decorators are legacy (parameter) decorators, but one was applied to the method ' +
  "'getProducts' as a standard (TC39) decorator: " +
  'set "experimentalDecorators": true and "emitDecoratorMetadata": true in tsconfig.json.';

describe('decorators/standard (TC39) calling convention', () => {
  const getProducts = function getProducts(): void {};

  for (const [name, make] of [
    ['@HttpTrigger', () => HttpTrigger({ route: 'getproducts', methods: ['GET'] })],
    ['@TimerTrigger', () => TimerTrigger('0 */5 * * * *')],
    ['@KustoOutput', () => KustoOutput(output)],
    ['@Body', () => Body()],
  ] as const) {
    it(`${name} on a method says to turn on experimentalDecorators and emitDecoratorMetadata`, () => {
      expect(() => call(make())(getProducts, methodContext('getProducts'))).to.throw(TypeError, message);
    });
  }

  it('names the kind and member of other places, and never prints the context object', () => {
    const apply = (kind: string, name?: string | symbol) => () =>
      call(KustoInput({ database: 'db', connection: 'KustoConnectionString', kqlCommand: 'T' }))(undefined, {
        kind,
        name,
      });
    expect(apply('field', 'products')).to.throw(TypeError, /applied to the field 'products' as a standard \(TC39\)/);
    expect(apply('class', 'ProductFunctions')).to.throw(TypeError, /to the class 'ProductFunctions' as a standard/);
    expect(apply('class')).to.throw(TypeError, /applied to the class as a standard/);
    expect(apply('method', Symbol('run'))).to.throw(TypeError, /to the method 'Symbol\(run\)' as a standard/);
    for (const kind of ['field', 'class', 'getter', 'accessor']) {
      expect(apply(kind, 'x')).to.throw(TypeError, /"experimentalDecorators": true and "emitDecoratorMetadata": true/);
      expect(apply(kind, 'x')).not.to.throw(/\[object Object\]/);
    }
  });

  it('leaves the legacy calling convention alone (a property key is never an object)', () => {
    class Handlers {
      prop = 1;
    }
    expect(() => call(HttpTrigger())(Handlers.prototype, 'prop')).to.throw(
      TypeError,
      /@HttpTrigger decorates handler methods; it cannot decorate the property 'prop' of Handlers\./,
    );
  });
});
