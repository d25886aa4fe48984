import { expect } from 'chai';
import { KustoEmulatorError } from '../../lib/errors';
import { database, products, run } from './fixtures/database';

function failure(fn: () => unknown): KustoEmulatorError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KustoEmulatorError) return e;
    throw e;
  }
  throw new Error('expected a KustoEmulatorError');
}

describe('KQL errors', () => {
  const db = database('Errs', [products()]);

  it('reports syntax errors as Kusto does, with the position', () => {
    const e = failure(() => run(db, 'Products | where'));
    expect(e.status).to.equal(400);
    expect(e.kustoType).to.equal('Kusto.Data.Exceptions.SyntaxException');
    expect(e.message).to.match(/^Syntax error: .+ \[line:position=1:17\]$/);
  });

  it('names an unknown table', () => {
    const e = failure(() => run(db, 'Prodcts | take 1'));
    expect(e.message).to.match(/^Semantic error: The name 'Prodcts' does not refer to any known/);
    expect(e.kustoType).to.equal('Kusto.Data.Exceptions.SemanticException');
    expect(e.inner?.code).to.match(/^KS\d+$/);
  });

  it('names an unknown column, with its line and position', () => {
    const e = failure(() => run(db, 'Products\n| where Weight > 1'));
    expect(e.message).to.match(/'Weight'.*\[line:position=2:9\]/);
  });

  it('names an unknown function', () => {
    expect(() => run(db, 'Products | extend x = frobnicate(Name)')).to.throw(/'frobnicate'/);
  });

  it('reports type errors with Kusto.Language wording', () => {
    expect(() => run(db, 'Products | summarize avg(Name)')).to.throw(/^Semantic error: .*'avg'/);
  });

  it('refuses constructs the emulator does not implement, naming them', () => {
    const e = failure(() => run(db, 'Products | evaluate autocluster()'));
    expect(e.code).to.equal('BadRequest_NotSupported');
    expect(e.message).to.equal("The evaluate plugin 'autocluster' is not supported by the emulator.");
    expect(() => run(db, 'Products | extend d = series_outliers(dynamic([1, 2, 3]))')).to.throw(
      /'series_outliers' is not supported by the emulator/,
    );
    expect(() => run(db, 'Products | reduce by Name')).to.throw(/'reduce' operator is not supported/);
  });

  it('stops a query that runs past servertimeout with Kusto\'s "Query is expired" error', () => {
    const e = failure(() =>
      run(db, 'range x from 1 to 100000000 step 1 | summarize count()', { options: { servertimeout: '00:00:00.050' } }),
    );
    expect(e.message).to.match(/0x80DA0006.*Query is expired/);
    expect(e.permanent).to.equal(false);
  });

  it('accepts servertimeout as milliseconds and rejects values that are not timespans', () => {
    expect(run(db, 'Products | count', { options: { servertimeout: 60000 } }).rows).to.deep.equal([[5n]]);
    expect(() => run(db, 'Products | count', { options: { servertimeout: 'soon' } })).to.throw(
      /servertimeout.*'00:04:00'/,
    );
  });

  it('reports a zero range step, also when it comes from a parameter', () => {
    expect(() => run(db, 'range x from 1 to 2 step 0')).to.throw(/^Semantic error/);
    expect(() =>
      run(db, 'declare query_parameters (s:long); range x from 1 to 2 step s', { parameters: { s: '0' } }),
    ).to.throw(/step of the 'range' operator must not be zero/);
  });
});
