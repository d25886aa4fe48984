import { expect } from 'chai';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

describe('emulator policy commands', () => {
  const fixture = useEmulator();
  const mgmt = async (command: string): Promise<Record<string, unknown>[]> =>
    rowsOf(await fixture.client.executeMgmt('db', command));
  const policy = async (command: string): Promise<unknown> => JSON.parse((await mgmt(command))[0].Policy as string);

  before(async () => {
    await mgmt('.create table T (a:long)');
  });

  it('records the streaming ingestion policy and shows it back', async () => {
    const rows = await mgmt('.alter table T policy streamingingestion enable');
    expect(rows[0]).to.include({ PolicyName: 'StreamingIngestionPolicy', EntityName: '[db].[T]', EntityType: 'Table' });
    expect(await policy('.show table T policy streamingingestion')).to.deep.equal({
      IsEnabled: true,
      HintAllocatedRate: null,
    });
    await mgmt('.alter table T policy streamingingestion disable');
    expect(await policy('.show table T policy streamingingestion')).to.deep.include({ IsEnabled: false });
  });

  it('merges retention settings given as key = value', async () => {
    await mgmt('.alter-merge table T policy retention softdelete = 10d recoverability = disabled');
    await mgmt('.alter-merge table T policy retention softdelete = 1h');
    expect(await policy('.show table T policy retention')).to.deep.equal({
      SoftDeletePeriod: '01:00:00',
      Recoverability: 'Disabled',
    });
  });

  it('records a JSON policy, and deletes it', async () => {
    await mgmt(
      `.alter table T policy ingestionbatching @'{"MaximumBatchingTimeSpan":"00:00:30","MaximumNumberOfItems":500}'`,
    );
    expect(await policy('.show table T policy ingestionbatching')).to.deep.equal({
      MaximumBatchingTimeSpan: '00:00:30',
      MaximumNumberOfItems: 500,
    });
    await mgmt('.delete table T policy ingestionbatching');
    expect((await mgmt('.show table T policy ingestionbatching'))[0].Policy).to.equal('null');
  });

  it('records database-level policies', async () => {
    await mgmt('.alter database db policy streamingingestion enable');
    const rows = await mgmt('.show database db policy streamingingestion');
    expect(rows[0]).to.include({ EntityName: '[db]', EntityType: 'Database' });
    expect(JSON.parse(rows[0].Policy as string)).to.deep.include({ IsEnabled: true });
    await mgmt('.alter database db policy caching hot = 7d');
    expect(await policy('.show database db policy caching')).to.deep.equal({
      DataHotSpan: '7.00:00:00',
      IndexHotSpan: '7.00:00:00',
    });
  });

  it('rejects policies whose effect it does not reproduce, and invalid JSON', async () => {
    let f = await failure(fixture.client.executeMgmt('db', `.alter table T policy update @'[]'`));
    expect(f.error.code).to.equal('BadRequest_NotSupported');
    expect(f.error['@message']).to.contain('update policy');
    f = await failure(fixture.client.executeMgmt('db', `.alter table T policy ingestionbatching '{nope'`));
    expect(f.error['@message']).to.contain('not valid JSON');
    f = await failure(fixture.client.executeMgmt('db', '.alter table T policy whatever enable'));
    expect(f.error['@message']).to.contain("Unknown policy 'whatever'");
  });
});
