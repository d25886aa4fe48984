import { expect } from 'chai';
import { failure, requestProperties, rowsOf, useEmulator } from './support/emulatorFixture';

interface Frame {
  FrameType: string;
  TableKind?: string;
  TableName?: string;
  Columns?: { ColumnName: string; ColumnType: string }[];
  Rows?: unknown[];
  HasErrors?: boolean;
  OneApiErrors?: { error: { code: string; '@message': string } }[];
  Version?: string;
}

describe('emulator queries', () => {
  const fixture = useEmulator();
  const post = (path: string, csl: string, properties?: unknown) =>
    fetch(`${fixture.emulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ db: 'db', csl, properties }),
    });

  before(async () => {
    await fixture.emulator.runScript(
      'db',
      `.create table Products (Id:long, Name:string, Price:real, Added:datetime, Tags:dynamic)

.ingest inline into table Products <|
9007199254740993,Apple,1.5,2024-01-01T00:00:00Z,"[""fruit""]"
2,Pear,2.25,2024-02-01T00:00:00Z,"[]"
3,Plum,0.75,2024-03-01T00:00:00Z,"[""fruit"",""blue""]"`,
    );
  });

  describe('v2 endpoint', () => {
    it('answers with the frames azure-kusto-data parses, in order', async () => {
      const response = await post('/v2/rest/query', 'Products | order by Id asc | project Id, Name');
      expect(response.status).to.equal(200);
      const frames = (await response.json()) as Frame[];
      expect(frames.map((f) => f.TableKind ?? f.FrameType)).to.deep.equal([
        'DataSetHeader',
        'QueryProperties',
        'PrimaryResult',
        'QueryCompletionInformation',
        'DataSetCompletion',
      ]);
      expect(frames[0].Version).to.equal('v2.0');
      expect(frames[2].Columns).to.deep.equal([
        { ColumnName: 'Id', ColumnType: 'long' },
        { ColumnName: 'Name', ColumnType: 'string' },
      ]);
      expect(frames[4].HasErrors).to.equal(false);
    });

    it('writes longs as exact JSON numbers', async () => {
      const text = await (await post('/v2/rest/query', 'Products | where Name == "Apple" | project Id')).text();
      expect(text).to.contain('[9007199254740993]');
    });

    it('returns typed rows through azure-kusto-data', async () => {
      const rows = rowsOf(await fixture.client.execute('db', 'Products | where Name == "Pear"'));
      expect(rows).to.deep.equal([
        { Id: 2, Name: 'Pear', Price: 2.25, Added: new Date('2024-02-01T00:00:00Z'), Tags: [] },
      ]);
    });

    it('passes query parameters, typed by declare query_parameters', async () => {
      const crp = requestProperties({}, { minPrice: '1.0', tag: 'fruit', since: 'datetime(2024-01-15)' });
      const rows = rowsOf(
        await fixture.client.execute(
          'db',
          'declare query_parameters(minPrice:real, tag:string, since:datetime); Products | where Price > minPrice and Tags has tag and Added > since | project Name',
          crp,
        ),
      );
      expect(rows).to.deep.equal([]);
      const all = rowsOf(
        await fixture.client.execute(
          'db',
          'declare query_parameters(minPrice:real); Products | where Price > minPrice | order by Name asc | project Name',
          requestProperties({}, { minPrice: '1.0' }),
        ),
      );
      expect(all.map((r) => r.Name)).to.deep.equal(['Apple', 'Pear']);
    });

    it('returns several result tables for a batch', async () => {
      const response = await fixture.client.execute('db', 'Products | count; Products | take 1 | project Name');
      expect(response.primaryResults).to.have.length(2);
      expect(response.primaryResults[0].toJSON().data).to.deep.equal([{ Count: 3 }]);
    });

    it('answers a semantic error with HTTP 400 in Kusto error shape', async () => {
      const f = await failure(fixture.client.execute('db', 'NoSuchTable | take 1'));
      expect(f.status).to.equal(400);
      expect(f.error['@message']).to.contain('NoSuchTable');
      expect(f.error['@context']).to.have.property('clientRequestId');
    });

    it('reports an unknown database as not found', async () => {
      const f = await failure(fixture.client.execute('nodb', 'print 1'));
      expect(f.error.code).to.equal('BadRequest_EntityNotFound');
    });
  });

  describe('v1 endpoint', () => {
    it('answers with result tables, @ExtendedProperties, QueryStatus and the TableOfContents', async () => {
      const response = await fixture.client.executeQueryV1('db', 'Products | order by Id asc | project Name');
      expect(response.tables.map((t) => t.kind)).to.deep.equal([
        'PrimaryResult',
        'QueryProperties',
        'QueryCompletionInformation',
        'TableOfContents',
      ]);
      expect(response.primaryResults[0].name).to.equal('PrimaryResult');
      expect(response.primaryResults[0].toJSON().data.map((r) => r.Name)).to.deep.equal(['Pear', 'Plum', 'Apple']);
    });

    it('writes dynamic values as JSON text and DataType as the .NET type', async () => {
      const body = (await (await post('/v1/rest/query', 'Products | where Id == 3 | project Tags')).json()) as {
        Tables: { Columns: { ColumnName: string; DataType: string; ColumnType: string }[]; Rows: unknown[][] }[];
      };
      expect(body.Tables[0].Columns).to.deep.equal([{ ColumnName: 'Tags', DataType: 'Object', ColumnType: 'dynamic' }]);
      expect(body.Tables[0].Rows).to.deep.equal([['["fruit","blue"]']]);
    });
  });

  describe('result truncation', () => {
    it('fails a result over truncationmaxrecords with E_QUERY_RESULT_SET_TOO_LARGE through the client', async () => {
      const error = await fixture.client.execute('db', 'Products', requestProperties({ truncationmaxrecords: 2 })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.contain('E_QUERY_RESULT_SET_TOO_LARGE').and.to.contain('record count limit 2');
      const ok = await fixture.client.execute(
        'db',
        'Products | take 2',
        requestProperties({ truncationmaxrecords: 2 }),
      );
      expect(ok.primaryResults[0].toJSON().data).to.have.length(2);
    });

    it('reports it as Kusto does in v2: an error row in the table, an Error completion row, HasErrors', async () => {
      const frames = (await (
        await post('/v2/rest/query', 'Products', { Options: { truncationmaxrecords: 1 } })
      ).json()) as Frame[];
      const primary = frames.find((f) => f.TableKind === 'PrimaryResult') as Frame;
      expect(primary.Rows).to.have.length(2);
      expect(primary.Rows?.[1]).to.have.property('OneApiErrors');
      const completion = frames.find((f) => f.TableKind === 'QueryCompletionInformation') as Frame;
      const levelIndex = completion.Columns?.findIndex((c) => c.ColumnName === 'Level') as number;
      expect(completion.Rows?.some((r) => (r as unknown[])[levelIndex] === 2)).to.equal(true);
      const end = frames[frames.length - 1];
      expect(end.HasErrors).to.equal(true);
      expect(end.OneApiErrors?.[0].error.code).to.equal('LimitsExceeded');
    });

    it('applies truncationmaxsize to the bytes of the rows', async () => {
      const error = await fixture.client.execute('db', 'Products', requestProperties({ truncationmaxsize: 50 })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.contain('data size limit 50');
    });

    it('lifts the limits with notruncation, as a request option or a set statement', async () => {
      await fixture.client.execute('db', 'set truncationmaxrecords=1; Products | take 1');
      const withOption = await fixture.client.execute('db', 'Products', requestProperties({ notruncation: true }));
      expect(withOption.primaryResults[0].toJSON().data).to.have.length(3);
      const viaSet = await fixture.client.execute(
        'db',
        'set notruncation; Products',
        requestProperties({ truncationmaxrecords: 1 }),
      );
      expect(viaSet.primaryResults[0].toJSON().data).to.have.length(3);
      const error = await fixture.client.execute('db', 'set truncationmaxrecords=2; Products').then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.contain('record count limit 2');
    });

    it('applies the default limit of 500,000 records', async () => {
      const error = await fixture.client.execute('db', 'range x from 1 to 500001 step 1').then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.contain('record count limit 500000');
      const all = await fixture.client.execute('db', 'set notruncation; range x from 1 to 500001 step 1 | count');
      expect(all.primaryResults[0].toJSON().data).to.deep.equal([{ Count: 500001 }]);
    });
  });

  describe('commands that run queries', () => {
    it('creates and fills tables with .set / .set-or-append / .set-or-replace from a query', async () => {
      const mgmt = (command: string) => fixture.client.executeMgmt('db', command);
      await mgmt('.set Cheap <| Products | where Price < 2 | project Id, Name');
      expect(fixture.emulator.catalog.get('db')?.tables.get('Cheap')?.columns).to.deep.equal([
        { name: 'Id', type: 'long' },
        { name: 'Name', type: 'string' },
      ]);
      await mgmt('.set-or-append Cheap <| Products | where Name == "Pear" | project Id, Name');
      const names = rowsOf(await fixture.client.execute('db', 'Cheap | order by Name asc | project Name')).map(
        (r) => r.Name,
      );
      expect(names).to.deep.equal(['Apple', 'Pear', 'Plum']);
      await mgmt('.set-or-replace Cheap <| print Id = 7, Name = "Seven"');
      expect(rowsOf(await fixture.client.execute('db', 'Cheap'))).to.deep.equal([{ Id: 7, Name: 'Seven' }]);
      await mgmt('.drop table Cheap');
    });

    it('pipes a .show command’s result into a query', async () => {
      const rows = rowsOf(
        await fixture.client.executeMgmt('db', '.show tables | where TableName startswith "Prod" | project TableName'),
      );
      expect(rows).to.deep.equal([{ TableName: 'Products' }]);
      const count = rowsOf(await fixture.client.executeMgmt('db', '.show databases | count'));
      expect(count).to.deep.equal([{ Count: 1 }]);
    });

    it('lets stored functions be called from queries', async () => {
      await fixture.client.executeMgmt(
        'db',
        '.create-or-alter function ByName(n:string) { Products | where Name == n | project Id }',
      );
      expect(rowsOf(await fixture.client.execute('db', 'ByName("Plum")'))).to.deep.equal([{ Id: 3 }]);
    });
  });
});
