import { expect } from 'chai';
import { describeFunction, kustoConnections, missingBindingSettings, type HostFunction } from '../lib/appFunctions';
import { HostStartError } from '../lib/errors';
import type { RpcBindingInfo } from '../lib/worker';

function registered(name: string, bindings: Record<string, RpcBindingInfo>) {
  return { metadata: { name, bindings }, callback: () => undefined };
}

const kustoIn = (name: string, more: Record<string, unknown> = {}): RpcBindingInfo => ({
  type: 'kusto',
  direction: 'in',
  name,
  database: 'db',
  connection: 'KustoConnectionString',
  kqlCommand: 'T',
  properties: { supportsDeferredBinding: false },
  ...more,
});

describe('functions as the local host reads them', () => {
  it('takes the Kusto bindings out of the metadata as function.json would hold them', () => {
    const fn = describeFunction(
      registered('f', {
        httpTrigger1: {
          type: 'httpTrigger',
          direction: 'in',
          name: 'httpTrigger1',
          route: 'things/{id}',
          methods: ['get'],
        },
        kustoInput0: kustoIn('kustoInput0'),
        kustoOutput1: {
          type: 'kusto',
          direction: 'out',
          name: 'kustoOutput1',
          database: 'db',
          connection: 'C',
          tableName: 'T',
        },
        $return: { type: 'http', direction: 'out' },
      }),
    );
    expect(fn.triggerName).to.equal('httpTrigger1');
    expect(fn.kustoInputs).to.deep.equal([
      { type: 'kusto', name: 'kustoInput0', database: 'db', connection: 'KustoConnectionString', kqlCommand: 'T' },
    ]);
    expect(fn.kustoOutputs).to.deep.equal([
      { type: 'kusto', name: 'kustoOutput1', database: 'db', connection: 'C', tableName: 'T' },
    ]);
    expect(fn.http).to.deep.include({ template: 'things/{id}', methods: ['GET'] });
  });

  it('names a $return Kusto output by its key and routes by the function name when there is no route', () => {
    const fn = describeFunction(
      registered('fallback', {
        t: { type: 'httpTrigger', direction: 'in' },
        $return: { type: 'kusto', direction: 'out', database: 'db', connection: 'C', tableName: 'T' },
      }),
    );
    expect(fn.kustoOutputs.map((b) => b.name)).to.deep.equal(['$return']);
    expect(fn.http?.template).to.equal('fallback');
    expect(fn.http?.methods).to.equal(undefined);
  });

  it('reports a route with an unknown constraint at start, naming the function', () => {
    expect(() =>
      describeFunction(registered('typo', { t: { type: 'httpTrigger', direction: 'in', route: 'x/{id:integer}' } })),
    ).to.throw(HostStartError, /^Function 'typo': .*unknown constraint 'integer'/);
  });

  it('lists the settings the bindings connect through, %Setting% resolved, with their databases and bindings', () => {
    const fns: HostFunction[] = [
      describeFunction(
        registered('a', {
          t: { type: 'queueTrigger', direction: 'in' },
          i: kustoIn('i', { database: '%Db%' }),
          j: kustoIn('j', { database: '{tenant}', connection: 'Other' }),
          k: kustoIn('k', { database: '%UnsetDb%', connection: '%WhichKusto%' }),
          m: kustoIn('m', { connection: '%UnsetConnection%' }),
        }),
      ),
      describeFunction(registered('b', { t: { type: 'timerTrigger', direction: 'in' }, i: kustoIn('i') })),
    ];
    const env = { Db: 'resolved', WhichKusto: 'KustoConnectionString' };
    expect([...kustoConnections(fns, env)]).to.deep.equal([
      [
        'KustoConnectionString',
        {
          databases: ['resolved', 'db'],
          bindings: ["'i' of a", "'k' of a", "'i' of b"],
          unknownDatabases: [{ functionName: 'a', binding: 'k', property: 'database', setting: 'UnsetDb' }],
        },
      ],
      // {…} databases are known only per invocation.
      ['Other', { databases: [], bindings: ["'j' of a"], unknownDatabases: [] }],
    ]);
  });

  it('finds unset %Setting% references in every Kusto binding property, connection and kqlCommand included', () => {
    const fn = describeFunction(
      registered('mi', {
        t: { type: 'httpTrigger', direction: 'in' },
        i: kustoIn('i', {
          managedServiceIdentity: '%ClientId%',
          kqlParameters: '@x=%Set%',
          connection: '%KustoName%',
          kqlCommand:
            'declare query_parameters (x:long);%OrdersQuery% | where Total > x | extend d = dynamic({"a": 1})',
        }),
      }),
    );
    expect(missingBindingSettings([fn], { Set: '1' })).to.deep.equal([
      { functionName: 'mi', binding: 'i', property: 'connection', setting: 'KustoName' },
      { functionName: 'mi', binding: 'i', property: 'kqlCommand', setting: 'OrdersQuery' },
      { functionName: 'mi', binding: 'i', property: 'managedServiceIdentity', setting: 'ClientId' },
    ]);
  });

  it('does not count an identity setting the loopback emulator would not use', () => {
    const fn = describeFunction(
      registered('mi', {
        t: { type: 'httpTrigger', direction: 'in' },
        i: kustoIn('i', { managedServiceIdentity: '%ClientId%', database: '%Db%', connection: 'Kusto' }),
      }),
    );
    expect(missingBindingSettings([fn], { Kusto: 'Data Source=http://127.0.0.1:8080' })).to.deep.equal([
      { functionName: 'mi', binding: 'i', property: 'database', setting: 'Db' },
    ]);
  });
});
