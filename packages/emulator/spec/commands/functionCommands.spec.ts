import { expect } from 'chai';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

describe('emulator function commands', () => {
  const fixture = useEmulator();
  const mgmt = async (command: string): Promise<Record<string, unknown>[]> =>
    rowsOf(await fixture.client.executeMgmt('db', command));

  afterEach(async () => {
    const names = [...(fixture.emulator.catalog.get('db')?.functions.keys() ?? [])];
    if (names.length > 0) await mgmt(`.drop functions (${names.join(', ')}) ifexists`);
  });

  it('creates a function with docstring and folder and shows it back as declared', async () => {
    const rows = await mgmt(
      ".create function with (docstring = 'Products by name', folder = 'Shop') ProductsByName(name:string, top:long = 10) { Products | where Name == name | take top }",
    );
    const expected = {
      Name: 'ProductsByName',
      Parameters: '(name:string, top:long = 10)',
      Body: '{ Products | where Name == name | take top }',
      Folder: 'Shop',
      DocString: 'Products by name',
    };
    expect(rows).to.deep.equal([expected]);
    expect(await mgmt('.show functions')).to.deep.equal([expected]);
    expect(await mgmt('.show function ProductsByName')).to.deep.equal([expected]);
  });

  it('keeps a multi-line body with nested braces, strings and comments intact', async () => {
    const body = `{
    // a } in a comment, a { in "a string }"
    let limit = toscalar(print 3);
    Products
    | where Name != "}"
    | extend Bag = dynamic({"a": [1, 2]})
    | take limit
}`;
    await mgmt(`.create function Tricky() ${body}`);
    expect((await mgmt('.show function Tricky'))[0].Body).to.equal(body);
  });

  it('fails to create an existing function, unless ifnotexists', async () => {
    await mgmt('.create function F() { print 1 }');
    const f = await failure(fixture.client.executeMgmt('db', '.create function F() { print 2 }'));
    expect(f.status).to.equal(400);
    expect(f.error.code).to.equal('BadRequest_EntityAlreadyExists');
    expect(f.error['@message']).to.contain("'F'");
    await mgmt('.create function ifnotexists F() { print 3 }');
    expect((await mgmt('.show function F'))[0].Body).to.equal('{ print 1 }');
  });

  it('replaces a function with .create-or-alter and .alter, bumping the schema version', async () => {
    const database = fixture.emulator.catalog.get('db');
    await mgmt('.create-or-alter function F(x:long) { print x }');
    const version = database?.schemaVersion ?? 0;
    await mgmt(".create-or-alter function with (folder='A') F(x:long) { print x * 2 }");
    await mgmt('.alter function F(x:long) { print x * 3 }');
    const row = (await mgmt('.show function F'))[0];
    expect(row).to.include({ Body: '{ print x * 3 }', Folder: 'A' });
    expect(database?.schemaVersion).to.equal(version + 2);
    const f = await failure(fixture.client.executeMgmt('db', '.alter function Missing() { print 1 }'));
    expect(f.error.code).to.equal('BadRequest_EntityNotFound');
  });

  it('changes a function docstring and folder', async () => {
    await mgmt('.create function F() { print 1 }');
    await mgmt('.alter function F docstring "does one thing"');
    await mgmt(".alter function F folder 'Tools'");
    expect((await mgmt('.show function F'))[0]).to.include({ DocString: 'does one thing', Folder: 'Tools' });
  });

  it('drops functions, with ifexists for missing ones', async () => {
    await mgmt('.create function F() { print 1 }');
    expect(await mgmt('.drop function F')).to.deep.equal([{ Name: 'F' }]);
    const f = await failure(fixture.client.executeMgmt('db', '.drop function F'));
    expect(f.error.code).to.equal('BadRequest_EntityNotFound');
    expect(await mgmt('.drop function F ifexists')).to.deep.equal([]);
  });

  it('reports an unknown function for .show function', async () => {
    const f = await failure(fixture.client.executeMgmt('db', '.show function Nope'));
    expect(f.error['@message']).to.contain("Function 'Nope' was not found");
  });

  it('reports an unclosed body as a syntax error', async () => {
    const f = await failure(fixture.client.executeMgmt('db', '.create function F() { print 1'));
    expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.SyntaxException');
    expect(f.error['@message']).to.contain('never closed');
  });
});
