import { expect } from 'chai';
import { failure, rowsOf, useEmulator } from '../support/emulatorFixture';

describe('emulator database and cluster commands', () => {
  const fixture = useEmulator();
  const mgmt = async (command: string): Promise<Record<string, unknown>[]> =>
    rowsOf(await fixture.client.executeMgmt('db', command));

  it('creates, shows and drops a volatile database', async () => {
    const created = await mgmt('.create database Sales volatile');
    expect(created[0]).to.include({
      DatabaseName: 'Sales',
      PersistentStorage: '',
      DatabaseAccessMode: 'ReadWrite',
      IsCurrent: false,
    });
    expect(created[0].DatabaseId).to.match(/^[0-9a-f-]{36}$/);
    const shown = await mgmt('.show databases');
    expect(shown.map((r) => r.DatabaseName)).to.deep.equal(['db', 'Sales']);
    expect(shown.find((r) => r.DatabaseName === 'db')?.IsCurrent).to.equal(true);
    await fixture.client.executeMgmt('Sales', '.create table T (a:long)');
    await mgmt('.drop database Sales');
    expect(fixture.emulator.catalog.get('sales')).to.equal(undefined);
  });

  it('compares database names case-insensitively', async () => {
    await mgmt('.create database Mixed volatile');
    const f = await failure(fixture.client.executeMgmt('db', '.create database MIXED volatile'));
    expect(f.error.code).to.equal('BadRequest_EntityAlreadyExists');
    await mgmt('.create database mixed volatile ifnotexists');
    await fixture.client.executeMgmt('MIXED', '.create table T (a:long)');
    expect(fixture.emulator.catalog.get('Mixed')?.tables.has('T')).to.equal(true);
    await mgmt('.drop database mixed');
  });

  it('drops a missing database only with ifexists', async () => {
    const f = await failure(fixture.client.executeMgmt('db', '.drop database Nope'));
    expect(f.error.code).to.equal('BadRequest_EntityNotFound');
    await mgmt('.drop database Nope ifexists');
  });

  it('refuses a persist database when the emulator has no dataDir', async () => {
    const f = await failure(
      fixture.client.executeMgmt('db', '.create database P persist (@"https://a/b", @"https://a/c")'),
    );
    expect(f.status).to.equal(400);
    expect(f.error['@message']).to.contain('dataDir');
  });

  it('shows the current database', async () => {
    const rows = await mgmt('.show database');
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ DatabaseName: 'db', IsCurrent: true });
  });

  it('answers .show version and .show cluster', async () => {
    const version = await mgmt('.show version');
    expect(version[0]).to.have.keys('BuildVersion', 'BuildTime', 'ServiceType', 'ProductVersion', 'ServerVersion');
    expect(version[0].BuildTime).to.be.instanceOf(Date);
    const cluster = await mgmt('.show cluster');
    expect(cluster).to.have.length(1);
    expect(cluster[0].IsAdmin).to.equal(true);
    expect(cluster[0].ProcessorCount).to.be.a('number').greaterThan(0);
  });
});
