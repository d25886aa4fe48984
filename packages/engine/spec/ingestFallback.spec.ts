import { expect } from 'chai';
import { KustoBindingError } from 'kusto-functions-bindings';
import { failureOf, input, makeEngine, output, tableRows, trigger, useEmulator } from './support/engineFixture';
import { startFaultProxy, type FaultProxy } from './support/faultProxy';

// Streams takes streaming ingestion; Batched has no streaming ingestion policy, nor has its database, so Kusto (and the
// emulator) refuse to stream into it with BadRequest_StreamingIngestionPolicyNotEnabled.
const SETUP = `
.create table Streams (ProductID:long, Name:string, Cost:real)

.alter table Streams policy streamingingestion enable

.create table Batched (ProductID:long, Name:string, Cost:real)
`;

describe('engine: when managed ingestion goes queued, and when it does not', () => {
  const fixture = useEmulator(SETUP);
  // Every request goes through the proxy, which records them and fails those a spec asks it to.
  let proxy: FaultProxy;
  beforeEach(async () => {
    for (const table of ['Streams', 'Batched'])
      await fixture.emulator.executeCommand('db', `.clear table ${table} data`);
    proxy ??= await startFaultProxy(fixture.emulator.url);
    proxy.reset();
  });
  after(() => proxy?.close());
  const env = () => ({ KustoConnectionString: `Data Source=${proxy.url}` });
  const streamed = () => proxy.requests.filter((r) => r.path.startsWith('/v1/rest/ingest/'));
  const queued = () => proxy.requests.some((r) => r.body.includes('.get ingestion resources'));

  describe('a transient failure followed by a permanent one on the last attempt', () => {
    it('fails the ingestion with the permanent error, and does not fall back to queued', async () => {
      const { engine, logs } = makeEngine({ env: env() });
      // Attempts 1 and 2 meet a 503; attempt 3 (the last of FAST_RETRY's 3) reaches the emulator, which refuses
      // the value for good.
      proxy.failNext(2, { kind: 'status', status: 503 }, '/v1/rest/ingest/');
      const error = await failureOf(
        engine.runOutput(output('Streams', { dataFormat: 'csv' }), 'not-a-number,x,1\n', trigger()),
        KustoBindingError,
      );
      expect(streamed().map((r) => r.status)).to.deep.equal([503, 503, 400]);
      expect(error.message).to.match(/: streaming ingestion failed \(HTTP 400 [A-Za-z_]+\): /);
      expect(error.message).to.include("column 'ProductID'").and.not.include('attempts');
      expect(queued()).to.equal(false);
      expect(logs.some((l) => l.includes('ingesting queued'))).to.equal(false);
      await fixture.emulator.processIngestionQueue();
      expect(await tableRows(fixture.emulator, 'Streams')).to.deep.equal([]);
      await engine.close();
    });

    it('fails a query with the permanent error, not as retries exhausted', async () => {
      const { engine } = makeEngine({ env: env() });
      proxy.failNext(2, { kind: 'status', status: 429 }, '/v2/rest/query');
      const error = await failureOf(engine.runInput(input('NoSuchTable'), trigger()), KustoBindingError);
      expect(proxy.requests.filter((r) => r.path.startsWith('/v2/rest/query')).map((r) => r.status)).to.deep.equal([
        429, 429, 400,
      ]);
      expect(error.message).to.match(/the query on database 'db' failed \(HTTP 400 [A-Za-z_]+\): /);
      expect(error.message).to.include('NoSuchTable').and.not.include('attempts');
      await engine.close();
    });
  });

  describe('a table without a streaming ingestion policy', () => {
    it('is ingested queued after one refused streaming attempt, logged, and stores the row once', async () => {
      const { engine, logs } = makeEngine({ env: env() });
      const row = { ProductID: 41, Name: 'queued', Cost: 1.5 };
      const outcome = await engine.runOutput(output('Batched'), row, trigger());
      expect(outcome).to.deep.include({ method: 'queued', status: 'queued', records: 1 });
      const sourceId = outcome?.sourceId ?? '';
      // Refused for good: not retried.
      expect(streamed().map((r) => r.status)).to.deep.equal([400]);
      expect(JSON.parse(streamed()[0].body)).to.deep.equal(row);
      expect(logs).to.include(
        `information: Kusto output 'kustoOutput1' of fn (table 'Batched', database 'db', source id ${sourceId}): ` +
          'the table does not take streaming ingestion: ingesting queued.',
      );
      expect(logs.filter((l) => l.startsWith('warning'))).to.deep.equal([]);
      await fixture.emulator.processIngestionQueue();
      // Processing the queue again must not add the row twice.
      await fixture.emulator.processIngestionQueue();
      expect(await tableRows(fixture.emulator, 'Batched')).to.deep.equal([
        { ProductID: '41', Name: 'queued', Cost: 1.5 },
      ]);
      await engine.close();
    });
  });
});
