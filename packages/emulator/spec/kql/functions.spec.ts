import { expect } from 'chai';
import { catalogOf, column, database, products, run, table } from './fixtures/database';

describe('KQL stored functions, lambdas and invoke', () => {
  const db = database(
    'Store',
    [products()],
    [
      { name: 'GetProductsByName', parameters: '(name:string)', body: '{ Products | where Name == name }' },
      {
        name: 'CheaperThan',
        parameters: '(limit:real = 1.0)',
        body: '{ Products | where Cost < limit | project Name }',
      },
      { name: 'Discount', parameters: '(price:real, pct:long)', body: '{ price * (100 - pct) / 100 }' },
      { name: 'Fruit', parameters: '()', body: '{ Products | where Category == "fruit" }' },
      {
        name: 'TopN',
        parameters: '(T:(Cost:real), n:long)',
        body: '{ T | top n by Cost }',
      },
      { name: 'FruitCount', parameters: '()', body: '{ let f = Fruit(); f | count }' },
    ],
  );
  const other = database(
    'Archive',
    [table('OldProducts', 'ProductID:long, Name:string', [[100n, 'Quince']])],
    [{ name: 'Oldest', parameters: '()', body: '{ OldProducts | take 1 }' }],
  );
  const catalog = catalogOf(db, other);

  it('calls a stored tabular function with arguments', () => {
    expect(column(run(db, "GetProductsByName('Dates')", { catalog }), 'ProductID')).to.deep.equal([4n]);
  });

  it('passes query parameters as function arguments', () => {
    const result = run(db, 'declare query_parameters (n:string); GetProductsByName(n) | project Cost', {
      catalog,
      parameters: { n: 'Apple' },
    });
    expect(result.rows).to.deep.equal([[1.5]]);
  });

  it('uses parameter defaults of stored functions', () => {
    expect(column(run(db, 'CheaperThan()', { catalog }), 'Name')).to.deep.equal(['Banana', 'Carrot']);
    expect(column(run(db, 'CheaperThan(0.6)', { catalog }), 'Name')).to.deep.equal(['Banana']);
  });

  it('calls a stored scalar function per row', () => {
    const result = run(db, 'Products | where ProductID <= 2 | project Name, Sale = Discount(Cost, 20)', { catalog });
    expect(result.rows).to.deep.equal([
      ['Apple', 1.2],
      ['Banana', 0.4],
    ]);
  });

  it('calls functions without parameters with or without parentheses, and functions calling functions', () => {
    expect(run(db, 'Fruit | count', { catalog }).rows).to.deep.equal([[3n]]);
    expect(run(db, 'Fruit() | count', { catalog }).rows).to.deep.equal([[3n]]);
    expect(run(db, 'FruitCount()', { catalog }).rows).to.deep.equal([[3n]]);
  });

  it('invokes a function with the piped table as its first argument', () => {
    expect(column(run(db, 'Products | invoke TopN(2)', { catalog }), 'Name')).to.deep.equal(['Dates', 'Eggplant']);
    expect(
      column(
        run(db, 'let cheap = (T:(Cost:real)) { T | where Cost < 1.0 }; Products | invoke cheap()', { catalog }),
        'Name',
      ),
    ).to.deep.equal(['Banana', 'Carrot']);
  });

  it("reads tables and functions of other databases through database('name')", () => {
    expect(run(db, "database('Archive').OldProducts | project Name", { catalog }).rows).to.deep.equal([['Quince']]);
    expect(run(db, "database('Archive').Oldest() | project ProductID", { catalog }).rows).to.deep.equal([[100n]]);
    expect(run(db, "Products | union (database('Archive').OldProducts) | count", { catalog }).rows).to.deep.equal([
      [6n],
    ]);
  });

  it('keeps query lets out of stored function bodies', () => {
    const result = run(db, "let name = 'Banana'; GetProductsByName('Apple') | project Name", { catalog });
    expect(result.rows).to.deep.equal([['Apple']]);
  });
});
