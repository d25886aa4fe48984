import { expect } from 'chai';
import { KustoEmulatorError } from '../../lib/errors';
import type { Value } from '../../lib/model';
import { executeQuery, queryEngineStats } from '../../lib/kql';
import { catalogOf, column, database, products, run, runAll, schemaOf, ticks } from './fixtures/database';

describe('KQL statements', () => {
  const db = database('Store', [products()]);

  describe('declare query_parameters', () => {
    it('types each parameter value by its declaration', () => {
      const result = run(
        db,
        'declare query_parameters (productId:long, name:string); Products | where ProductID == productId or Name == name',
        { parameters: { productId: '1', name: 'Carrot' } },
      );
      expect(column(result, 'ProductID')).to.deep.equal([1n, 3n]);
    });

    it('uses the declared default when the request gives no value', () => {
      const result = run(db, 'declare query_parameters (minCost:real = 2.0); Products | where Cost >= minCost');
      expect(column(result, 'Name')).to.deep.equal(['Dates', 'Eggplant']);
    });

    it('prefers the request value over the default', () => {
      const result = run(db, 'declare query_parameters (minCost:real = 2.0); Products | where Cost >= minCost', {
        parameters: { minCost: '4' },
      });
      expect(column(result, 'Name')).to.deep.equal(['Dates']);
    });

    it('ignores parameters the query does not declare, as Kusto does', () => {
      const result = run(db, 'Products | count', { parameters: { unused: 'x' } });
      expect(result.rows).to.deep.equal([[5n]]);
    });

    it('rejects a declared parameter without default and without value, naming it', () => {
      expect(() => run(db, 'declare query_parameters (productId:long); Products | where ProductID == productId'))
        .to.throw(KustoEmulatorError)
        .with.property('message')
        .that.matches(/query parameter 'productId' \(long\)/);
    });

    it('rejects a value that is not of the declared type, naming parameter and value', () => {
      expect(() =>
        run(db, 'declare query_parameters (productId:long); Products | where ProductID == productId', {
          parameters: { productId: 'abc' },
        }),
      )
        .to.throw(KustoEmulatorError)
        .with.property('message')
        .that.matches(/'productId'.*long.*'abc'/);
    });

    it('reads datetime, timespan, bool, guid and dynamic parameters', () => {
      const result = run(
        db,
        'declare query_parameters (d:datetime, t:timespan, b:bool, g:guid, x:dynamic); print D = d, T = t, B = b, G = g, X = x',
        {
          parameters: {
            d: '2024-01-02T03:04:05Z',
            t: '01:00:00',
            b: 'true',
            g: '74BE27DE-1E4E-49D9-B579-FE0B331D3642',
            x: '[1,"a"]',
          },
        },
      );
      expect(schemaOf(result)).to.deep.equal(['D:datetime', 'T:timespan', 'B:bool', 'G:guid', 'X:dynamic']);
      expect(result.rows).to.deep.equal([
        [ticks('2024-01-02T03:04:05Z'), 36_000_000_000n, true, '74be27de-1e4e-49d9-b579-fe0b331d3642', [1, 'a']],
      ]);
    });
  });

  describe('let', () => {
    it('binds scalars, computed once', () => {
      const result = run(
        db,
        'let threshold = 1.0; let twice = threshold * 2; Products | where Cost > twice | project Name',
      );
      expect(column(result, 'Name')).to.deep.equal(['Dates', 'Eggplant']);
    });

    it('binds tabular expressions', () => {
      const result = run(db, "let fruit = Products | where Category == 'fruit'; fruit | count");
      expect(result.rows).to.deep.equal([[3n]]);
    });

    it('binds lambdas with scalar parameters and defaults', () => {
      const result = run(
        db,
        'let scaled = (x:real, factor:real = 10.0) { x * factor }; Products | where ProductID == 1 | project a = scaled(Cost), b = scaled(Cost, 2.0)',
      );
      expect(result.rows).to.deep.equal([[15, 3]]);
    });

    it('binds tabular lambdas', () => {
      const result = run(db, "let byCategory = (c:string) { Products | where Category == c }; byCategory('vegetable')");
      expect(column(result, 'Name')).to.deep.equal(['Carrot']);
    });

    it('resolves names in a lambda where it was declared', () => {
      const result = run(db, 'let k = 2; let f = (x:long) { x * k }; print f(21)');
      expect(result.rows).to.deep.equal([[42n]]);
    });

    it('evaluates toscalar() once per run', () => {
      const result = run(
        db,
        'let avgCost = toscalar(Products | summarize avg(Cost)); Products | where Cost > avgCost | project Name',
      );
      expect(column(result, 'Name')).to.deep.equal(['Dates', 'Eggplant']);
    });
  });

  describe('set', () => {
    it('accepts options and reports them to the caller', () => {
      const setOptions: Record<string, Value> = {};
      const result = executeQuery({
        catalog: catalogOf(db),
        database: db,
        text: 'set notruncation; set truncationmaxrecords = 10; Products | count',
        parameters: {},
        options: {},
        now: 0n,
        setOptions,
      });
      expect(result[0].rows).to.deep.equal([[5n]]);
      expect(setOptions).to.deep.equal({ notruncation: true, truncationmaxrecords: 10n });
    });
  });

  describe('several statements', () => {
    it('produces one PrimaryResult table per tabular expression statement, in order', () => {
      const results = runAll(db, 'Products | count; print x = 1; Products | take 1 | project Name');
      expect(results.map((r) => r.name)).to.deep.equal(['PrimaryResult', 'PrimaryResult', 'PrimaryResult']);
      expect(results.map((r) => r.rows)).to.deep.equal([[[5n]], [[1n]], [['Apple']]]);
    });
  });

  describe('fork', () => {
    it('produces one result per leg, named by name= or a final as', () => {
      const results = runAll(
        db,
        "Products | where Category == 'fruit' | fork (count) Cheap=(where Cost < 1.0 | project Name) (take 1 | project Name | as First)",
      );
      expect(results.map((r) => r.name)).to.deep.equal(['PrimaryResult', 'Cheap', 'First']);
      expect(results.map((r) => r.rows)).to.deep.equal([[[3n]], [['Banana']], [['Apple']]]);
    });
  });

  describe('plan cache', () => {
    it('reuses the compiled plan for the same text with other parameter values', () => {
      const text = 'declare query_parameters (id:long); Products | where ProductID == id | project Name';
      run(db, text, { parameters: { id: '1' } });
      const before = queryEngineStats();
      const second = run(db, text, { parameters: { id: '2' } });
      const after = queryEngineStats();
      expect(column(second, 'Name')).to.deep.equal(['Banana']);
      expect(after.compilations).to.equal(before.compilations);
      expect(after.cacheHits).to.equal(before.cacheHits + 1);
    });

    it('sees rows appended after the plan was compiled', () => {
      const local = database('Local', [products()]);
      expect(run(local, 'Products | count').rows).to.deep.equal([[5n]]);
      local.tables.get('Products')?.extents.push({
        ingestionTime: 1n,
        rows: [[6n, 'Fig', 3, 'fruit', 1, null]],
        tags: [],
      });
      expect(run(local, 'Products | count').rows).to.deep.equal([[6n]]);
    });

    it('recompiles after a schema change', () => {
      const local = database('Local2', [products()]);
      expect(() => run(local, 'Products | project Weight')).to.throw(/Weight/);
      const t = local.tables.get('Products');
      if (!t) throw new Error('no table');
      t.columns.push({ name: 'Weight', type: 'real' });
      for (const e of t.extents) for (const r of e.rows) r.push(null);
      local.schemaVersion++;
      expect(schemaOf(run(local, 'Products | project Weight'))).to.deep.equal(['Weight:real']);
    });
  });

  it('returns fresh row arrays, so callers cannot change the stored table', () => {
    const local = database('Local3', [products()]);
    const result = run(local, 'Products | where ProductID == 1');
    result.rows[0][1] = 'changed';
    expect(run(local, 'Products | where ProductID == 1 | project Name').rows).to.deep.equal([['Apple']]);
  });
});
