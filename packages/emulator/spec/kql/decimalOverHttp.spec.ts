/**
 * decimal end to end: ingested as CSV, JSON and inline, queried and stored, read back through azure-kusto-data.
 * Kusto's REST responses (v1 and v2) carry a decimal as a JSON string of its digits, and the client hands that string
 * to the caller as it is.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { type KustoEmulator, startEmulator } from '../../lib';
import { databaseDirectory } from '../../lib/persistence';
import { FILE_MAGIC, frame, readRecords } from '../../lib/persistence/records';
import { kustoIngest, requestProperties, rowsOf, streamOf, useEmulator } from '../support/emulatorFixture';

const { DataFormat } = kustoIngest;
const EXACT = '12345678901234567890.123456789';
/** 31 significant digits, beyond what a double holds. */
const FRACTION = '12345678901234567890123456789';

describe('emulator decimal through azure-kusto-data', () => {
  const fixture = useEmulator();
  const mgmt = (command: string) => fixture.client.executeMgmt('db', command);
  const ingest = (data: string, format: string) =>
    fixture.ingest.ingestFromStream(streamOf(data), { database: 'db', table: 'Money', format: format as never });

  before(async () => {
    await mgmt('.create table Money (Item:string, Amount:decimal)');
    await mgmt('.alter table Money policy streamingingestion enable');
    await ingest(`a,0.1\nb,0.2\nc,${EXACT}\n`, DataFormat.CSV);
    await ingest(
      '{"Item":"d","Amount":"0.30"}\n{"Item":"e","Amount":0.1}\n{"Item":"f","Amount":null}\n',
      DataFormat.JSON,
    );
    await mgmt('.ingest inline into table Money <| g,1e-3');
    // A JSON number with more digits than a double holds: the decimal column keeps them, the others take the double.
    await mgmt('.create table Mixed (D:decimal, R:real, Bag:dynamic, S:string)');
    await mgmt('.alter table Mixed policy streamingingestion enable');
    const long = '0.1000000000000000000001';
    await fixture.ingest.ingestFromStream(streamOf(`{"D":${long},"R":${long},"Bag":{"x":${long}},"S":${long}}`), {
      database: 'db',
      table: 'Mixed',
      format: DataFormat.JSON as never,
    });
  });

  it('reads decimal(0.1) + decimal(0.2) back as "0.3", a decimal column', async () => {
    const response = await fixture.client.execute('db', 'print d = decimal(0.1) + decimal(0.2), r = 0.1 + 0.2');
    expect(response.primaryResults[0].columns.map((c) => c.type)).to.deep.equal(['decimal', 'real']);
    expect(rowsOf(response)).to.deep.equal([{ d: '0.3', r: 0.30000000000000004 }]);
    const v1 = await fixture.client.executeQueryV1('db', 'print d = decimal(0.1) + decimal(0.2)');
    expect(rowsOf(v1)).to.deep.equal([{ d: '0.3' }]);
  });

  it('keeps ingested CSV, JSON and inline decimals exact, and sums them exactly', async () => {
    const rows = rowsOf(await fixture.client.execute('db', 'Money | order by Item asc'));
    expect(rows).to.deep.equal([
      { Item: 'a', Amount: '0.1' },
      { Item: 'b', Amount: '0.2' },
      { Item: 'c', Amount: EXACT },
      { Item: 'd', Amount: '0.3' },
      { Item: 'e', Amount: '0.1' },
      { Item: 'f', Amount: null },
      { Item: 'g', Amount: '0.001' },
    ]);
    const sums = rowsOf(
      await fixture.client.execute(
        'db',
        `Money | where Item != 'c' | summarize s = sum(Amount), n = countif(Amount == decimal(0.1) + decimal(0.2)),
                 mx = max(Amount), a = avg(Amount)`,
      ),
    );
    expect(sums).to.deep.equal([{ s: '0.701', n: 1, mx: '0.3', a: '0.1402' }]);
  });

  it('keeps every digit of a JSON number in a decimal column, and the double elsewhere', async () => {
    const rows = rowsOf(await fixture.client.execute('db', 'Mixed | extend x = todecimal(Bag.x)'));
    expect(rows).to.deep.equal([{ D: '0.1000000000000000000001', R: 0.1, Bag: { x: 0.1 }, S: '0.1', x: '0.1' }]);
  });

  it('binds a decimal query parameter exactly', async () => {
    const response = await fixture.client.execute(
      'db',
      'declare query_parameters(p:decimal); Money | where Amount == p + decimal(0.2) | project Item',
      requestProperties({}, { p: '0.1' }),
    );
    expect(rowsOf(response)).to.deep.equal([{ Item: 'd' }]);
  });
});

