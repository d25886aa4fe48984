/**
 * The emulator's durable storage: what survives a restart, damaged logs, failing databases, unsafe names,
 * compaction and the earlier one-file format.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { type EmulatorOptions, type KustoEmulator, startEmulator, type Value } from '../../lib';
import { databaseDirectory } from '../../lib/persistence';
import { failure, kustoIngest, rowsOf, startFailure, streamOf } from '../support/emulatorFixture';
import { statusOf } from '../support/queuedFixture';

describe('emulator storage', () => {
  let dataDir: string;
  let warnings: string[];
  const open: { emulator: KustoEmulator; client: Client }[] = [];

  /** Starts an emulator on dataDir with a client; both closed after the spec. */
  async function start(options: EmulatorOptions = {}): Promise<{ emulator: KustoEmulator; client: Client }> {
    const emulator = await startEmulator({ dataDir, onWarning: (m) => warnings.push(m), ...options });
    const client = new Client(emulator.connectionString());
    open.push({ emulator, client });
    return { emulator, client };
  }

  /** Closes an emulator started by `start`. */
  async function stop(started: { emulator: KustoEmulator; client: Client }): Promise<void> {
    started.client.close();
    await started.emulator.close();
    open.splice(open.indexOf(started), 1);
  }

  const rowsIn = (emulator: KustoEmulator, database: string, table: string): Value[][] =>
    emulator.catalog
      .get(database)
      ?.tables.get(table)
      ?.extents.flatMap((e) => e.rows) ?? [];

  /** What the data directory holds, but for the running emulator's lock. */
  const entries = async (): Promise<string[]> => (await fs.readdir(dataDir)).filter((f) => f !== 'emulator.lock');

  /** The log file of a database's current generation. */
  async function logFile(database: string): Promise<string> {
    const dir = databaseDirectory(dataDir, database);
    const logs = (await fs.readdir(dir)).filter((f) => /^log-\d+$/.test(f));
    expect(logs).to.have.length(1);
    return path.join(dir, logs[0]);
  }

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-emulator-storage-'));
    warnings = [];
  });

  afterEach(async () => {
    for (const started of open.splice(0)) {
      started.client.close();
      await started.emulator.close().catch(() => undefined);
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps schema, functions, mappings, policies and exact values across a restart', async () => {
    const first = await start({ databases: ['shop'] });
    const mgmt = (command: string) => first.client.executeMgmt('shop', command);
    await mgmt(
      ".create table Items (Id:long, At:datetime, Took:timespan, Score:real, Bag:dynamic, Name:string) with (folder='F')",
    );
    await mgmt(`.create table Items ingestion json mapping 'm' '[{"column":"Id","path":"$.id"}]'`);
    await mgmt('.create function with (docstring="d") Top(n:long) { Items | take n }');
    await mgmt('.alter table Items policy streamingingestion enable');
    await mgmt(
      '.ingest inline into table Items <|\n9223372036854775807,2024-02-29T12:00:00.1234567Z,1.02:03:04.5,NaN,"{""a"":[1,2]}",x',
    );
    const before = rowsIn(first.emulator, 'shop', 'Items');
    const id = first.emulator.catalog.info(first.emulator.catalog.require('shop')).id;
    await stop(first);

    const second = await start();
    const shop = second.emulator.catalog.get('shop');
    expect(shop?.persistent).to.equal(true);
    const rows = rowsIn(second.emulator, 'shop', 'Items');
    expect(rows).to.deep.equal(before);
    expect(rows[0][0]).to.equal(9223372036854775807n);
    expect(Number.isNaN(rows[0][3])).to.equal(true);
    const again = (command: string) => second.client.executeMgmt('shop', command);
    expect(rowsOf(await again('.show tables'))[0]).to.include({ TableName: 'Items', Folder: 'F' });
    expect(rowsOf(await again('.show functions'))[0]).to.include({ Name: 'Top', DocString: 'd' });
    expect(rowsOf(await again('.show table Items ingestion mappings'))[0]).to.include({ Name: 'm', Kind: 'Json' });
    const policy = rowsOf(await again('.show table Items policy streamingingestion'))[0];
    expect(JSON.parse(policy.Policy as string)).to.deep.include({ IsEnabled: true });
    const databases = rowsOf(await again('.show databases'));
    expect(databases[0]).to.include({ PersistentStorage: databaseDirectory(dataDir, 'shop'), DatabaseId: id });
    expect(warnings).to.deep.equal([]);
  });

  it('makes databases persistent whenever there is a dataDir, unless created volatile', async () => {
    const first = await start({ databases: ['fromOptions'] });
    await first.client.executeMgmt('fromOptions', '.create database plain');
    await first.client.executeMgmt('fromOptions', '.create database mem volatile');
    for (const database of ['fromOptions', 'plain', 'mem']) {
      await first.client.executeMgmt(database, '.create table T (a:long)');
    }
    expect((await entries()).sort()).to.deep.equal(
      ['fromoptions', 'plain'].map((d) => path.basename(databaseDirectory(dataDir, d))).sort(),
    );
    await stop(first);
    const second = await start();
    expect([...second.emulator.catalog.databases.keys()].sort()).to.deep.equal(['fromoptions', 'plain']);
  });

  it('refuses a data directory another live process uses, and takes over the lock of one that was killed', async () => {
    const script = path.join(__dirname, '..', 'support', 'crashChild.js');
    const child = spawn(process.execPath, [script, JSON.stringify({ dataDir, databases: ['db'] })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
        child.on('exit', () => reject(new Error('the child emulator exited')));
      });
      const refused = await startFailure({ dataDir });
      expect(refused?.message).to.contain(`in use by process ${child.pid}`).and.contain(dataDir);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const { emulator } = await start();
    expect(emulator.catalog.get('db')?.persistent).to.equal(true);
  });

  it('waits a moment for a holder of the data directory that is exiting, as on a restart right after a stop', async () => {
    const script = path.join(__dirname, '..', 'support', 'crashChild.js');
    const child = spawn(process.execPath, [script, JSON.stringify({ dataDir, databases: ['db'] })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
      child.on('exit', () => reject(new Error('the child emulator exited')));
    });
    // The holder goes away half a second into the start, well within the wait.
    const killer = setTimeout(() => child.kill('SIGKILL'), 500);
    try {
      const { emulator } = await start();
      expect(child.exitCode ?? child.signalCode, 'started only once the holder had exited').to.not.equal(null);
      expect(emulator.catalog.get('db')?.persistent).to.equal(true);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('drops a database with its directory, and a new one of the same name starts empty', async () => {
    const first = await start({ databases: ['keep', 'gone'] });
    await first.client.executeMgmt('gone', '.create table T (a:long)');
    await first.client.executeMgmt('gone', '.drop database gone');
    expect(await entries()).to.deep.equal([path.basename(databaseDirectory(dataDir, 'keep'))]);
    await first.client.executeMgmt('keep', '.create database GONE');
    await stop(first);
    const second = await start();
    expect(second.emulator.catalog.get('gone')?.name).to.equal('GONE');
    expect(second.emulator.catalog.get('gone')?.tables.size).to.equal(0);
  });

  it('truncates a torn log tail with a warning, and goes on appending after it', async () => {
    const first = await start({ databases: ['db'] });
    await first.client.executeMgmt('db', '.create table T (a:long)');
    await first.client.executeMgmt('db', '.ingest inline into table T <| 1');
    await stop(first);
    const log = await logFile('db');
    const intact = (await fs.stat(log)).size;
    // A record header announcing 1000 bytes, of which only a few made it to disk before the crash.
    const torn = Buffer.alloc(14);
    torn.writeUInt32LE(1000, 0);
    await fs.appendFile(log, torn);

    const second = await start();
    expect(rowsIn(second.emulator, 'db', 'T')).to.deep.equal([[1n]]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain(log).and.contain('truncated');
    expect((await fs.stat(log)).size).to.equal(intact);
    await second.client.executeMgmt('db', '.ingest inline into table T <| 2');
    await stop(second);
    warnings = [];
    const third = await start();
    expect(rowsIn(third.emulator, 'db', 'T')).to.deep.equal([[1n], [2n]]);
    expect(warnings).to.deep.equal([]);
  });

  it('truncates from a record whose checksum does not match, keeping what precedes it', async () => {
    const first = await start({ databases: ['db'] });
    await first.client.executeMgmt('db', '.create table T (a:string)');
    await first.client.executeMgmt('db', '.ingest inline into table T <| before');
    const log = await logFile('db');
    const sizeBefore = (await fs.stat(log)).size;
    await first.client.executeMgmt('db', '.ingest inline into table T <| after');
    await stop(first);
    // Flip one byte inside the last record's payload (its JSON text stays well formed: the checksum is what tells).
    const content = await fs.readFile(log);
    const at = content.indexOf('after', sizeBefore);
    content[at] = 'A'.charCodeAt(0);
    await fs.writeFile(log, content);

    const second = await start();
    expect(rowsIn(second.emulator, 'db', 'T')).to.deep.equal([['before']]);
    expect(warnings.join('\n')).to.contain('wrong checksum').and.contain('truncated');
    expect((await fs.stat(log)).size).to.equal(sizeBefore);
  });

  it('fails only the requests of a database that cannot be written, and loses nothing of the others', async function () {
    this.timeout(30_000);
    const first = await start({ databases: ['good', 'bad'], compactionBytes: 4096 });
    for (const database of ['good', 'bad']) {
      await first.client.executeMgmt(database, '.create table T (Id:long, Text:string)');
    }
    // A directory where bad's next snapshot must go: its compaction fails as a full disk or a permission would.
    await fs.mkdir(path.join(databaseDirectory(dataDir, 'bad'), 'snapshot-2.tmp'));
    // Nor can a new database be created where a file is in the way.
    await fs.writeFile(databaseDirectory(dataDir, 'blocked'), 'in the way');

    const acked = { good: [] as number[], bad: [] as number[] };
    const failures: Awaited<ReturnType<typeof failure>>[] = [];
    const padding = 'x'.repeat(200);
    const ingest = async (database: 'good' | 'bad', id: number): Promise<void> => {
      try {
        await first.client.executeMgmt(database, `.ingest inline into table T <| ${id},${padding}`);
        acked[database].push(id);
      } catch (error) {
        failures.push(await failure(Promise.reject(error)));
      }
    };
    const creation = failure(first.client.executeMgmt('good', '.create database blocked'));
    await Promise.all(Array.from({ length: 40 }, (_, i) => [ingest('good', i), ingest('bad', i)]).flat());

    const refused = await creation;
    expect(refused.status).to.equal(500);
    expect(refused.error).to.include({ code: 'Internal_StorageFailure', '@permanent': false });
    expect(refused.error['@message']).to.contain("database 'blocked'");
    expect(first.emulator.catalog.get('blocked')).to.equal(undefined);
    expect(acked.good).to.have.length(40);
    expect(acked.bad.length).to.be.lessThan(40);
    expect(failures).to.have.length(40 - acked.bad.length);
    for (const f of failures) {
      expect(f.status).to.equal(500);
      expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.KustoServiceException');
      expect(f.error['@message']).to.contain("database 'bad'").and.contain('other databases are not affected');
    }
    first.client.close();
    await first.emulator.close().catch(() => undefined);
    open.splice(0);

    await fs.rm(databaseDirectory(dataDir, 'blocked'));
    const second = await start();
    const ids = (database: string) =>
      rowsIn(second.emulator, database, 'T')
        .map((r) => Number(r[0]))
        .sort((a, b) => a - b);
    expect(ids('good')).to.deep.equal(acked.good.sort((a, b) => a - b));
    expect(ids('bad')).to.include.members(acked.bad);
    expect(new Set(ids('bad')).size).to.equal(ids('bad').length);
  });

  it("has a queued ingestion's rows in the log by the time it reports Succeeded", async function () {
    this.timeout(30_000);
    const { emulator, client } = await start({ databases: ['db'] });
    await client.executeMgmt('db', '.create table Events (Id:long, Name:string)');
    const queued = new kustoIngest.IngestClient(emulator.connectionString('db'));
    try {
      const result = await queued.ingestFromStream(streamOf('1,queued-marker-row\n'), {
        database: 'db',
        table: 'Events',
        format: kustoIngest.DataFormat.CSV,
        reportLevel: kustoIngest.ReportLevel.FailuresAndSuccesses,
        reportMethod: kustoIngest.ReportMethod.Table,
        flushImmediately: true,
      } as never);
      expect((await statusOf(result)).Status).to.equal('Succeeded');
      // Read while the emulator still runs: nothing is written at close that was not already there.
      expect((await fs.readFile(await logFile('db'))).toString('utf8')).to.contain('queued-marker-row');
    } finally {
      queued.close();
    }
  });

  it("refuses names Kusto refuses ('..', control characters, over 1024 characters) with Kusto's error", async () => {
    const { client, emulator } = await start({ databases: ['db'] });
    for (const name of ['..', '.', ' - ', 'a\u0001b', 'x'.repeat(1025), '../../etc', 'a/b']) {
      const refused = await failure(client.executeMgmt('db', `.create database ['${name}']`));
      expect(refused.status, JSON.stringify(name)).to.be.oneOf([400]);
      if (refused.error.code !== 'General_BadRequest') {
        expect(refused.error).to.include({
          code: 'BadRequest_EntityNameIsNotValid',
          '@type': 'Kusto.Data.Exceptions.EntityNameIsNotValidException',
        });
      }
    }
    const dots = await failure(client.executeMgmt('db', ".create database ['..']"));
    expect(dots.error.code).to.equal('BadRequest_EntityNameIsNotValid');
    expect(dots.error['@message']).to.contain('".."');
    const long = 'L'.repeat(1024);
    await client.executeMgmt('db', `.create database ['${long}']`);
    expect([...emulator.catalog.databases.keys()].sort()).to.deep.equal(['db', long.toLowerCase()]);
    expect((await fs.readdir(dataDir)).every((f) => f.length < 100)).to.equal(true);
    await stop(open[0]);
    const second = await start();
    expect(second.emulator.catalog.get(long)?.name).to.equal(long);
  });

  it('compacts a long log into a snapshot, and replays it to the same data', async function () {
    this.timeout(30_000);
    const first = await start({ databases: ['db'], compactionBytes: 2048 });
    const mgmt = (command: string) => first.client.executeMgmt('db', command);
    const ingest = new kustoIngest.StreamingIngestClient(first.emulator.connectionString('db'));
    try {
      await mgmt('.create table T (Id:long, Name:string, At:datetime)');
      await mgmt('.alter table T policy streamingingestion enable');
      for (let i = 0; i < 16; i++) {
        await ingest.ingestFromStream(streamOf(`${i},name ${i},2024-01-01T00:00:0${i % 10}Z\n`), {
          database: 'db',
          table: 'T',
          format: kustoIngest.DataFormat.CSV,
        });
        await mgmt(`.ingest inline into table T <| ${100 + i},inline ${i},`);
        if (i === 4) await mgmt('.alter-merge table T (Extra:real)');
        if (i === 7) await mgmt('.set-or-replace R <| T | where Id < 5');
        if (i === 10) await mgmt('.rename table R to R2');
        if (i === 13) await mgmt('.create function F() { T | count }');
      }
      await mgmt('.drop table R2');
      await mgmt('.set-or-replace S <| T | where Id >= 100');
    } finally {
      ingest.close();
    }
    const dir = databaseDirectory(dataDir, 'db');
    const files = (await fs.readdir(dir)).sort();
    const generation = Number(/^log-(\d+)$/.exec(files[0])?.[1]);
    expect(generation, files.join(', ')).to.be.greaterThan(2);
    expect(files).to.deep.equal([`log-${generation}`, `snapshot-${generation}`]);
    const database = first.emulator.catalog.require('db');
    const content = (d: typeof database) => ({
      tables: [...d.tables.values()].map((t) => ({
        name: t.name,
        columns: t.columns,
        rows: t.extents.map((e) => e.rows),
      })),
      functions: [...d.functions.values()],
    });
    const before = content(database);
    await stop(first);
    const second = await start();
    expect(content(second.emulator.catalog.require('db'))).to.deep.equal(before);
    expect(before.tables.map((t) => t.name)).to.deep.equal(['T', 'S']);
    expect(before.tables[0].rows.flat()).to.have.length(32);
    expect(warnings).to.deep.equal([]);
  });

  it('migrates a database of the earlier one-file format, then deletes the file', async () => {
    const legacy = {
      format: 'kusto-emulator-database',
      version: 1,
      name: 'Old',
      id: '0b3c7ab5-7bd9-4f62-9d5c-9d9f2c6d3a10',
      policies: {},
      functions: [{ name: 'F', parameters: '()', body: '{ T }' }],
      tables: [
        {
          name: 'T',
          columns: [
            { name: 'a', type: 'long' },
            { name: 'b', type: 'real' },
          ],
          policies: {},
          mappings: [],
          extents: [{ ingestionTime: '638000000000000000', tags: [], rows: [['9007199254740993', 'Infinity']] }],
        },
      ],
    };
    await fs.writeFile(path.join(dataDir, 'old.kustodb.json'), JSON.stringify(legacy));
    const first = await start();
    expect(rowsIn(first.emulator, 'Old', 'T')).to.deep.equal([[9007199254740993n, Infinity]]);
    expect(warnings.join('\n')).to.contain('migrated');
    expect(await entries()).to.deep.equal([path.basename(databaseDirectory(dataDir, 'old'))]);
    await stop(first);
    const second = await start();
    expect(second.emulator.catalog.get('old')?.functions.get('F')?.body).to.equal('{ T }');
    expect(rowsIn(second.emulator, 'Old', 'T')).to.deep.equal([[9007199254740993n, Infinity]]);
  });

  it('keeps a file of the earlier format it cannot read, warning, and starts', async () => {
    await fs.writeFile(path.join(dataDir, 'bad.kustodb.json'), '{ not json');
    await start();
    expect(warnings.join('\n')).to.contain('bad.kustodb.json');
    expect(await fs.readdir(dataDir)).to.include('bad.kustodb.json');
  });
});
