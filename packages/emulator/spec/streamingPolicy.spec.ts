import { expect } from 'chai';
import type { Value } from '../lib';
import { failure, kustoIngest, streamOf, useEmulator } from './support/emulatorFixture';

// Kusto refuses streaming ingestion unless the streaming ingestion policy is enabled on the table, or on its database
// when the table has none (the table's own policy takes precedence). Clients rely on the error code to go queued.
describe('emulator streaming ingestion policy', () => {
  const fixture = useEmulator();
  const mgmt = (command: string) => fixture.client.executeMgmt('db', command);
  const rows = (): Value[][] =>
    fixture.emulator.catalog
      .get('db')
      ?.tables.get('T')
      ?.extents.flatMap((e) => e.rows) ?? [];
  const stream = (id: number) =>
    fixture.ingest.ingestFromStream(streamOf(`${id}\n`), {
      database: 'db',
      table: 'T',
      format: kustoIngest.DataFormat.CSV,
    });

  beforeEach(async () => {
    await mgmt('.drop table T ifexists');
    await mgmt('.delete database db policy streamingingestion');
    await mgmt('.create table T (Id:long)');
  });

  it("refuses a table without the policy with Kusto's permanent error, naming the table, and appends nothing", async () => {
    const f = await failure(stream(1));
    expect(f.status).to.equal(400);
    expect(f.error.code).to.equal('BadRequest_StreamingIngestionPolicyNotEnabled');
    expect(f.error['@type']).to.equal('Kusto.DataNode.Exceptions.StreamingIngestionPolicyNotEnabledException');
    expect(f.error['@permanent']).to.equal(true);
    expect(f.error['@message']).to.contain("'T'").and.to.contain('.alter table T policy streamingingestion enable');
    expect(rows()).to.deep.equal([]);
  });

  it('accepts a table whose policy is enabled, by `enable` or by a JSON policy', async () => {
    await mgmt('.alter table T policy streamingingestion enable');
    await stream(1);
    await mgmt(`.alter table T policy streamingingestion '{"IsEnabled": true, "HintAllocatedRate": 2.1}'`);
    await stream(2);
    expect(rows()).to.deep.equal([[1n], [2n]]);
  });

  it('refuses again once the policy is disabled or deleted', async () => {
    await mgmt('.alter table T policy streamingingestion enable');
    await mgmt('.alter table T policy streamingingestion disable');
    expect((await failure(stream(1))).error.code).to.equal('BadRequest_StreamingIngestionPolicyNotEnabled');
    await mgmt('.alter table T policy streamingingestion enable');
    await mgmt('.delete table T policy streamingingestion');
    expect((await failure(stream(2))).error.code).to.equal('BadRequest_StreamingIngestionPolicyNotEnabled');
    expect(rows()).to.deep.equal([]);
  });

  it("takes the database's policy for a table without its own, and the table's own first", async () => {
    await mgmt('.alter database db policy streamingingestion enable');
    await stream(1);
    await mgmt('.alter table T policy streamingingestion disable');
    expect((await failure(stream(2))).error.code).to.equal('BadRequest_StreamingIngestionPolicyNotEnabled');
    await mgmt('.alter database db policy streamingingestion disable');
    await mgmt('.alter table T policy streamingingestion enable');
    await stream(3);
    expect(rows()).to.deep.equal([[1n], [3n]]);
  });
});
