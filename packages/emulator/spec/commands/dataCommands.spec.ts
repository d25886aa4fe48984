import { expect } from 'chai';
import type { Value } from '../../lib';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

describe('emulator data commands', () => {
  const fixture = useEmulator();
  const mgmt = async (command: string): Promise<Record<string, unknown>[]> =>
    rowsOf(await fixture.client.executeMgmt('db', command));
  const table = (name: string) => fixture.emulator.catalog.get('db')?.tables.get(name);
  const rows = (name: string): Value[][] => table(name)?.extents.flatMap((e) => e.rows) ?? [];

  beforeEach(async () => {
    for (const name of [...(fixture.emulator.catalog.get('db')?.tables.keys() ?? [])])
      await mgmt(`.drop table ${name}`);
    await mgmt('.create table T (Id:long, Name:string)');
  });

  describe('.ingest inline', () => {
    it('ingests CSV lines after <| as one extent', async () => {
      const result = await mgmt('.ingest inline into table T <|\n1,one\n2,"two, quoted"\n');
      expect(result).to.have.length(1);
      expect(result[0].ExtentId).to.match(/^[0-9a-f-]{36}$/);
      expect(result[0].HasErrors).to.equal(false);
      expect(rows('T')).to.deep.equal([
        [1n, 'one'],
        [2n, 'two, quoted'],
      ]);
      expect(table('T')?.extents).to.have.length(1);
    });

    it('honours format, ingestionMappingReference and ignoreFirstRecord', async () => {
      await mgmt(
        `.create table T ingestion json mapping 'm' '[{"column":"Id","path":"$.n"},{"column":"Name","path":"$.s"}]'`,
      );
      await mgmt(
        '.ingest inline into table T with (format=\'json\', ingestionMappingReference=\'m\') <|\n{"n":5,"s":"five"}',
      );
      await mgmt('.ingest inline into table T with (format="psv", ignoreFirstRecord=true) <|\nId|Name\n6|six');
      expect(rows('T')).to.deep.equal([
        [5n, 'five'],
        [6n, 'six'],
      ]);
    });

    it('tags extents and skips data already ingested with the same ingest-by tag', async () => {
      const command = `.ingest inline into table T with (tags='["ingest-by:batch1"]', ingestIfNotExists='["batch1"]') <|\n1,a`;
      await mgmt(command);
      const second = await mgmt(command);
      expect(second[0].ExtentId).to.equal('00000000-0000-0000-0000-000000000000');
      expect(rows('T')).to.deep.equal([[1n, 'a']]);
      expect(table('T')?.extents[0].tags).to.deep.equal(['ingest-by:batch1']);
    });

    it('appends nothing when one line does not convert', async () => {
      const f = await failure(fixture.client.executeMgmt('db', '.ingest inline into table T <|\n1,a\nx,b'));
      expect(f.error['@message']).to.contain('row 2').and.to.contain("column 'Id'");
      expect(rows('T')).to.deep.equal([]);
    });

    it('rejects unknown ingestion properties and ingestion from storage', async () => {
      let f = await failure(fixture.client.executeMgmt('db', ".ingest inline into table T with (zap='1') <| 1,a"));
      expect(f.error['@message']).to.contain("Property 'zap'");
      f = await failure(
        fixture.client.executeMgmt('db', ".ingest into table T (h'https://account/container/blob.csv')"),
      );
      expect(f.error.code).to.equal('BadRequest_NotSupported');
    });
  });

  describe('ingestion from a .show command', () => {
    it('.set creates the table from the result schema; .set on an existing table fails', async () => {
      const result = await mgmt('.set Tables1 <| .show tables');
      expect(result[0].RowCount).to.equal(1);
      expect(table('Tables1')?.columns.map((c) => `${c.name}:${c.type}`)).to.deep.equal([
        'TableName:string',
        'DatabaseName:string',
        'Folder:string',
        'DocString:string',
      ]);
      expect(rows('Tables1')).to.deep.equal([['T', 'db', '', '']]);
      const f = await failure(fixture.client.executeMgmt('db', '.set Tables1 <| .show tables'));
      expect(f.error.code).to.equal('BadRequest_EntityAlreadyExists');
    });

    it('.append needs an existing table; .set-or-append creates or appends; .set-or-replace replaces', async () => {
      const f = await failure(fixture.client.executeMgmt('db', '.append Missing <| .show tables'));
      expect(f.error.code).to.equal('BadRequest_EntityNotFound');
      await mgmt('.set-or-append Names <| .show functions');
      expect(rows('Names')).to.deep.equal([]);
      await mgmt('.create function F() { print 1 }');
      await mgmt('.set-or-append Names <| .show functions');
      await mgmt('.append Names <| .show functions');
      expect(rows('Names').map((r) => r[0])).to.deep.equal(['F', 'F']);
      await mgmt('.set-or-replace Names <| .show functions');
      expect(rows('Names').map((r) => r[0])).to.deep.equal(['F']);
      await mgmt('.drop function F');
    });

    it('matches columns by position and refuses a different column count', async () => {
      const f = await failure(fixture.client.executeMgmt('db', '.append T <| .show tables'));
      expect(f.error['@message']).to.contain('4 columns').and.to.contain("table 'T' has 2");
    });

    it('rejects async and non-.show commands as sources', async () => {
      let f = await failure(fixture.client.executeMgmt('db', '.set-or-append async T <| .show tables'));
      expect(f.error.code).to.equal('BadRequest_NotSupported');
      f = await failure(fixture.client.executeMgmt('db', '.set-or-append X <| .drop table T'));
      expect(f.error['@message']).to.contain('Only .show commands');
      expect(table('T')).not.to.equal(undefined);
    });
  });
});
