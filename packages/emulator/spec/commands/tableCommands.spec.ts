import { expect } from 'chai';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

describe('emulator table commands', () => {
  const fixture = useEmulator();
  const mgmt = async (command: string): Promise<Record<string, unknown>[]> =>
    rowsOf(await fixture.client.executeMgmt('db', command));
  const table = (name: string) => fixture.emulator.catalog.get('db')?.tables.get(name);

  afterEach(async () => {
    for (const t of [...(fixture.emulator.catalog.get('db')?.tables.keys() ?? [])])
      await mgmt(`.drop table ['${t}'] ifexists`);
  });

  it('creates a table and returns its schema as JSON, with docstring and folder', async () => {
    const rows = await mgmt(
      ".create table Products (Id:long, Name:string, Price:real, Added:datetime) with (docstring='All products', folder='Catalog')",
    );
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      TableName: 'Products',
      DatabaseName: 'db',
      Folder: 'Catalog',
      DocString: 'All products',
    });
    expect(JSON.parse(rows[0].Schema as string)).to.deep.equal({
      Name: 'Products',
      OrderedColumns: [
        { Name: 'Id', Type: 'System.Int64', CslType: 'long' },
        { Name: 'Name', Type: 'System.String', CslType: 'string' },
        { Name: 'Price', Type: 'System.Double', CslType: 'real' },
        { Name: 'Added', Type: 'System.DateTime', CslType: 'datetime' },
      ],
    });
    expect(await mgmt('.show tables')).to.deep.equal([
      { TableName: 'Products', DatabaseName: 'db', Folder: 'Catalog', DocString: 'All products' },
    ]);
  });

  it('accepts type aliases and bracketed names', async () => {
    await mgmt(
      ".create table ['order'] (['unit price']:double, qty:int32, flag:boolean, id:uuid, span:time, bag:dynamic, d:decimal)",
    );
    const rows = await mgmt(".show table ['order'] cslschema");
    expect(rows[0].Schema).to.equal(
      "['unit price']:real, qty:int, flag:bool, id:guid, span:timespan, bag:dynamic, d:decimal",
    );
    expect(rows[0].TableName).to.equal('order');
  });

  it('shows a table schema as json and as csl', async () => {
    await mgmt('.create table T (a:long, b:string)');
    const json = await mgmt('.show table T schema as json');
    expect(JSON.parse(json[0].Schema as string).OrderedColumns.map((c: { Name: string }) => c.Name)).to.deep.equal([
      'a',
      'b',
    ]);
    expect((await mgmt('.show table T cslschema'))[0].Schema).to.equal('a:long, b:string');
    expect((await mgmt('.show table T schema as csl'))[0].Schema).to.equal('a:long, b:string');
  });

  it('leaves an existing table unchanged on .create table, as Kusto documents', async () => {
    await mgmt('.create table T (a:long)');
    await mgmt('.create table T (x:string, y:string)');
    expect(table('T')?.columns).to.deep.equal([{ name: 'a', type: 'long' }]);
  });

  it('creates several tables at once', async () => {
    await mgmt('.create tables A (x:long), B (y:string)');
    expect((await mgmt('.show tables')).map((r) => r.TableName)).to.deep.equal(['A', 'B']);
  });

  it('merges columns with .create-merge and .alter-merge, keeping the data', async () => {
    await mgmt('.create-merge table T (a:long)');
    await fixture.emulator.executeCommand('db', '.ingest inline into table T <|\n1\n2');
    await mgmt('.create-merge table T (a:long, b:string)');
    await mgmt('.alter-merge table T (c:int) with (folder="F")');
    expect(table('T')?.columns.map((c) => `${c.name}:${c.type}`)).to.deep.equal(['a:long', 'b:string', 'c:int']);
    expect(table('T')?.folder).to.equal('F');
    expect(table('T')?.extents[0].rows).to.deep.equal([
      [1n, '', null],
      [2n, '', null],
    ]);
  });

  it('refuses to change a column type by merging', async () => {
    await mgmt('.create table T (a:long)');
    const f = await failure(fixture.client.executeMgmt('db', '.alter-merge table T (a:string)'));
    expect(f.status).to.equal(400);
    expect(f.error['@message']).to.contain("Column 'a'").and.to.contain("'long'");
  });

  it('requires an existing table for .alter-merge', async () => {
    const f = await failure(fixture.client.executeMgmt('db', '.alter-merge table Nope (a:long)'));
    expect(f.error.code).to.equal('BadRequest_EntityNotFound');
  });

  it('reshapes a table with .alter table: columns kept by name, dropped ones lose their data', async () => {
    await mgmt('.create table T (a:long, b:string, c:real)');
    await fixture.emulator.executeCommand('db', '.ingest inline into table T <|\n1,x,1.5');
    await mgmt('.alter table T (c:real, a:long, d:bool)');
    expect(table('T')?.columns.map((c) => c.name)).to.deep.equal(['c', 'a', 'd']);
    expect(table('T')?.extents[0].rows).to.deep.equal([[1.5, 1n, null]]);
  });

  it('changes docstring and folder', async () => {
    await mgmt('.create table T (a:long)');
    await mgmt('.alter table T docstring "about T"');
    await mgmt(".alter table T folder 'Logs'");
    expect(await mgmt('.show tables')).to.deep.equal([
      { TableName: 'T', DatabaseName: 'db', Folder: 'Logs', DocString: 'about T' },
    ]);
  });

  it('drops tables, with ifexists for missing ones', async () => {
    await mgmt('.create tables A (x:long), B (x:long), C (x:long)');
    expect((await mgmt('.drop table A')).map((r) => r.TableName)).to.deep.equal(['B', 'C']);
    const f = await failure(fixture.client.executeMgmt('db', '.drop table A'));
    expect(f.error.code).to.equal('BadRequest_EntityNotFound');
    await mgmt('.drop table A ifexists');
    await mgmt('.drop tables (B, C)');
    expect(await mgmt('.show tables')).to.deep.equal([]);
  });

  it('renames a table, and swaps names with .rename tables', async () => {
    await mgmt('.create table A (x:long)');
    await mgmt('.create table B (y:string)');
    await mgmt('.rename table A to A2');
    expect(table('A')).to.equal(undefined);
    expect(table('A2')?.columns[0].name).to.equal('x');
    await mgmt('.rename tables A2 = B, B = A2');
    expect(table('A2')?.columns[0].name).to.equal('y');
    expect(table('B')?.columns[0].name).to.equal('x');
    const f = await failure(fixture.client.executeMgmt('db', '.rename table A2 to B'));
    expect(f.error.code).to.equal('BadRequest_EntityAlreadyExists');
  });

  it('clears a table’s data', async () => {
    await mgmt('.create table T (a:long)');
    await fixture.emulator.executeCommand('db', '.ingest inline into table T <|\n1');
    const rows = await mgmt('.clear table T data');
    expect(rows).to.have.length(1);
    expect(table('T')?.extents).to.deep.equal([]);
  });

  it('bumps the database schema version on every schema change', async () => {
    const database = fixture.emulator.catalog.get('db');
    const before = database?.schemaVersion ?? 0;
    await mgmt('.create table T (a:long)');
    await mgmt('.alter-merge table T (b:long)');
    await mgmt('.drop table T');
    expect(database?.schemaVersion).to.equal(before + 3);
  });

  it('rejects invalid and duplicate column names', async () => {
    let f = await failure(fixture.client.executeMgmt('db', '.create table T (a:long, a:string)'));
    expect(f.error['@message']).to.contain("Column 'a' is declared more than once");
    f = await failure(fixture.client.executeMgmt('db', '.create table T (a:blob)'));
    expect(f.error['@message']).to.contain("Unknown type 'blob'");
  });
});