describe('emulator decimal storage', () => {
  let dataDir: string;
  let warnings: string[];
  const open: { emulator: KustoEmulator; client: Client }[] = [];

  async function start(compactionBytes?: number): Promise<{ emulator: KustoEmulator; client: Client }> {
    const emulator = await startEmulator({
      dataDir,
      databases: ['db'],
      compactionBytes,
      onWarning: (m) => warnings.push(m),
    });
    const started = { emulator, client: new Client(emulator.connectionString('db')) };
    open.push(started);
    return started;
  }

  async function stop(started: { emulator: KustoEmulator; client: Client }): Promise<void> {
    started.client.close();
    await started.emulator.close();
    open.splice(open.indexOf(started), 1);
  }

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-emulator-decimal-'));
    warnings = [];
  });

  afterEach(async () => {
    for (const started of open.splice(0)) {
      started.client.close();
      await started.emulator.close().catch(() => undefined);
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const amounts = async (client: Client): Promise<unknown[]> =>
    rowsOf(await client.execute('db', 'T | order by i asc | project d')).map((r) => r.d);

  it('keeps decimals exact across a restart, in the log and in a snapshot', async () => {
    const first = await start(2048);
    await first.client.executeMgmt('db', '.create table T (i:long, d:decimal)');
    await first.client.executeMgmt(
      'db',
      `.ingest inline into table T <|\n1,0.1\n2,${EXACT}\n3,\n4,-0.000000000000000000001`,
    );
    await first.client.executeMgmt('db', '.set-or-append T <| print i = 5, d = decimal(0.1) + decimal(0.2)');
    // Enough further appends that the log is compacted into a snapshot.
    for (let i = 6; i < 40; i++)
      await first.client.executeMgmt('db', `.ingest inline into table T <| ${i},${i}.${FRACTION}`);
    const before = await amounts(first.client);
    expect(before.slice(0, 6)).to.deep.equal(['0.1', EXACT, null, '-0.000000000000000000001', '0.3', `6.${FRACTION}`]);
    await stop(first);
    const files = await fs.readdir(databaseDirectory(dataDir, 'db'));
    expect(
      files.some((f) => /^snapshot-\d+$/.test(f)),
      files.join(', '),
    ).to.equal(true);
    const second = await start();
    expect(await amounts(second.client)).to.deep.equal(before);
  });

  it('reads a log written when decimals were doubles (JSON numbers) as their shortest digits', async () => {
    const first = await start();
    await first.client.executeMgmt('db', '.create table T (i:long, d:decimal)');
    await first.client.executeMgmt('db', '.ingest inline into table T <|\n1,0.1\n2,2.5\n3,');
    await stop(first);
    // Rewrite the log as the emulator wrote it before: the decimal column as JSON numbers.
    const dir = databaseDirectory(dataDir, 'db');
    const log = path.join(dir, (await fs.readdir(dir)).find((f) => /^log-\d+$/.test(f)) as string);
    const { records } = readRecords(await fs.readFile(log));
    const frames = records.map((record) => {
      if (record.k !== 'X') return frame(JSON.stringify(record));
      const { body, ...header } = record;
      const columns = JSON.parse((body as Buffer).toString('utf8')) as unknown[][];
      const d = header.types.indexOf('decimal');
      if (d >= 0) columns[d] = columns[d].map((v) => (v === null ? null : Number(v)));
      return frame(`${JSON.stringify(header)}\n${JSON.stringify(columns)}`);
    });
    const rewritten = Buffer.concat([FILE_MAGIC, ...frames]);
    expect(rewritten.toString('utf8')).to.contain('[0.1,2.5,null]');
    await fs.writeFile(log, rewritten);
    const second = await start();
    expect(await amounts(second.client)).to.deep.equal(['0.1', '2.5', null]);
    const sum = rowsOf(await second.client.execute('db', 'T | summarize s = sum(d) + decimal(0.2)'));
    expect(sum).to.deep.equal([{ s: '2.8' }]);
  });

  it('migrates a database file of the earlier one-file format with decimals as JSON numbers', async () => {
    const legacy = {
      format: 'kusto-emulator-database',
      version: 1,
      name: 'Old',
      id: '0b3c7ab5-7bd9-4f62-9d5c-9d9f2c6d3a10',
      policies: {},
      functions: [],
      tables: [
        {
          name: 'T',
          columns: [
            { name: 'i', type: 'long' },
            { name: 'd', type: 'decimal' },
          ],
          policies: {},
          mappings: [],
          extents: [
            {
              ingestionTime: '638000000000000000',
              tags: [],
              rows: [
                ['1', 0.1],
                ['2', null],
              ],
            },
          ],
        },
      ],
    };
    await fs.writeFile(path.join(dataDir, 'old.kustodb.json'), JSON.stringify(legacy));
    const { client } = await start();
    const rows = rowsOf(await client.execute('Old', 'T | order by i asc | project d, e = d + decimal(0.2)'));
    expect(rows).to.deep.equal([
      { d: '0.1', e: '0.3' },
      { d: null, e: null },
    ]);
    expect(warnings.join('\n')).to.contain('migrated');
  });
});
