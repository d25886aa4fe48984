import { expect } from 'chai';
import { MAX_STRING_VALUE_LENGTH } from '../../lib/limits';
import { failure, requestProperties, rowsOf, useEmulator } from '../support/emulatorFixture';
import { seededRandom, stillServing } from './support';

describe('limits: string values and the memory budget of a query', () => {
  const fixture = useEmulator();
  const query = (text: string, options: Record<string, unknown> = {}) =>
    fixture.client.execute('db', text, requestProperties(options));

  it("refuses the issue's strrep query with Kusto's limits error, and keeps serving", async () => {
    // Kusto.Language's first parse (about 2 s) is not the limit's time.
    await stillServing(fixture.client);
    const started = performance.now();
    const f = await failure(
      query("range x from 1 to 100 step 1 | extend s=strrep('abcdefghij', 10000000) | summarize sum(strlen(s))"),
    );
    expect(f.status).to.equal(500);
    expect(f.error.code).to.equal('E_STRING_TOO_LONG');
    expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException');
    expect(f.error.message).to.match(/exceeded the allowed limits \(80DA0001\).*strrep\(\).*100000000 characters/);
    expect(performance.now() - started).to.be.below(2000);
    await stillServing(fixture.client);
  });

  it('holds every string a function produces to the per-value limit, whatever the size asked for', async () => {
    const random = seededRandom('strrep sizes');
    for (let k = 0; k < 8; k++) {
      const unit = 'x'.repeat(random.int(1, 64));
      // Half the cases below the limit, half above it.
      const target =
        random.next() < 0.5
          ? random.int(1, MAX_STRING_VALUE_LENGTH / 4)
          : random.int(MAX_STRING_VALUE_LENGTH + 1, 4 * MAX_STRING_VALUE_LENGTH);
      // strrep refuses a multiplier above its documented 67,108,864 (a BadRequest, not this limit): stay within it.
      const count = Math.min(67_108_864, Math.max(1, Math.floor(target / unit.length)));
      const length = count * unit.length;
      const text = `print n = strlen(strrep('${unit}', ${count}))`;
      if (length <= MAX_STRING_VALUE_LENGTH) {
        expect(rowsOf(await query(text)), text).to.deep.equal([{ n: length }]);
      } else {
        const f = await failure(query(text));
        expect(f.error.code, text).to.equal('E_STRING_TOO_LONG');
      }
    }
    // strcat of values under the limit can still pass it: the limit is on the value, not on one function.
    const big = Math.floor(MAX_STRING_VALUE_LENGTH / 2) + 1;
    const f = await failure(query(`print n = strlen(strcat(strrep('a', ${big}), strrep('b', ${big})))`));
    expect(f.error.code).to.equal('E_STRING_TOO_LONG');
    expect(f.error.message).to.match(/strcat\(\)/);
    await stillServing(fixture.client);
  });

  it('fails a query whose values pass its memory budget with E_LOW_MEMORY_CONDITION, at any budget', async () => {
    const random = seededRandom('memory budgets');
    for (let k = 0; k < 6; k++) {
      const budget = random.int(1, 64) * 1024 * 1024;
      const width = random.int(1000, 100_000);
      // Each string is accounted at two bytes a character: rows for twice the budget fail, for a quarter pass.
      const over = Math.ceil((2 * budget) / (2 * width));
      const under = Math.max(1, Math.floor(budget / 4 / (2 * width + 200)));
      const text = (rows: number) =>
        `range x from 1 to ${rows} step 1 | extend s = strrep('y', ${width}) | summarize n = count(), c = sum(string_size(s))`;
      const options = { max_memory_consumption_per_query_per_node: budget };
      const f = await failure(query(text(over), options));
      expect(f.status, `budget ${budget}, ${over} rows of ${width}`).to.equal(500);
      expect(f.error.code).to.equal('E_LOW_MEMORY_CONDITION');
      expect(f.error.message).to.contain(`memory budget of ${budget} bytes`);
      expect(rowsOf(await query(text(under), options))).to.deep.equal([{ n: under, c: under * width }]);
    }
    // Arrays a function builds count as strings do: eight bytes a slot.
    for (let k = 0; k < 4; k++) {
      const budget = random.int(8, 64) * 1024 * 1024;
      const length = random.int(10_000, 1 << 20);
      const over = Math.ceil((2 * budget) / (8 * length));
      const under = Math.max(1, Math.floor(budget / 4 / (8 * length + 200)));
      const text = (rows: number) =>
        `range x from 1 to ${rows} step 1 | extend a = range(1, ${length}, 1) | summarize n = count(), c = sum(array_length(a))`;
      const options = { max_memory_consumption_per_query_per_node: budget };
      expect((await failure(query(text(over), options))).error.code).to.equal('E_LOW_MEMORY_CONDITION');
      expect(rowsOf(await query(text(under), options))).to.deep.equal([{ n: under, c: under * length }]);
    }
    // So do the values parse_json builds from a text, however they nest: four bytes a character of the text.
    for (let k = 0; k < 3; k++) {
      const budget = random.int(8, 64) * 1024 * 1024;
      const text = (ones: number) =>
        `print n = array_length(parse_json(strcat('[[', strrep('1,', ${ones}), '1]]'))[0])`;
      expect(
        (await failure(query(text(budget / 8), { max_memory_consumption_per_query_per_node: budget }))).error.code,
      ).to.equal('E_LOW_MEMORY_CONDITION');
      const under = Math.floor(budget / 64);
      expect(rowsOf(await query(text(under), { max_memory_consumption_per_query_per_node: budget }))).to.deep.equal([
        { n: under + 1 },
      ]);
    }
    // A set statement lowers the budget as the request option does.
    const f = await failure(
      query(
        "set maxmemoryconsumptionperiterator=1048576; range x from 1 to 100 step 1 | extend s = strrep('z', 100000)",
      ),
    );
    expect(f.error.code).to.equal('E_LOW_MEMORY_CONDITION');
    await stillServing(fixture.client);
  });

  it('fails at the default budget before the heap is exhausted', async () => {
    // 100 values of 30M characters: each under the per-value limit, together far past the default budget.
    const f = await failure(
      query("range x from 1 to 100 step 1 | extend s=strrep('abcdefghij', 3000000) | summarize sum(strlen(s))"),
    );
    expect(f.error.code).to.equal('E_LOW_MEMORY_CONDITION');
    await stillServing(fixture.client);
  });

  it('holds queries running side by side to one budget together', async () => {
    // Each accounts 40 values of 20M characters (1.6 GB), under the default budget alone; the join keeps the first
    // running (a second or so) while the second starts.
    const text =
      "range x from 1 to 40 step 1 | extend s = strrep('ab', 10000000) | join kind=inner (range y from 1 to 200000 step 1 | extend x = y % 40 + 1) on x | count";
    const first = query(text);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const f = await failure(query(text));
    expect(f.error.code).to.equal('E_LOW_MEMORY_CONDITION');
    expect(f.error.message).to.match(/the queries running now hold more than/);
    expect(rowsOf(await first)).to.deep.equal([{ Count: 200000 }]);
    // Once the first has ended, its bytes are no longer counted.
    expect(rowsOf(await query(text))).to.deep.equal([{ Count: 200000 }]);
  });

  it('refuses a budget that is not a positive number of bytes', async () => {
    const f = await failure(query('print 1', { max_memory_consumption_per_query_per_node: 'lots' }));
    expect(f.status).to.equal(400);
    expect(f.error.message).to.match(/max_memory_consumption_per_query_per_node/);
  });
});
