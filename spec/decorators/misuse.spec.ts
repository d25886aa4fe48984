import { trigger } from '@azure/functions';
import { expect } from 'chai';
import {
  Body,
  Context,
  EventHubTrigger,
  GenericTrigger,
  Header,
  HttpTrigger,
  KustoInput,
  KustoOutput,
  Param,
  Query,
  Req,
  ServiceBusQueueTrigger,
  ServiceBusTopicTrigger,
  StorageQueueTrigger,
  TimerTrigger,
  Trigger,
  type KustoInputOptions,
  type KustoOutputOptions,
} from '../../lib';

// Decorators are applied by hand (or through a cast) where TypeScript itself would refuse them.
type AnyDecorator = (...args: unknown[]) => void;
const loose = (decorator: unknown) => decorator as AnyDecorator;

const input: KustoInputOptions = { database: 'db', connection: 'KustoConnectionString', kqlCommand: 'T' };
const output: KustoOutputOptions = { database: 'db', connection: 'KustoConnectionString', tableName: 'T' };

class Handlers {
  prop = 1;
  handle(_x?: unknown): void {}
  get size(): number {
    return 0;
  }
  static handleStatic(_x?: unknown): void {}
}

const method = (name: 'handle' | 'size') => Object.getOwnPropertyDescriptor(Handlers.prototype, name);

/** The decorator applied to each kind of place, as TypeScript calls it. */
const places = {
  method: (d: unknown) => loose(d)(Handlers.prototype, 'handle', method('handle')),
  property: (d: unknown) => loose(d)(Handlers.prototype, 'prop', undefined),
  accessor: (d: unknown) => loose(d)(Handlers.prototype, 'size', method('size')),
  class: (d: unknown) => loose(d)(Handlers),
  constructorParameter: (d: unknown) => loose(d)(Handlers, undefined, 0),
  staticMethod: (d: unknown) =>
    loose(d)(Handlers, 'handleStatic', Object.getOwnPropertyDescriptor(Handlers, 'handleStatic')),
  staticMethodParameter: (d: unknown) => loose(d)(Handlers, 'handleStatic', 0),
  parameter: (d: unknown) => loose(d)(Handlers.prototype, 'handle', 0),
  symbolMethod: (d: unknown) =>
    loose(d)(Handlers.prototype, Symbol('run'), { value: () => undefined, writable: true, configurable: true }),
};

const where = {
  method: /the method Handlers\.handle\b/,
  property: /the property 'prop' of Handlers/,
  accessor: /the accessor 'size' of Handlers/,
  class: /the class Handlers/,
  constructorParameter: /parameter 0 of the constructor of Handlers/,
  staticMethod: /the static method Handlers\.handleStatic/,
  staticMethodParameter: /parameter 0 of the static method Handlers\.handleStatic/,
  parameter: /parameter 0 of Handlers\.handle\b/,
  symbolMethod: /the symbol-named method Symbol\(run\) of Handlers/,
};

type Place = keyof typeof places;

function expectMisplaced(decorator: unknown, name: string, place: Place): void {
  const apply = () => places[place](decorator);
  expect(apply).to.throw(TypeError, new RegExp(`^${name} decorates `));
  expect(apply).to.throw(TypeError, where[place]);
}

