import * as azureFunctions from '@azure/functions';
import { trigger as azureTrigger } from '@azure/functions';
import { expect } from 'chai';
import {
  EventHubTrigger,
  GenericTrigger,
  HttpTrigger,
  KustoInput,
  KustoOutput,
  ServiceBusQueueTrigger,
  ServiceBusTopicTrigger,
  StorageQueueTrigger,
  TimerTrigger,
  Trigger,
  registerFunctions,
  type FunctionsApp,
  type Output,
} from '../../lib';
import { FunctionsHarness } from 'kusto-functions-host/testing';

const harness = FunctionsHarness.install();
const freshApp = (): FunctionsApp => ({ ...azureFunctions.app });
const out = { database: 'db', connection: 'KustoConnectionString', tableName: 'T' };
const query = { database: 'db', connection: 'KustoConnectionString', kqlCommand: 'T | take 1' };

function kustoOf(metadata: { bindings: Record<string, Record<string, unknown>> }) {
  return Object.values(metadata.bindings).filter((b) => b.type === 'kusto');
}

describe('registerFunctions', () => {
  it('registers each trigger kind with its @azure/functions registration and the trigger options', () => {
    class Pipelines {
      @TimerTrigger({ schedule: '0 */5 * * * *', runOnStartup: true, name: 'regTimer' })
      @KustoOutput(out)
      timer() {}

      @StorageQueueTrigger({ queueName: 'q', connection: 'Storage', name: 'regQueue' })
      @KustoOutput(out)
      queue(@Trigger() _message: unknown) {}

      @ServiceBusQueueTrigger({ queueName: 'sbq', connection: 'Sb', name: 'regSbQueue' })
      @KustoOutput(out)
      sbQueue() {}

      @ServiceBusTopicTrigger({ topicName: 't', subscriptionName: 's', connection: 'Sb', name: 'regSbTopic' })
      @KustoOutput(out)
      sbTopic() {}

      @EventHubTrigger({ eventHubName: 'hub', connection: 'Eh', cardinality: 'many', name: 'regEventHub' })
      @KustoOutput(out)
      eventHub() {}

      @GenericTrigger(
        azureTrigger.generic({ type: 'rabbitMQTrigger', queueName: 'rq', connectionStringSetting: 'Rmq' }),
        {
          name: 'regGeneric',
        },
      )
      @KustoOutput(out)
      generic() {}
    }
    const captured = harness.capture(() => registerFunctions({ app: freshApp() }, Pipelines));
    const triggerOf = (name: string) =>
      Object.values(captured.metadata(name).bindings).find((b) => /Trigger$/.test(String(b.type)));
    expect(triggerOf('regTimer')).to.include({ type: 'timerTrigger', schedule: '0 */5 * * * *', runOnStartup: true });
    expect(triggerOf('regQueue')).to.include({ type: 'queueTrigger', queueName: 'q', connection: 'Storage' });
    expect(triggerOf('regSbQueue')).to.include({ type: 'serviceBusTrigger', queueName: 'sbq', connection: 'Sb' });
    expect(triggerOf('regSbTopic')).to.include({ type: 'serviceBusTrigger', topicName: 't', subscriptionName: 's' });
    expect(triggerOf('regEventHub')).to.include({ type: 'eventHubTrigger', eventHubName: 'hub', cardinality: 'many' });
    expect(triggerOf('regGeneric')).to.include({
      type: 'rabbitMQTrigger',
      queueName: 'rq',
      connectionStringSetting: 'Rmq',
    });
    for (const name of captured.names) {
      // The decorator's own 'name' option is the function name, never a trigger property.
      expect(triggerOf(name)).to.not.have.property('successStatus');
      expect(kustoOf(captured.metadata(name) as never)).to.deep.equal([
        { ...out, type: 'kusto', name: 'kustoOutputReturn', direction: 'out' },
      ]);
    }
  });

  it('defaults the function name to the method name and the HTTP route to the function name', () => {
    class Defaults {
      @HttpTrigger()
      regDefaultName() {}
    }
    const captured = harness.capture(() => registerFunctions({ app: freshApp() }, Defaults));
    expect(captured.names).to.deep.equal(['regDefaultName']);
    const trig = Object.values(captured.metadata('regDefaultName').bindings).find((b) => b.type === 'httpTrigger');
    // @azure/functions fills authLevel; the host uses the function name as the route when none is given.
    expect(trig).to.include({ authLevel: 'anonymous' });
    expect(trig).to.not.have.property('route');
  });

  it('copies every Kusto option into the binding under the extension names, and nothing else', () => {
    class Full {
      @HttpTrigger({ route: 'full/{id}', methods: ['POST'], name: 'regFull' })
      full(
        @KustoInput({
          ...query,
          kqlCommand: 'declare query_parameters (id:long);T | where Id == id',
          kqlParameters: '@id={id}',
          clientRequestProperties: '@servertimeout=00:00:10',
          managedServiceIdentity: 'system',
          name: 'rows',
        })
        _rows: unknown,
        @KustoOutput({
          ...out,
          mappingRef: 'm',
          dataFormat: 'multijson',
          ingestionType: 'queued',
          ingestionProperties: '@flushImmediately=true,@pollIntervalSeconds=2',
          managedServiceIdentity: '00000000-0000-0000-0000-000000000001',
        })
        _out: Output<unknown>,
      ) {}
    }
    const captured = harness.capture(() => registerFunctions({ app: freshApp() }, Full));
    const { bindings } = captured.metadata('regFull');
    const strip = (b: Record<string, unknown>) => {
      const { properties: _p, ...rest } = b;
      return rest;
    };
    expect(strip(bindings.rows)).to.deep.equal({
      type: 'kusto',
      direction: 'in',
      name: 'rows',
      database: 'db',
      connection: 'KustoConnectionString',
      kqlCommand: 'declare query_parameters (id:long);T | where Id == id',
      kqlParameters: '@id={id}',
      clientRequestProperties: '@servertimeout=00:00:10',
      managedServiceIdentity: 'system',
    });
    expect(strip(bindings.kustoOutput1)).to.deep.equal({
      type: 'kusto',
      direction: 'out',
      name: 'kustoOutput1',
      database: 'db',
      connection: 'KustoConnectionString',
      tableName: 'T',
      mappingRef: 'm',
      dataFormat: 'multijson',
      ingestionType: 'queued',
      ingestionProperties: '@flushImmediately=true,@pollIntervalSeconds=2',
      managedServiceIdentity: '00000000-0000-0000-0000-000000000001',
    });
  });

  // @azure/functions names its own bindings (trigger, HTTP output) deterministically only from 4.3.0: compare ours.
  it('names Kusto bindings deterministically: the same class registers the same Kusto bindings twice', () => {
    class Twice {
      @HttpTrigger({ route: 'twice/{id}', name: 'regTwice' })
      @KustoOutput(out)
      twice(
        @KustoInput({ ...query, kqlCommand: 'declare query_parameters (id:long);T', kqlParameters: '@id={id}' })
        _r: unknown,
      ) {}
    }
    const first = harness.capture(() => registerFunctions({ app: freshApp() }, Twice)).metadata('regTwice');
    const second = harness.capture(() => registerFunctions({ app: freshApp() }, Twice)).metadata('regTwice');
    const kusto = (m: typeof first) => Object.entries(m.bindings).filter(([, b]) => b.type === 'kusto');
    expect(kusto(second)).to.deep.equal(kusto(first));
    expect(Object.keys(first.bindings).filter((n) => n.startsWith('kusto'))).to.deep.equal([
      'kustoInput0',
      'kustoOutputReturn',
    ]);
  });

  it('registers into the given app object (the form for tests)', () => {
    const calls: string[] = [];
    const recording = {
      ...azureFunctions.app,
      http: (name: string, options: azureFunctions.HttpFunctionOptions) => {
        calls.push(`${name}:${options.route}:${options.extraInputs?.length}`);
      },
    } as FunctionsApp;
    class Recorded {
      @HttpTrigger({ route: 'rec', name: 'regRecorded' })
      rec(@KustoInput(query) _r: unknown) {}
    }
    const registered = registerFunctions({ app: recording }, Recorded);
    expect(calls).to.deep.equal(['regRecorded:rec:1']);
    expect(registered.map((f) => f.name)).to.deep.equal(['regRecorded']);
  });

  it('returns a summary of each function: name, handler, trigger, HTTP route and methods, Kusto bindings', () => {
    class Summarized {
      @HttpTrigger({ name: 'regSummaryHttp' })
      @KustoOutput(out)
      read(@KustoInput(query) _rows: unknown, @KustoOutput({ ...out, name: 'log' }) _log: Output<unknown>) {}

      @TimerTrigger({ schedule: '0 0 * * * *', name: 'regSummaryTimer' })
      tick() {}
    }
    harness.capture(() => {
      expect(registerFunctions({ app: freshApp() }, Summarized)).to.deep.equal([
        {
          name: 'regSummaryHttp',
          handler: 'Summarized.read',
          trigger: 'http',
          route: 'regSummaryHttp',
          methods: ['GET', 'POST'],
          kustoInputs: ['kustoInput0'],
          kustoOutputs: ['log', 'kustoOutputReturn'],
        },
        { name: 'regSummaryTimer', handler: 'Summarized.tick', trigger: 'timer', kustoInputs: [], kustoOutputs: [] },
      ]);
    });
  });

  it('accepts an instance, and calls the handler on it', async () => {
    class WithDependency {
      constructor(private readonly greeting: string) {}
      @HttpTrigger({ route: 'greet', name: 'regInstance' })
      greet() {
        return { greeting: this.greeting };
      }
    }
    const captured = harness.capture(() => registerFunctions({ app: freshApp() }, new WithDependency('hello')));
    const res = await captured.invokeHttp('regInstance');
    expect(res.json()).to.deep.equal({ greeting: 'hello' });
  });
});
