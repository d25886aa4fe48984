import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Value } from '../lib';
import { failure, kustoIngest, streamOf, useEmulator } from './support/emulatorFixture';

const { DataFormat } = kustoIngest;

describe('emulator streaming ingestion', () => {
  const fixture = useEmulator();
  const mgmt = (command: string) => fixture.client.executeMgmt('db', command);
  const rows = (table: string): Value[][] =>
    fixture.emulator.catalog
      .get('db')
      ?.tables.get(table)
      ?.extents.flatMap((e) => e.rows) ?? [];
  const ingest = (table: string, data: string, format: string, mapping?: string) =>
    fixture.ingest.ingestFromStream(streamOf(data), {
      database: 'db',
      table,
      format: format as never,
      ingestionMappingReference: mapping,
    });

  beforeEach(async () => {
    await mgmt('.drop tables (Events, Raw) ifexists');
    await mgmt('.create table Events (Id:long, Name:string, Price:real, At:datetime, Ok:bool, Bag:dynamic)');
    await mgmt('.alter table Events policy streamingingestion enable');
  });

  describe('JSON without a mapping (columns matched by name)', () => {
    it('ingests JSON lines, keeping longs beyond 2^53 exact', async () => {
      await ingest(
        'Events',
        '{"Id": 9007199254740993, "Name": "a", "Price": 1.5, "At": "2024-01-02T03:04:05.1234567Z", "Ok": true, "Bag": {"k": [1, 2]}}\n' +
          '{"Id": -2, "Name": "b", "Extra": 1}\n',
        DataFormat.JSON,
      );
      expect(rows('Events')).to.deep.equal([
        [9007199254740993n, 'a', 1.5, BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 10_000n + 1234567n, true, { k: [1, 2] }],
        [-2n, 'b', null, null, null, null],
      ]);
    });

    it('ingests one object spread over several lines', async () => {
      await ingest('Events', '{\n  "Id": 1,\n  "Name": "pretty"\n}\n', DataFormat.JSON);
      expect(rows('Events')).to.deep.equal([[1n, 'pretty', null, null, null, null]]);
    });

    it('ingests multijson: arrays and objects spanning lines, concatenated', async () => {
      await ingest('Events', '[{"Id": 1}, {"Id": 2}]\n{\n "Id": 3\n}{"Id": 4}', DataFormat.MULTIJSON);
      expect(rows('Events').map((r) => r[0])).to.deep.equal([1n, 2n, 3n, 4n]);
    });
  });

  describe('JSON with a mapping', () => {
    before(async () => {
      await fixture.client.executeMgmt(
        'db',
        '.create table Events (Id:long, Name:string, Price:real, At:datetime, Ok:bool, Bag:dynamic)',
      );
    });

    it('follows nested paths, array indexes, quoted names, constants and transformations', async () => {
      await mgmt(
        `.create table Events ingestion json mapping 'deep' '[` +
          `{"column":"Id","Properties":{"Path":"$.ids[1]"}},` +
          `{"column":"Name","Properties":{"Path":"$.info[\\'full name\\']"}},` +
          `{"column":"Price","Properties":{"Path":"$.info.price.amount"}},` +
          `{"column":"At","Properties":{"Path":"$.epochMs","Transform":"DateTimeFromUnixMilliseconds"}},` +
          `{"column":"Ok","Properties":{"ConstValue":"true"}},` +
          `{"column":"Bag","Properties":{"Path":"$"}}]'`,
      );
      const record = { ids: [7, 8], info: { 'full name': 'Ann', price: { amount: 2.25 } }, epochMs: 1700000000123 };
      await ingest('Events', JSON.stringify(record), DataFormat.JSON, 'deep');
      expect(rows('Events')).to.deep.equal([[8n, 'Ann', 2.25, 1700000000123n * 10_000n, true, record]]);
    });

    it('applies a JSON mapping to multijson records', async () => {
      await mgmt(
        `.create-or-alter table Events ingestion json mapping 'multi' '[{"column":"Id","path":"$.n"},{"column":"Name","path":"$.s"}]'`,
      );
      await ingest(
        'Events',
        '[{"n": 1, "s": "a"},\n {"n": 2, "s": "b"}]\n{"n": 3,\n "s": "c"}',
        DataFormat.MULTIJSON,
        'multi',
      );
      expect(rows('Events').map((r) => r.slice(0, 2))).to.deep.equal([
        [1n, 'a'],
        [2n, 'b'],
        [3n, 'c'],
      ]);
    });

    it('leaves columns empty where a path is missing, and numbers records for SourceLineNumber', async () => {
      await mgmt(
        `.create-or-alter table Events ingestion json mapping 'lines' '[{"column":"Id","Properties":{"Transform":"SourceLineNumber"}},{"column":"Name","path":"$.missing.name"}]'`,
      );
      await ingest('Events', '{"a":1}\n{"a":2}\n', DataFormat.JSON, 'lines');
      expect(rows('Events')).to.deep.equal([
        [1n, '', null, null, null, null],
        [2n, '', null, null, null, null],
      ]);
    });
  });

  describe('delimited formats', () => {
    it('reads CSV by position with RFC 4180 quoting and CRLF line ends; empty cells are null', async () => {
      const csv = '1,"a, with comma",1.5,2024-01-01,true,"{""k"":1}"\r\n2,"multi\nline ""quoted""",,,,\r\n';
      await ingest('Events', csv, DataFormat.CSV);
      expect(rows('Events')).to.deep.equal([
        [1n, 'a, with comma', 1.5, BigInt(Date.UTC(2024, 0, 1)) * 10_000n, true, { k: 1 }],
        [2n, 'multi\nline "quoted"', null, null, null, null],
      ]);
    });

    it('reads TSV and PSV', async () => {
      await ingest('Events', '1\ttab\t2.5\n', DataFormat.TSV);
      await ingest('Events', '2|pipe|3.5\n', DataFormat.PSV);
      expect(rows('Events').map((r) => r.slice(0, 3))).to.deep.equal([
        [1n, 'tab', 2.5],
        [2n, 'pipe', 3.5],
      ]);
    });

    it('maps CSV fields by ordinal, with constants', async () => {
      await mgmt(
        `.create table Events ingestion csv mapping 'byOrdinal' '[{"column":"Name","Properties":{"Ordinal":"2"}},{"column":"Id","Properties":{"Ordinal":"0"}},{"column":"Ok","Properties":{"ConstValue":"false"}}]'`,
      );
      await ingest('Events', '10,ignored,ten\n20,ignored,twenty\n', DataFormat.CSV, 'byOrdinal');
      expect(rows('Events').map((r) => [r[0], r[1], r[4]])).to.deep.equal([
        [10n, 'ten', false],
        [20n, 'twenty', false],
      ]);
    });

    it('applies a CSV mapping to PSV and TSV data', async () => {
      await mgmt(
        `.create-or-alter table Events ingestion csv mapping 'swap' '[{"column":"Id","Ordinal":1},{"column":"Name","Ordinal":0}]'`,
      );
      await ingest('Events', 'x|1\n', DataFormat.PSV, 'swap');
      await ingest('Events', 'y\t2\n', DataFormat.TSV, 'swap');
      expect(rows('Events').map((r) => r.slice(0, 2))).to.deep.equal([
        [1n, 'x'],
        [2n, 'y'],
      ]);
    });

    it('rejects a record with more fields than the table has columns', async () => {
      const f = await failure(ingest('Events', '1,a,1,2024-01-01,true,{},extra\n', DataFormat.CSV));
      expect(f.status).to.equal(400);
      expect(f.error['@message']).to.contain('row 1').and.to.contain('7 fields');
      expect(rows('Events')).to.deep.equal([]);
    });
  });

  describe('failures', () => {
    it('fails the whole request on a value that does not convert, naming row, column and value, and appends nothing', async () => {
      const f = await failure(ingest('Events', '{"Id":1}\n{"Id":2}\n{"Id":"three"}\n{"Id":4}\n', DataFormat.JSON));
      expect(f.status).to.equal(400);
      expect(f.error['@message']).to.contain('row 3').and.to.contain("column 'Id'").and.to.contain('"three"');
      expect(f.error['@permanent']).to.equal(true);
      expect(rows('Events')).to.deep.equal([]);
    });

    it('names the CSV cell that does not convert', async () => {
      const f = await failure(ingest('Events', '1,a,1.5\n2,b,cheap\n', DataFormat.CSV));
      expect(f.error['@message']).to.contain('row 2').and.to.contain("column 'Price'").and.to.contain('"cheap"');
      expect(rows('Events')).to.deep.equal([]);
    });

    it('reports a missing table as not found (no auto-creation)', async () => {
      const f = await failure(ingest('Nope', '{"Id":1}', DataFormat.JSON));
      expect(f.status).to.equal(400);
      expect(f.error.code).to.equal('BadRequest_EntityNotFound');
      expect(f.error['@message']).to.contain("'Nope'");
      expect(fixture.emulator.catalog.get('db')?.tables.has('Nope')).to.equal(false);
    });

    it('reports a missing mapping by name and kind', async () => {
      const f = await failure(ingest('Events', '{"Id":1}', DataFormat.JSON, 'noSuchMapping'));
      expect(f.error.code).to.equal('BadRequest_MappingReferenceWasNotFound');
      expect(f.error['@message']).to.contain("'noSuchMapping'").and.to.contain('Json');
    });

    it('reports a mapping whose column the table no longer has', async () => {
      await mgmt(`.create table Events ingestion json mapping 'old' '[{"column":"Name","path":"$.n"}]'`);
      await mgmt('.alter table Events (Id:long)');
      const f = await failure(ingest('Events', '{"n":"x"}', DataFormat.JSON, 'old'));
      expect(f.error['@message']).to.contain("mapping 'old'").and.to.contain("column 'Name'");
    });

    it('reports invalid JSON with the record number', async () => {
      const f = await failure(ingest('Events', '{"Id":1}\n{"Id":', DataFormat.JSON));
      expect(f.error['@message']).to.contain('record 2');
    });

    it('rejects formats it cannot read', async () => {
      const f = await failure(ingest('Events', 'x', DataFormat.PARQUET));
      expect(f.error.code).to.equal('BadRequest_NotSupported');
      expect(f.error['@message']).to.contain('parquet');
    });
  });

  describe('transport', () => {
    it('records the ingestion time of each request as its extent', async () => {
      const before = BigInt(Date.now()) * 10_000n;
      await ingest('Events', '{"Id":1}', DataFormat.JSON);
      await ingest('Events', '{"Id":2}', DataFormat.JSON);
      const after = BigInt(Date.now()) * 10_000n;
      const extents = fixture.emulator.catalog.get('db')?.tables.get('Events')?.extents ?? [];
      expect(extents).to.have.length(2);
      for (const extent of extents) {
        expect(extent.ingestionTime >= before && extent.ingestionTime <= after).to.equal(true);
      }
    });

    it('accepts plain, gzip and deflate bodies over raw HTTP and answers with the records consumed', async () => {
      const url = `${fixture.emulator.url}/v1/rest/ingest/db/Events?streamFormat=csv`;
      // The content type the official client sends (the emulator takes no other for streaming ingestion).
      const type = { 'Content-Type': 'application/octet-stream' };
      const plain = await fetch(url, { method: 'POST', body: '1\n', headers: type });
      const gzip = await fetch(url, {
        method: 'POST',
        body: zlib.gzipSync('2\n3\n'),
        headers: { 'Content-Encoding': 'gzip', ...type },
      });
      const deflate = await fetch(url, {
        method: 'POST',
        body: zlib.deflateSync('4\n'),
        headers: { 'Content-Encoding': 'deflate', ...type },
      });
      expect([plain.status, gzip.status, deflate.status]).to.deep.equal([200, 200, 200]);
      const body = (await gzip.json()) as { Tables: { Rows: unknown[][] }[] };
      expect(body.Tables[0].Rows[0][0]).to.equal(2);
      expect(rows('Events').map((r) => r[0])).to.deep.equal([1n, 2n, 3n, 4n]);
      const bad = await fetch(url, {
        method: 'POST',
        body: 'not gzip',
        headers: { 'Content-Encoding': 'gzip', ...type },
      });
      expect(bad.status).to.equal(400);
    });

    it('ingests a file through ingestFromFile', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-emulator-'));
      try {
        const file = path.join(dir, 'events.csv');
        await fs.writeFile(file, '5,from file\n');
        await fixture.ingest.ingestFromFile(file, { database: 'db', table: 'Events', format: DataFormat.CSV });
        expect(rows('Events').map((r) => r.slice(0, 2))).to.deep.equal([[5n, 'from file']]);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
});
