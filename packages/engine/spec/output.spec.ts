import { expect } from 'chai';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import { failureOf, makeEngine, output, tableRows, trigger, useEmulator } from './support/engineFixture';
import { startFaultProxy, type FaultProxy } from './support/faultProxy';

const SETUP = `
.create table Products (ProductID:long, Name:string, Cost:real)

.create table Events (Id:long, At:datetime, Tags:dynamic, Note:string)

.create table Items (ProductID:long, Name:string, Cost:real)

.create-or-alter table Items ingestion json mapping 'item_to_product_json' '[{"column":"ProductID","Properties":{"Path":"$.ItemID"}},{"column":"Name","Properties":{"Path":"$.ItemName"}},{"column":"Cost","Properties":{"Path":"$.ItemCost"}}]'

.alter database db policy streamingingestion enable
`;

describe('engine: Kusto outputs', () => {
  const fixture = useEmulator(SETUP);
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy(fixture.emulator.url);
  });
  after(() => proxy.close());
  beforeEach(async () => {
    for (const table of ['Products', 'Events', 'Items'])
      await fixture.emulator.executeCommand('db', `.clear table ${table} data`);
    proxy.reset();
  });
  const viaProxy = () => ({ KustoConnectionString: `Data Source=${proxy.url}` });
  const ingestRequests = () => proxy.requests.filter((r) => r.path.startsWith('/v1/rest/ingest/'));

  describe('formats', () => {
    it('one object streams as json, and the outcome names what was confirmed', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const outcome = await engine.runOutput(output('Products'), { ProductID: 1, Name: 'a', Cost: 1.5 }, trigger());
      expect(outcome).to.deep.include({
        database: 'db',
        table: 'Products',
        records: 1,
        method: 'streaming',
        status: 'succeeded',
      });
      expect(outcome?.sourceId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const [request] = ingestRequests();
      expect(request.path).to.equal('/v1/rest/ingest/db/Products?streamFormat=json');
      expect(request.body).to.equal('{"ProductID":1,"Name":"a","Cost":1.5}');
      // The source id is the GUID of the extension-style client request id.
      expect(request.headers['x-ms-client-request-id']).to.match(
        new RegExp(`^AzFunctions\\.OutputBinding;\\d+\\.\\d+\\.\\d+;${outcome?.sourceId}$`),
      );
      expect(await tableRows(fixture.emulator, 'Products')).to.deep.equal([{ ProductID: '1', Name: 'a', Cost: 1.5 }]);
      await engine.close();
    });

    it('several objects stream as multijson (also when json was asked for)', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const rows = [
        { ProductID: 1, Name: 'a', Cost: 1 },
        { ProductID: 2, Name: 'b', Cost: 2 },
      ];
      expect(await engine.runOutput(output('Products', { dataFormat: 'json' }), rows, trigger())).to.deep.include({
        records: 2,
      });
      const [request] = ingestRequests();
      expect(request.path).to.equal('/v1/rest/ingest/db/Products?streamFormat=multijson');
      expect(await tableRows(fixture.emulator, 'Products', 'ProductID asc')).to.have.length(2);
      await engine.close();
    });

    it('objects as csv follow the table column order, not the property order, with RFC 4180 quoting', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      await engine.runOutput(
        output('Events', { dataFormat: 'csv' }),
        [
          { Note: 'say "hi", then go', Tags: { a: [1, 2] }, At: '2024-01-02T03:04:05Z', Id: 1 },
          { Id: 2, Note: 'line\nbreak' },
        ],
        trigger(),
      );
      const request = ingestRequests()[0];
      expect(request.body).to.equal(
        '1,2024-01-02T03:04:05Z,"{""a"":[1,2]}","say ""hi"", then go"\n2,,,"line\nbreak"\n',
      );
      const [rows] = await fixture.emulator.executeQuery(
        'db',
        'Events | order by Id asc | project Id, At = tostring(At), Tags, Note',
      );
      expect(rows.rows).to.deep.equal([
        [1n, '2024-01-02T03:04:05.0000000Z', { a: [1, 2] }, 'say "hi", then go'],
        [2n, '', null, 'line\nbreak'],
      ]);
      await engine.close();
    });

    it('asks for a table schema once and keeps it', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      for (const id of [1, 2, 3]) {
        await engine.runOutput(output('Products', { dataFormat: 'psv' }), { Name: `n${id}`, ProductID: id }, trigger());
      }
      const schemaCommands = proxy.requests.filter(
        (r) => r.path === '/v1/rest/mgmt' && r.body.includes('schema as json'),
      );
      expect(schemaCommands).to.have.length(1);
      expect(ingestRequests().map((r) => r.body)).to.deep.equal(['1|n1|\n', '2|n2|\n', '3|n3|\n']);
      expect(await tableRows(fixture.emulator, 'Products', 'ProductID asc')).to.have.length(3);
      await engine.close();
    });

    it('a csv row with a property the table lacks fails before anything is sent, naming it', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const error = await failureOf(
        engine.runOutput(output('Products', { dataFormat: 'csv' }), { ProductID: 1, Colour: 'red' }, trigger()),
        KustoBindingError,
      );
      expect(error.message).to.equal(
        "Kusto output 'kustoOutput1' of fn (table 'Products', database 'db'): cannot ingest the value: the row has a property 'Colour' that the table does not have (its columns: ProductID, Name, Cost); csv records carry values by position.",
      );
      expect(ingestRequests()).to.deep.equal([]);
      await engine.close();
    });

    it('strings are sent as they are (text in the binding format)', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      await engine.runOutput(output('Products', { dataFormat: 'csv' }), '7,"seven, 7",7.5\n', trigger());
      await engine.runOutput(output('Products', { dataFormat: 'tsv' }), ['8\teight\t8', '9\tnine\t9'], trigger());
      expect(ingestRequests().map((r) => r.body)).to.deep.equal(['7,"seven, 7",7.5\n', '8\teight\t8\n9\tnine\t9\n']);
      expect((await tableRows(fixture.emulator, 'Products', 'ProductID asc')).map((r) => r.Name)).to.deep.equal([
        'seven, 7',
        'eight',
        'nine',
      ]);
      await engine.close();
    });

    it('mappingRef is sent as the ingestion mapping', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      await engine.runOutput(
        output('Items', { mappingRef: 'item_to_product_json' }),
        { ItemID: 5, ItemName: 'five', ItemCost: 5.5 },
        trigger(),
      );
      expect(ingestRequests()[0].path).to.equal(
        '/v1/rest/ingest/db/Items?streamFormat=json&mappingName=item_to_product_json',
      );
      expect(await tableRows(fixture.emulator, 'Items')).to.deep.equal([{ ProductID: '5', Name: 'five', Cost: 5.5 }]);
      await engine.close();
    });

    it('nothing to ingest (undefined, null, an empty array) sends nothing', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      for (const value of [undefined, null, [], '']) {
        expect(await engine.runOutput(output('Products'), value, trigger())).to.equal(undefined);
      }
      expect(proxy.requests).to.deep.equal([]);
      await engine.close();
    });

    it('a value that is not rows fails naming the item', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const error = await failureOf(
        engine.runOutput(output('Products'), [{ ProductID: 1 }, 42], trigger()),
        KustoBindingError,
      );
      expect(error.message).to.match(/cannot ingest the value: item 1 is number: give objects \(rows\) or strings\.$/);
      await engine.close();
    });
  });

  describe('failures', () => {
    it('an unknown table fails the invocation naming table, database and source id, without retries', async () => {
      const { engine, logs } = makeEngine({ env: viaProxy() });
      const error = await failureOf(engine.runOutput(output('NoSuchTable'), { a: 1 }, trigger()), KustoBindingError);
      expect(error.message).to.match(
        /^Kusto output 'kustoOutput1' of fn \(table 'NoSuchTable', database 'db', source id [0-9a-f-]{36}\): streaming ingestion failed \(HTTP 400 BadRequest_EntityNotFound\): Table 'NoSuchTable' was not found\.$/,
      );
      expect(ingestRequests()).to.have.length(1);
      expect(logs.filter((l) => l.startsWith('warning'))).to.deep.equal([]);
      await engine.close();
    });

    it('a malformed value for the table fails (a permanent 400), and nothing is ingested', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const error = await failureOf(
        engine.runOutput(output('Products', { dataFormat: 'csv' }), 'not-a-number,x,1\n', trigger()),
        KustoBindingError,
      );
      expect(error.message).to.match(/streaming ingestion failed \(HTTP 400/);
      expect(await tableRows(fixture.emulator, 'Products')).to.deep.equal([]);
      await engine.close();
    });

    it('a table name that is not a Kusto name is a configuration error', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const error = await failureOf(
        engine.runOutput(output("T'] | drop"), { a: 1 }, trigger()),
        KustoConfigurationError,
      );
      expect(error.message).to.include("tableName 'T'] | drop' is not a Kusto table name");
      await engine.close();
    });
  });

  describe('oversized payloads (managed ingestion)', () => {
    it('go queued above the streaming limit and are ingested once', async () => {
      const { engine, logs } = makeEngine({ env: viaProxy(), streamingLimitBytes: 1024 });
      const rows = Array.from({ length: 100 }, (_, i) => ({ ProductID: i, Name: `product-${i}`, Cost: i }));
      const outcome = await engine.runOutput(output('Products'), rows, trigger());
      expect(outcome).to.deep.include({ records: 100, method: 'queued', status: 'queued' });
      expect(ingestRequests()).to.deep.equal([]);
      expect(logs.some((l) => l.includes('over the streaming limit of 1024'))).to.equal(true);
      await fixture.emulator.processIngestionQueue();
      const ingested = await tableRows(fixture.emulator, 'Products', 'ProductID asc');
      expect(ingested.map((r) => Number(r.ProductID))).to.deep.equal(rows.map((r) => r.ProductID));
      await engine.close();
    });

    it('over Azure’s 4 MB limit by default', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const name = 'x'.repeat(1000);
      const rows = Array.from({ length: 4500 }, (_, i) => ({ ProductID: i, Name: name, Cost: 0 }));
      expect(await engine.runOutput(output('Products'), rows, trigger())).to.deep.include({ method: 'queued' });
      expect(ingestRequests()).to.deep.equal([]);
      await fixture.emulator.processIngestionQueue();
      const [count] = await fixture.emulator.executeQuery('db', 'Products | count');
      expect(count.rows).to.deep.equal([[4500n]]);
      await engine.close();
    });
  });

  describe('queued ingestion', () => {
    it('queues with the source id as ingest-by tag and ingestIfNotExists, and reports queued (not confirmed)', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const outcome = await engine.runOutput(
        output('Products', { ingestionType: 'queued' }),
        [{ ProductID: 1, Name: 'q', Cost: 1 }],
        trigger(),
      );
      expect(outcome).to.deep.include({ method: 'queued', status: 'queued', records: 1 });
      await fixture.emulator.processIngestionQueue();
      // The extent carries the ingest-by tag that ingestIfNotExists checks on a repeated message.
      const extents = fixture.emulator.catalog.get('db')?.tables.get('Products')?.extents ?? [];
      expect(extents.map((e) => e.tags)).to.deep.equal([[`ingest-by:${outcome?.sourceId}`]]);
      expect(await tableRows(fixture.emulator, 'Products')).to.have.length(1);
      await engine.close();
    });

    it('with a poll interval, waits for the status and reports succeeded', async function () {
      this.timeout(30_000);
      const { engine } = makeEngine({ env: viaProxy() });
      const outcome = await engine.runOutput(
        output('Products', {
          ingestionType: 'queued',
          ingestionProperties: '@flushImmediately=true,@pollIntervalSeconds=0.05',
        }),
        [{ ProductID: 2, Name: 'polled', Cost: 2 }],
        trigger(),
      );
      expect(outcome).to.deep.include({ method: 'queued', status: 'succeeded' });
      expect(await tableRows(fixture.emulator, 'Products')).to.deep.equal([
        { ProductID: '2', Name: 'polled', Cost: 2 },
      ]);
      await engine.close();
    });

    it('with a poll interval, a failed ingestion fails the invocation with the status details', async function () {
      this.timeout(30_000);
      const { engine } = makeEngine({ env: viaProxy() });
      const error = await failureOf(
        engine.runOutput(
          output('Products', {
            ingestionType: 'queued',
            dataFormat: 'csv',
            ingestionProperties: '@flushImmediately=true,@pollIntervalSeconds=0.05',
          }),
          'not-a-number,x,1\n',
          trigger(),
        ),
        KustoBindingError,
      );
      expect(error.message).to.match(
        /^Kusto output 'kustoOutput1' of fn \(table 'Products', database 'db', source id [0-9a-f-]{36}\): queued ingestion failed: /,
      );
      expect(await tableRows(fixture.emulator, 'Products')).to.deep.equal([]);
      await engine.close();
    });

    it('stops polling at the timeout (bounded) and reports queued', async function () {
      this.timeout(30_000);
      // A long queue interval: the status stays Pending while the engine polls.
      const { startEmulator } = await import('kusto-emulator');
      const slow = await startEmulator({ databases: ['db'], queuedIngestionIntervalMs: 60_000 });
      try {
        await slow.executeCommand('db', '.create table Products (ProductID:long, Name:string, Cost:real)');
        const { engine, logs } = makeEngine({ env: { KustoConnectionString: slow.connectionString('db') } });
        const started = Date.now();
        const outcome = await engine.runOutput(
          output('Products', {
            ingestionType: 'queued',
            ingestionProperties: '@pollIntervalSeconds=0.1,@pollTimeoutMinutes=0.01',
          }),
          { ProductID: 3 },
          trigger(),
        );
        expect(outcome).to.deep.include({ method: 'queued', status: 'queued' });
        expect(Date.now() - started).to.be.below(10_000);
        expect(logs.some((l) => l.includes('still Pending after 0.01 minutes'))).to.equal(true);
        await engine.close();
      } finally {
        await slow.close();
      }
    });

    it('bad ingestionProperties are configuration errors naming the property', async () => {
      const { engine } = makeEngine({ env: viaProxy() });
      const error = await failureOf(
        engine.runOutput(
          output('Products', { ingestionType: 'queued', ingestionProperties: '@pollIntervalSeconds=soon' }),
          { a: 1 },
          trigger(),
        ),
        KustoConfigurationError,
      );
      expect(error.message).to.equal(
        "Kusto output 'kustoOutput1' of fn: ingestionProperties: '@pollIntervalSeconds' must be a positive number of seconds.",
      );
      await engine.close();
    });
  });
});
