import { expect } from 'chai';
import { MAX_DYNAMIC_DEPTH, MAX_QUERY_NESTING, MAX_QUERY_TEXT_LENGTH } from '../../lib/limits';
import { failure, kustoIngest, requestProperties, rowsOf, streamOf, useEmulator } from '../support/emulatorFixture';
import { seededRandom, stillServing } from './support';

const { DataFormat } = kustoIngest;

/** JSON text of arrays nested `depth` levels around a number. */
function nested(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** The nesting depth of a value read back. */
function depthOf(value: unknown): number {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth++;
  return depth;
}

describe('limits: dynamic nesting and query shape', () => {
  const fixture = useEmulator();
  const mgmt = (command: string) => fixture.client.executeMgmt('db', command);
  const query = (text: string, parameters: Record<string, unknown> = {}) =>
    fixture.client.execute('db', text, requestProperties({}, parameters));
  const csv = (depth: number) => `1,"${nested(depth)}"\n`;
  const ingest = (data: string, format: string) =>
    fixture.ingest.ingestFromStream(streamOf(data), { database: 'db', table: 'Deep', format: format as never });
  const count = async () => rowsOf(await query('Deep | count'))[0].Count;

  beforeEach(async () => {
    await mgmt('.drop tables (Deep, DeepCopy) ifexists');
    await mgmt('.create table Deep (Id:long, D:dynamic)');
    await mgmt('.alter table Deep policy streamingingestion enable');
  });

  it('refuses the 6000-level CSV value, ingesting nothing, and keeps serving', async () => {
    const f = await failure(ingest(`2,"[1]"\n${csv(6000)}`, DataFormat.CSV));
    expect(f.status).to.equal(400);
    expect(f.error.message).to.match(/row 2, column 'D'.*nested deeper than 512 levels/);
    expect(await count()).to.equal(0);
    await stillServing(fixture.client);
  });

  it('holds every ingestion path and parse_json to the same depth, whatever depth is sent', async () => {
    const random = seededRandom('dynamic depths');
    for (let k = 0; k < 6; k++) {
      const depth =
        random.next() < 0.5 ? random.int(1, MAX_DYNAMIC_DEPTH - 1) : random.int(MAX_DYNAMIC_DEPTH + 1, 20_000);
      const ok = depth <= MAX_DYNAMIC_DEPTH - 1;
      const before = Number(await count());
      const paths: [string, () => Promise<unknown>][] = [
        ['csv', () => ingest(csv(depth), DataFormat.CSV)],
        ['tsv', () => ingest(`1\t${nested(depth)}\n`, DataFormat.TSV)],
        ['json', () => ingest(`{"Id":1,"D":${nested(depth)}}\n`, DataFormat.JSON)],
        ['.ingest inline', () => mgmt(`.ingest inline into table Deep with (format='psv') <| 1|${nested(depth)}`)],
      ];
      for (const [name, send] of paths) {
        if (ok) await send();
        else expect((await failure(send())).status, `${name} at depth ${depth}`).to.equal(400);
      }
      expect(Number(await count()), `depth ${depth}`).to.equal(before + (ok ? paths.length : 0));
      const parsed = query('declare query_parameters(t:string); print d = parse_json(t)', { t: nested(depth) });
      if (ok) expect(depthOf(rowsOf(await parsed)[0].d)).to.equal(depth);
      else expect((await failure(parsed)).error.message).to.match(/nested deeper than 512 levels/);
    }
    // What was accepted is answered: the values serialise at the deepest depth allowed.
    await ingest(csv(MAX_DYNAMIC_DEPTH - 1), DataFormat.CSV);
    const rows = rowsOf(await query('Deep | project D'));
    expect(Math.max(...rows.map((r) => depthOf(r.D)))).to.equal(MAX_DYNAMIC_DEPTH - 1);
  });

  it('refuses a .set-or-append whose query built values deeper than ingestion accepts', async () => {
    const base = MAX_DYNAMIC_DEPTH - 8;
    const levels = (n: number) =>
      Array.from({ length: n }, (_, i) => `| summarize d${i + 1} = make_list(d${i})`).join(' ');
    const text = (n: number) =>
      `.set-or-append DeepCopy <| print d0 = parse_json('${nested(base)}') ${levels(n)} | project D = d${n}`;
    await mgmt(text(4));
    const f = await failure(mgmt(text(12)));
    expect(f.status).to.equal(400);
    expect(f.error.message).to.match(/column 'D'.*nested deeper than 512 levels/);
    const rows = rowsOf(await query('DeepCopy'));
    expect(rows.map((r) => depthOf(r.D))).to.deep.equal([base + 4]);
  });

  it("refuses the issue's deeply nested queries before parsing them, quickly", async () => {
    await stillServing(fixture.client);
    for (const size of [4 * 1024, 40 * 1024]) {
      const depth = size / 2;
      const started = performance.now();
      const f = await failure(query(`print x = ${'('.repeat(depth)}1${')'.repeat(depth)}`));
      expect(performance.now() - started, `${size} bytes`).to.be.below(500);
      expect(f.status).to.equal(400);
      expect(f.error.message).to.match(/too complex.*deeper than 256 levels/);
    }
    await stillServing(fixture.client);
  });

  it('accepts nesting up to the limit and refuses it past, counting no bracket inside a string', async () => {
    const random = seededRandom('query nesting');
    for (let k = 0; k < 6; k++) {
      const depth = random.int(1, 2 * MAX_QUERY_NESTING);
      const text = (open: string) =>
        `print x = ${open.repeat(depth - 1)}1${')'.repeat(depth - 1)}, s = '${'('.repeat(depth * 3)}'`;
      // The print's own list is not a bracket: `x = (…(1)…)` nests depth - 1 levels.
      if (depth - 1 <= MAX_QUERY_NESTING) expect(rowsOf(await query(text('(')))[0].x, `depth ${depth}`).to.equal(1);
      else expect((await failure(query(text('(')))).error.message).to.match(/too complex/);
      // Nested calls go deeper in Kusto.Language's syntax tree per bracket: past ~100 levels its own depth limit
      // refuses them, past the emulator's limit the emulator does first; either way a 400, and quickly.
      const started = performance.now();
      const calls = query(text('tolong('));
      if (depth - 1 <= 100) expect(rowsOf(await calls)[0].x).to.equal(1);
      else if (depth - 1 > MAX_QUERY_NESTING) expect((await failure(calls)).error.message).to.match(/too complex/);
      else
        await calls.then(
          () => undefined,
          (e: { response?: { status: number } }) => expect(e.response?.status).to.equal(400),
        );
      expect(performance.now() - started).to.be.below(1000);
    }
    const long = await failure(query(`print x = 1 ${'+ 1 '.repeat(MAX_QUERY_TEXT_LENGTH / 4)}`));
    expect(long.status).to.equal(400);
    expect(long.error.message).to.match(/query text is \d+ characters long/);
  });
});
