import { expect } from 'chai';
import { KustoEmulatorError } from '../lib';
import { useEmulator } from './support/emulatorFixture';

describe('emulator setup scripts', () => {
  const fixture = useEmulator();

  it('runs commands separated by blank lines, with multi-line commands and comments', async () => {
    const script = `// Setup for the products sample
.create table Products (Id:long, Name:string)

.create-or-alter function with (folder = "Shop")
ProductsByName(name:string)
{
    Products

    | where Name == name
}

// only a comment

.ingest inline into table Products <|
1,Apple
2,Pear
`;
    const steps = await fixture.emulator.runScript('db', script);
    expect(steps.map((s) => s.line)).to.deep.equal([2, 4, 14]);
    expect(fixture.emulator.catalog.get('db')?.functions.get('ProductsByName')?.body).to.equal(
      '{\n    Products\n\n    | where Name == name\n}',
    );
    expect(fixture.emulator.catalog.get('db')?.tables.get('Products')?.extents[0].rows).to.deep.equal([
      [1n, 'Apple'],
      [2n, 'Pear'],
    ]);
  });

  it('stops at the first failing block and names its line', async () => {
    const error = await fixture.emulator
      .runScript('db', '.create table A (x:long)\n\n.create table B (x:nope)\n\n.create table C (x:long)')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(KustoEmulatorError);
    expect((error as Error).message).to.match(/^Script block at line 3 failed: .*'nope'/);
    expect(fixture.emulator.catalog.get('db')?.tables.has('A')).to.equal(true);
    expect(fixture.emulator.catalog.get('db')?.tables.has('C')).to.equal(false);
  });

  it('runs single commands through executeCommand', async () => {
    const result = await fixture.emulator.executeCommand('db', '.show databases');
    expect(result.columns[0]).to.deep.equal({ name: 'DatabaseName', type: 'string' });
    expect(result.rows.map((r) => r[0])).to.deep.equal(['db']);
  });
});