describe('decorators/misuse', () => {
  describe('@KustoInput decorates handler method parameters only', () => {
    for (const place of [
      'method',
      'property',
      'accessor',
      'class',
      'constructorParameter',
      'staticMethodParameter',
    ] as const) {
      it(`refuses ${place.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase())}, naming the decorator and the member`, () => {
        expectMisplaced(KustoInput(input), '@KustoInput', place);
      });
    }

    it('refuses a parameter of a symbol-named method', () => {
      const apply = () => loose(KustoInput(input))(Handlers.prototype, Symbol('run'), 0);
      expect(apply).to.throw(TypeError, /@KustoInput decorates .*a parameter of a symbol-named method of Handlers/);
    });

    it('is accepted on a handler method parameter (so the refusals above can fail)', () => {
      expect(() => places.parameter(KustoInput(input))).not.to.throw();
    });
  });

  describe('@KustoOutput decorates handler methods or their parameters only', () => {
    for (const place of ['property', 'accessor', 'class', 'constructorParameter', 'staticMethod'] as const) {
      it(`refuses ${place.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase())}, naming the decorator and the member`, () => {
        expectMisplaced(KustoOutput(output), '@KustoOutput', place);
      });
    }

    it('is accepted on a method and on a method parameter', () => {
      class Outputs {
        one(): void {}
        two(_out?: unknown): void {}
      }
      const d = loose(KustoOutput(output));
      expect(() =>
        d(Outputs.prototype, 'one', Object.getOwnPropertyDescriptor(Outputs.prototype, 'one')),
      ).not.to.throw();
      expect(() => d(Outputs.prototype, 'two', 0)).not.to.throw();
    });
  });

  describe('trigger decorators decorate handler methods only', () => {
    const triggers: [string, () => unknown][] = [
      ['@HttpTrigger', () => HttpTrigger()],
      ['@TimerTrigger', () => TimerTrigger('0 */5 * * * *')],
      ['@StorageQueueTrigger', () => StorageQueueTrigger({ queueName: 'q', connection: 'Storage' })],
      ['@ServiceBusQueueTrigger', () => ServiceBusQueueTrigger({ queueName: 'q', connection: 'Bus' })],
      [
        '@ServiceBusTopicTrigger',
        () => ServiceBusTopicTrigger({ topicName: 't', subscriptionName: 's', connection: 'Bus' }),
      ],
      ['@EventHubTrigger', () => EventHubTrigger({ eventHubName: 'h', connection: 'Hub' })],
      ['@GenericTrigger', () => GenericTrigger(trigger.generic({ type: 'rabbitMQTrigger' }))],
    ];
    for (const [name, make] of triggers) {
      for (const place of ['parameter', 'property', 'staticMethod'] as const) {
        it(`${name} refuses ${place.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase())}`, () => {
          expectMisplaced(make(), name, place);
        });
      }
    }

    it('@HttpTrigger refuses an accessor, a class and a symbol-named method', () => {
      expectMisplaced(HttpTrigger(), '@HttpTrigger', 'accessor');
      expectMisplaced(HttpTrigger(), '@HttpTrigger', 'class');
      expectMisplaced(HttpTrigger(), '@HttpTrigger', 'symbolMethod');
    });

    it('is accepted on a handler method', () => {
      expect(() => places.method(HttpTrigger())).not.to.throw();
    });
  });

  describe('parameter decorators decorate handler method parameters only', () => {
    const params: [string, () => unknown][] = [
      ['@Req', () => Req()],
      ['@Body', () => Body()],
      ['@Param', () => Param('id')],
      ['@Query', () => Query('q')],
      ['@Header', () => Header('x-id')],
      ['@Trigger', () => Trigger()],
      ['@Context', () => Context()],
    ];
    for (const [name, make] of params) {
      it(`${name} refuses a method, a property and a static method parameter`, () => {
        expectMisplaced(make(), name, 'method');
        expectMisplaced(make(), name, 'property');
        expectMisplaced(make(), name, 'staticMethodParameter');
      });
    }

    it('refuses a method through decorator syntax too', () => {
      expect(() => {
        class Decorated {
          @(Body() as unknown as MethodDecorator)
          run(): void {}
        }
        return Decorated;
      }).to.throw(
        TypeError,
        /@Body decorates handler method parameters; it cannot decorate the method Decorated\.run\./,
      );
    });
  });

  describe('decorator arguments are checked when the decorator is created', () => {
    const bad = <T>(value: unknown) => value as T;

    it('@KustoInput and @KustoOutput need an options object', () => {
      for (const options of [undefined, null, 'KustoConnectionString', 42, [input]]) {
        expect(() => KustoInput(bad(options)), String(options)).to.throw(
          TypeError,
          /@KustoInput needs an options object as its first argument/,
        );
        expect(() => KustoOutput(bad(options)), String(options)).to.throw(
          TypeError,
          /@KustoOutput needs an options object as its first argument/,
        );
      }
    });

    it('@KustoInput and @KustoOutput need a class as the row type', () => {
      expect(() => KustoInput(input, bad('Product'))).to.throw(
        TypeError,
        /@KustoInput: the second argument must be a class \(the row type\), not a string/,
      );
      expect(() => KustoOutput(output, bad({}))).to.throw(
        TypeError,
        /@KustoOutput: the second argument must be a class/,
      );
    });

    it('@Body and @Trigger need a class as the type', () => {
      expect(() => Body(bad('Product'))).to.throw(TypeError, /@Body: the type must be a class/);
      expect(() => Trigger(bad(1))).to.throw(TypeError, /@Trigger: the type must be a class/);
    });

    it('@Param, @Query and @Header need a non-empty name', () => {
      for (const name of ['', undefined, 5]) {
        expect(() => Param(bad(name))).to.throw(TypeError, /@Param needs a non-empty name/);
        expect(() => Query(bad(name))).to.throw(TypeError, /@Query needs a non-empty name/);
        expect(() => Header(bad(name))).to.throw(TypeError, /@Header needs a non-empty name/);
      }
    });

    it('@GenericTrigger needs a trigger object with a type', () => {
      for (const value of [undefined, null, 'rabbitMQTrigger', {}, { type: 1 }]) {
        expect(() => GenericTrigger(bad(value)), JSON.stringify(value)).to.throw(
          TypeError,
          /@GenericTrigger needs a trigger object such as trigger\.generic/,
        );
      }
    });

    it('trigger decorators need an options object when given options', () => {
      expect(() => HttpTrigger(bad('products'))).to.throw(TypeError, /@HttpTrigger needs an options object/);
      expect(() => TimerTrigger(bad(5))).to.throw(TypeError, /@TimerTrigger needs an options object/);
      expect(() => StorageQueueTrigger(bad(undefined))).to.throw(TypeError, /@StorageQueueTrigger needs an options/);
      expect(() => ServiceBusQueueTrigger(bad(null))).to.throw(TypeError, /@ServiceBusQueueTrigger needs an options/);
      expect(() => ServiceBusTopicTrigger(bad([]))).to.throw(TypeError, /@ServiceBusTopicTrigger needs an options/);
      expect(() => EventHubTrigger(bad('hub'))).to.throw(TypeError, /@EventHubTrigger needs an options/);
      expect(() => GenericTrigger(trigger.generic({ type: 'x' }), bad('retry'))).to.throw(
        TypeError,
        /@GenericTrigger needs an options object/,
      );
    });

    // Fails until @TimerTrigger checks its schedule (see report): the host would refuse the function at start.
    it('@TimerTrigger needs a non-empty schedule', () => {
      expect(() => TimerTrigger('')).to.throw(TypeError, /@TimerTrigger needs a .*schedule/);
      expect(() => TimerTrigger({ schedule: ' ' })).to.throw(TypeError, /@TimerTrigger needs a .*schedule/);
    });

    it('accepts well-formed arguments (so the checks above can fail)', () => {
      class Row {}
      expect(() => [
        KustoInput(input, Row),
        KustoOutput(output, Row),
        Body(Row),
        Trigger(Row),
        Param('id'),
        Query('q'),
        Header('h'),
        HttpTrigger({ route: 'x' }),
        TimerTrigger('0 0 * * * *'),
        GenericTrigger(trigger.generic({ type: 'x' }), { retry: undefined }),
      ]).not.to.throw();
    });
  });
});
