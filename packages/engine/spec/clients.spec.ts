import { expect } from 'chai';
import { KustoBindingError } from 'kusto-functions-bindings';
import { KustoClientPool } from '../lib/connections';
import { failureOf, input, makeEngine, output, tableRows, trigger, useEmulator } from './support/engineFixture';

describe('engine: clients', () => {
  const fixture = useEmulator(
    '.create table Products (ProductID:long, Name:string)\n\n.alter table Products policy streamingingestion enable',
  );

  it('one query client and one ingest client per cluster and identity, reused by concurrent invocations', async () => {
    const pool = new KustoClientPool({ env: fixture.env });
    const { engine } = makeEngine({ env: { ...fixture.env, Other: fixture.env.KustoConnectionString }, pool });
    const byId = input('declare query_parameters (id:long);Products | where ProductID == id', {
      kqlParameters: '@id={id}',
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? engine.runOutput(output('Products'), { ProductID: i, Name: `p${i}` }, trigger())
          : engine.runInput(byId, trigger({ params: { id: String(i - 1) } })),
      ),
    );
    // A second setting naming the same cluster and identity shares the clients.
    await engine.runInput(input('Products | count', { connection: 'Other' }), trigger());
    expect(pool.size).to.equal(2);
    expect(await tableRows(fixture.emulator, 'Products')).to.have.length(20);
    // The pool was given: closing the engine leaves it open.
    await engine.close();
    expect(pool.closed).to.equal(false);
    await pool.close();
  });

  it('close() closes its own clients, is idempotent, and later invocations fail clearly', async () => {
    const { engine } = makeEngine({ env: fixture.env });
    await engine.runInput(input('Products | count'), trigger());
    const first = engine.close();
    expect(engine.close()).to.equal(first);
    await first;
    const error = await failureOf(engine.runInput(input('Products'), trigger()), KustoBindingError);
    expect(error.message).to.equal("Kusto input 'kustoInput0' of fn: the Kusto engine is closed.");
  });

  it('re-reads a connection setting whose value changed', async () => {
    const env: NodeJS.ProcessEnv = { KustoConnectionString: 'Data Source=http://127.0.0.1:1' };
    const { engine } = makeEngine({ env, retry: { attempts: 1 } });
    await failureOf(engine.runInput(input('Products | count'), trigger()), KustoBindingError);
    env.KustoConnectionString = fixture.env.KustoConnectionString;
    expect(await engine.runInput(input('print n = 1'), trigger())).to.deep.equal([{ n: 1 }]);
    await engine.close();
  });
});
