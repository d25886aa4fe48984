import * as azureFunctions from '@azure/functions';
import { expect } from 'chai';
import { HttpTrigger, KustoInput, KustoOutput, registerFunctions, type Output } from '../../lib';
import { readMethodRecords } from '../../lib/metadata';
import { FunctionsHarness } from 'kusto-functions-host/testing';

const query = { database: 'db', connection: 'KustoConnectionString', kqlCommand: 'T' };
const register = (...classes: object[]) =>
  FunctionsHarness.install().capture(() => registerFunctions({ app: { ...azureFunctions.app } }, ...classes));

class BaseFunctions {
  protected label = 'base';

  @HttpTrigger({ route: 'inherited', name: 'inhBase' })
  handle(@KustoInput(query) rows: unknown): unknown {
    return { label: this.label, rows: (rows as unknown[]).length };
  }
}

class DerivedFunctions extends BaseFunctions {
  protected override label = 'derived';
}

class RedecoratedFunctions extends BaseFunctions {
  @HttpTrigger({ route: 'redecorated', name: 'inhRedecorated' })
  override handle(@KustoOutput({ database: 'db', connection: 'KustoConnectionString', tableName: 'T' }) out: unknown) {
    (out as Output<object>).set({ from: 'override' });
    return undefined;
  }
}

describe('handlers on class hierarchies', () => {
  it('registers a handler a subclass inherits, and calls it on the subclass instance', async () => {
    const fns = register(DerivedFunctions);
    const res = await fns.invokeHttp('inhBase', { inputs: { kustoInput0: [{}, {}] } });
    expect(res.json()).to.deep.equal({ label: 'derived', rows: 2 });
  });

  it("lets a subclass redecorate an override without changing its parent's functions", async () => {
    const child = register(RedecoratedFunctions);
    expect(child.names).to.deep.equal(['inhRedecorated']);
    expect((await child.invokeHttp('inhRedecorated')).outputs).to.deep.equal({ kustoOutput0: [{ from: 'override' }] });

    const parent = readMethodRecords(BaseFunctions);
    expect(parent).to.have.length(1);
    expect(parent[0].triggers[0]).to.deep.include({ kind: 'http', options: { route: 'inherited', name: 'inhBase' } });
    expect([...parent[0].params.values()][0][0].kind).to.equal('kustoInput');
  });

  it('reports a parent and a child that share a function name', () => {
    expect(() => registerFunctions({ app: { ...azureFunctions.app } }, BaseFunctions, DerivedFunctions)).to.throw(
      /DerivedFunctions\.handle: the function name 'inhBase' is already used by BaseFunctions\.handle/,
    );
  });
});
