import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { startEmulator } from '../lib';
import { rowsOf, startFailure } from './support/emulatorFixture';

describe('emulator persistence', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-emulator-data-'));
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps persist databases across a restart: schema, functions, mappings, policies and exact values', async () => {
    const first = await startEmulator({ dataDir, databases: ['scratch'] });
    let client: Client | undefined;
    try {
      client = new Client(first.connectionString('shop'));
      await client.executeMgmt(
        'scratch',
        '.create database shop persist (@"https://account.blob.core.windows.net/md", @"https://account.blob.core.windows.net/data")',
      );
      await client.executeMgmt(
        'shop',
        ".create table Items (Id:long, At:datetime, Took:timespan, Score:real, Bag:dynamic, Name:string) with (folder='F')",
      );
      await client.executeMgmt(
        'shop',
        `.create table Items ingestion json mapping 'm' '[{"column":"Id","path":"$.id"}]'`,
      );
      await client.executeMgmt('shop', '.create function with (docstring="d") Top(n:long) { Items | take n }');
      await client.executeMgmt('shop', '.alter table Items policy streamingingestion enable');
      await client.executeMgmt(
        'shop',
        '.ingest inline into table Items <|\n9223372036854775807,2024-02-29T12:00:00.1234567Z,1.02:03:04.5,NaN,"{""a"":[1,2]}",x',
      );
      await client.executeMgmt('scratch', '.create table Temp (a:long)');
    } finally {
      client?.close();
      await first.close();
    }
    const before = first.catalog.get('shop');

    const files = await fs.readdir(dataDir);
    expect(files).to.deep.equal(['shop.kustodb.json']);

    const second = await startEmulator({ dataDir });
    let again: Client | undefined;
    try {
      again = new Client(second.connectionString('shop'));
      const shop = second.catalog.get('shop');
      expect(shop?.persistent).to.equal(true);
      expect(second.catalog.get('scratch')).to.equal(undefined);
      expect(shop?.tables.get('Items')?.extents.map((e) => e.rows)).to.deep.equal(
        before?.tables.get('Items')?.extents.map((e) => e.rows),
      );
      const row = shop?.tables.get('Items')?.extents[0].rows[0];
      expect(row?.[0]).to.equal(9223372036854775807n);
      expect(Number.isNaN(row?.[3])).to.equal(true);
      expect(rowsOf(await again.executeMgmt('shop', '.show tables'))[0]).to.include({
        TableName: 'Items',
        Folder: 'F',
      });
      expect(rowsOf(await again.executeMgmt('shop', '.show functions'))[0]).to.include({ Name: 'Top', DocString: 'd' });
      expect(rowsOf(await again.executeMgmt('shop', '.show table Items ingestion mappings'))[0]).to.include({
        Name: 'm',
        Kind: 'Json',
      });
      const policy = rowsOf(await again.executeMgmt('shop', '.show table Items policy streamingingestion'))[0];
      expect(JSON.parse(policy.Policy as string)).to.deep.include({ IsEnabled: true });
      const databases = rowsOf(await again.executeMgmt('shop', '.show databases'));
      expect(databases[0].PersistentStorage).to.equal(path.join(dataDir, 'shop.kustodb.json'));
      expect(databases[0].DatabaseId).to.equal(second.catalog.info(shop as NonNullable<typeof shop>).id);
    } finally {
      again?.close();
      await second.close();
    }
  });

  it('deletes the file of a dropped persist database on flush', async () => {
    const emulator = await startEmulator({ dataDir });
    try {
      await emulator.executeCommand('x', '.create database keep persist (@"a", @"b")');
      await emulator.executeCommand('x', '.create database gone persist (@"a", @"b")');
      await emulator.flush();
      expect((await fs.readdir(dataDir)).sort()).to.deep.equal(['gone.kustodb.json', 'keep.kustodb.json']);
      await emulator.executeCommand('x', '.drop database gone');
      await emulator.flush();
      expect(await fs.readdir(dataDir)).to.deep.equal(['keep.kustodb.json']);
    } finally {
      await emulator.close();
    }
  });

  it('writes volatile databases nowhere, even with a dataDir', async () => {
    const emulator = await startEmulator({ dataDir, databases: ['mem'] });
    try {
      await emulator.executeCommand('mem', '.create table T (a:long)');
      await emulator.executeCommand('mem', '.ingest inline into table T <| 1');
    } finally {
      await emulator.close();
    }
    expect(await fs.readdir(dataDir).catch(() => [])).to.deep.equal([]);
  });

  it('fails to start on a damaged database file, naming it', async () => {
    await fs.writeFile(path.join(dataDir, 'bad.kustodb.json'), '{ not json');
    const error = await startFailure({ dataDir });
    expect(error?.message).to.contain('bad.kustodb.json');
  });
});
