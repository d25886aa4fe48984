import * as azureFunctions from '@azure/functions';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { HttpTrigger, KustoInput, registerFunctions, type RegisterOptions } from '../../lib';
import { toInstance, toInstances } from '../../lib/mapping';
import { FunctionsHarness } from 'kusto-functions-host/testing';
import { makeEngine, useEmulator } from '../../packages/engine/spec/support/engineFixture';

const SETUP = `
.create table Events (Id:long, At:datetime)

.ingest inline into table Events <| 1,2024-02-29T23:59:59.5Z
`;
// How the Kusto extension (and the engine) deliver a datetime column: ISO 8601 text.
const AT = '2024-02-29T23:59:59.5Z';

/** No decorator, so TypeScript records no type for `At`: nothing can know it is meant to be a Date. */
class UndecoratedEvent {
  Id!: number;
  At!: Date;
}

class TypedEvent {
  Id!: number;
  @Type(() => Date)
  At!: Date;
}

/** What a handler saw of `At`, as JSON can carry it back. */
function seen(value: unknown) {
  return value instanceof Date ? { date: value.toISOString() } : { [typeof value]: value };
}

/** Functions reading Events into both classes, under names of their own (one set per registration). */
function eventFunctions(prefix: string) {
  const events = { database: 'db', connection: 'KustoConnectionString', kqlCommand: 'Events' };
  class EventFunctions {
    @HttpTrigger({ route: `${prefix}/events`, methods: ['GET'], name: `${prefix}Events` })
    get(
      @KustoInput({ ...events, name: 'undecorated' }, UndecoratedEvent) undecorated: UndecoratedEvent[],
      @KustoInput({ ...events, name: 'typed' }, TypedEvent) typed: TypedEvent[],
    ) {
      return { jsonBody: { undecorated: seen(undecorated[0].At), typed: seen(typed[0].At) } };
    }
  }
  return EventFunctions;
}

// Local runs must map dates exactly as Azure does: there, the extension hands the worker ISO text and only the
// app's decorators can make a Date of it, so a local run must not convert an undecorated property either.
describe('Date properties, the same locally as in Azure', () => {
  const fixture = useEmulator(SETUP);
  const expected = { undecorated: { string: AT }, typed: { date: '2024-02-29T23:59:59.500Z' } };
  let engine: ReturnType<typeof makeEngine>['engine'];
  before(() => {
    ({ engine } = makeEngine({ env: fixture.env }));
  });
  after(() => engine.close());

  const register = (prefix: string, options: Omit<RegisterOptions, 'app'> = {}) =>
    FunctionsHarness.install().capture(() =>
      registerFunctions({ app: { ...azureFunctions.app }, ...options }, eventFunctions(prefix)),
    );

  it('with the inputs the host provides (as the Kusto extension delivers them in Azure)', async () => {
    const res = await register('hostInputs').invokeHttp('hostInputsEvents', {
      inputs: { undecorated: [{ Id: 1, At: AT }], typed: [{ Id: 1, At: AT }] },
    });
    expect(res.error).to.equal(undefined);
    expect(res.json()).to.deep.equal(expected);
  });

  it('with the engine playing the Kusto extension (host mode, as the local host runs it)', async () => {
    const res = await register('hostEngine').withEngine(engine).invokeHttp('hostEngineEvents');
    expect(res.error).to.equal(undefined);
    expect(res.json()).to.deep.equal(expected);
  });

  it('with the engine in the worker (in-process mode)', async () => {
    const res = await register('inProcess', { bindings: 'in-process', engine }).invokeHttp('inProcessEvents');
    expect(res.error).to.equal(undefined);
    expect(res.json()).to.deep.equal(expected);
  });
});

describe('@Type(() => Date) alone makes a Date', () => {
  // As a JavaScript app declares it: the decorator is applied, but no design type is recorded, so the check of
  // recorded types (which would turn ISO text into a Date for a property TypeScript typed Date) cannot hide a
  // mapping that ignored @Type.
  class PlainJsEvent {
    Id!: number;
    At!: Date;
  }
  Type(() => Date)(PlainJsEvent.prototype, 'At');
  const rows = [
    { Id: 1, At: AT },
    { Id: 2, At: null },
  ];

  it('for rows (the direct mapping of simple classes)', () => {
    const [first, second] = toInstances(PlainJsEvent, rows, 'the rows');
    expect(first.At).to.be.instanceOf(Date);
    expect(first.At.toISOString()).to.equal('2024-02-29T23:59:59.500Z');
    expect(second.At).to.equal(null);
  });

  it('for one object (a body or a message)', () => {
    const event = toInstance(PlainJsEvent, rows[0], 'the body');
    expect(event.At).to.be.instanceOf(Date);
    expect(event.At.toISOString()).to.equal('2024-02-29T23:59:59.500Z');
  });
});
