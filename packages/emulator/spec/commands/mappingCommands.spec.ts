import { expect } from 'chai';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

describe('emulator ingestion mapping commands', () => {
  const fixture = useEmulator();
  const mgmt = async (command: string): Promise<Record<string, unknown>[]> =>
    rowsOf(await fixture.client.executeMgmt('db', command));

  beforeEach(async () => {
    await mgmt('.drop table T ifexists');
    await mgmt('.create table T (Id:long, Name:string, Seen:datetime)');
  });

  it('creates a JSON mapping in the Properties form and shows it in the flattened form', async () => {
    const rows = await mgmt(
      `.create table T ingestion json mapping 'm1' '[{"column":"Id","Properties":{"Path":"$.id"}},{"column":"Name","Properties":{"Path":"$.info.name"}}]'`,
    );
    expect(rows[0]).to.include({ Name: 'm1', Kind: 'Json', Database: 'db', Table: 'T' });
    expect(JSON.parse(rows[0].Mapping as string)).to.deep.equal([
      { column: 'Id', path: '$.id', datatype: '', transform: null },
      { column: 'Name', path: '$.info.name', datatype: '', transform: null },
    ]);
    expect(rows[0].LastUpdatedOn).to.be.instanceOf(Date);
  });

  it('accepts the flattened and legacy forms, and CSV ordinals as strings or numbers', async () => {
    await mgmt(`.create table T ingestion json mapping "flat" '[{"column":"Id","path":"$.id","datatype":"long"}]'`);
    await mgmt(
      `.create table T ingestion csv mapping 'csv1' '[{"Name":"Name","Ordinal":1},{"column":"Id","Properties":{"Ordinal":"0"}}]'`,
    );
    const shown = await mgmt('.show table T ingestion mappings');
    expect(shown.map((r) => `${r.Kind}:${r.Name}`)).to.deep.equal(['Json:flat', 'Csv:csv1']);
    expect(JSON.parse(shown[1].Mapping as string)).to.deep.equal([
      { column: 'Name', ordinal: '1', datatype: '', transform: null },
      { column: 'Id', ordinal: '0', datatype: '', transform: null },
    ]);
    expect((await mgmt('.show table T ingestion csv mappings')).map((r) => r.Name)).to.deep.equal(['csv1']);
    expect((await mgmt(".show table T ingestion json mapping 'flat'")).map((r) => r.Name)).to.deep.equal(['flat']);
  });

  it('fails to create an existing mapping, and replaces it with .create-or-alter', async () => {
    const define = (verb: string, path: string) =>
      fixture.client.executeMgmt(
        'db',
        `.${verb} table T ingestion json mapping 'm' '[{"column":"Id","Properties":{"Path":"${path}"}}]'`,
      );
    await define('create', '$.a');
    const f = await failure(define('create', '$.b'));
    expect(f.error.code).to.equal('BadRequest_EntityAlreadyExists');
    await define('create-or-alter', '$.c');
    await define('alter', '$.d');
    const rows = await mgmt(".show table T ingestion json mapping 'm'");
    expect(JSON.parse(rows[0].Mapping as string)[0].path).to.equal('$.d');
  });

  it('drops a mapping, and reports a missing one by name', async () => {
    await mgmt(`.create table T ingestion json mapping 'm' '[{"column":"Id","path":"$.id"}]'`);
    await mgmt(".drop table T ingestion json mapping 'm'");
    expect(await mgmt('.show table T ingestion mappings')).to.deep.equal([]);
    const f = await failure(fixture.client.executeMgmt('db', ".drop table T ingestion json mapping 'm'"));
    expect(f.error['@message']).to.contain("'m'");
  });

  it('rejects a mapping naming a column the table lacks (without a datatype)', async () => {
    const f = await failure(
      fixture.client.executeMgmt('db', `.create table T ingestion json mapping 'm' '[{"column":"Nope","path":"$.x"}]'`),
    );
    expect(f.status).to.equal(400);
    expect(f.error['@message']).to.contain("column 'Nope'").and.to.contain("table 'T'");
  });

  it('rejects malformed definitions with a message naming the entry', async () => {
    let f = await failure(
      fixture.client.executeMgmt('db', `.create table T ingestion json mapping 'm' '[{"column":"Id"}]'`),
    );
    expect(f.error['@message']).to.contain('entry 1').and.to.contain('Path');
    f = await failure(
      fixture.client.executeMgmt('db', `.create table T ingestion csv mapping 'm' '[{"column":"Id","Ordinal":"x"}]'`),
    );
    expect(f.error['@message']).to.contain("ordinal 'x'");
    f = await failure(
      fixture.client.executeMgmt(
        'db',
        `.create table T ingestion json mapping 'm' '[{"column":"Id","path":"$.a","transform":"Nope"}]'`,
      ),
    );
    expect(f.error['@message']).to.contain("unknown transform 'Nope'");
    f = await failure(fixture.client.executeMgmt('db', `.create table T ingestion json mapping 'm' 'not json'`));
    expect(f.error['@message']).to.contain('not JSON');
  });

  it('rejects mapping kinds and transformations it does not implement', async () => {
    let f = await failure(fixture.client.executeMgmt('db', `.create table T ingestion avro mapping 'm' '[]'`));
    expect(f.error.code).to.equal('BadRequest_NotSupported');
    f = await failure(
      fixture.client.executeMgmt(
        'db',
        `.create table T ingestion json mapping 'm' '[{"column":"Name","path":"$.a","transform":"DropMappedFields"}]'`,
      ),
    );
    expect(f.error.code).to.equal('BadRequest_NotSupported');
    expect(f.error['@message']).to.contain('DropMappedFields');
  });
});
