import { expect } from 'chai';
import { database, run, schemaOf, expectNotSupported } from './fixtures/database';

// bag-unpack-plugin.md, pivot-plugin.md, narrowplugin.md: the published examples and their results (the pivot and
// narrow examples run on StormEvents and .show diagnostics: the data here has their shape); other plugins are refused
// by name.
describe('KQL evaluate bag_unpack, pivot, narrow', () => {
  const db = database('Docs', []);
  const people = `datatable(d:dynamic) [
    dynamic({"Name": "John", "Age":20}), dynamic({"Name": "Dave", "Age":40}), dynamic({"Name": "Jasmine", "Age":30})]`;

  it('unpacks each slot into a column, sorted by name, typed by its values (the reference)', () => {
    const result = run(db, `${people} | evaluate bag_unpack(d)`);
    expect(schemaOf(result)).to.deep.equal(['Age:long', 'Name:string']);
    expect(result.rows).to.deep.equal([
      [20n, 'John'],
      [40n, 'Dave'],
      [30n, 'Jasmine'],
    ]);
  });

  it('prefixes the column names with OutputColumnPrefix (the reference)', () => {
    const result = run(db, `${people} | evaluate bag_unpack(d, 'Property_')`);
    expect(schemaOf(result)).to.deep.equal(['Property_Age:long', 'Property_Name:string']);
  });

  it('leaves a slot missing from a bag null (the reference: Height)', () => {
    const result = run(
      db,
      `datatable(d:dynamic) [dynamic({"Name": "John", "Age":20}), dynamic({ "Name": "Dave", "Height": 170, "Age":40}), dynamic({"Name": "Jasmine", "Age":30})]
       | evaluate bag_unpack(d)`,
    );
    expect(schemaOf(result)).to.deep.equal(['Age:long', 'Height:long', 'Name:string']);
    expect(result.rows).to.deep.equal([
      [20n, null, 'John'],
      [40n, 170n, 'Dave'],
      [30n, null, 'Jasmine'],
    ]);
  });

  it("replaces a same-named source column with columnsConflict='replace_source' (the reference)", () => {
    const result = run(
      db,
      `datatable(Name:string, d:dynamic) ['Old_name', dynamic({"Name": "John", "Age":20}), 'Old_name', dynamic({"Name": "Dave", "Age":40})]
       | evaluate bag_unpack(d, columnsConflict='replace_source')`,
    );
    expect(schemaOf(result)).to.deep.equal(['Age:long', 'Name:string']);
    expect(result.rows).to.deep.equal([
      [20n, 'John'],
      [40n, 'Dave'],
    ]);
  });

  it('returns the output schema, after the input columns with * (the reference)', () => {
    const result = run(
      db,
      `datatable(d:dynamic, Description: string) [
        dynamic({"Name": "John", "Age":20, "height":180}), "Student",
        dynamic({"Name": "Dave", "Age":40, "height":160}), "Teacher",
        dynamic({"Name": "Jasmine", "Age":30, "height":172}), "Student"]
      | evaluate bag_unpack(d) : (*, Name:string, Age:long)`,
    );
    expect(schemaOf(result)).to.deep.equal(['Description:string', 'Name:string', 'Age:long']);
    expect(result.rows).to.deep.equal([
      ['Student', 'John', 20n],
      ['Teacher', 'Dave', 40n],
      ['Student', 'Jasmine', 30n],
    ]);
    const after = run(db, `${people} | evaluate bag_unpack(d) : (Name:string, Age:long) | summarize sum(Age)`);
    expect(after.rows).to.deep.equal([[90n]]);
  });

  const storms = `datatable(State:string, EventType:string, Source:string, DeathsDirect:int) [
    "ARKANSAS", "Heavy Rain", "Emergency Manager", 1, "ARIZONA", "Lightning", "Newspaper", 1,
    "ARIZONA", "Flash Flood", "Trained Spotter", 2, "ARIZONA", "Flash Flood", "Broadcast Media", 3,
    "ARKANSAS", "Heat", "Newspaper", 3, "ARIZONA", "Flash Flood", "Newspaper", 1]`;

  it('pivot: counts per remaining column and pivot value, 0 where none (the reference)', () => {
    const result = run(db, `${storms} | project State, EventType | evaluate pivot(State)`);
    expect(schemaOf(result)).to.deep.equal(['EventType:string', 'ARKANSAS:long', 'ARIZONA:long']);
    expect(result.rows).to.deep.equal([
      ['Heavy Rain', 1n, 0n],
      ['Lightning', 0n, 1n],
      ['Flash Flood', 0n, 3n],
      ['Heat', 1n, 0n],
    ]);
  });

  it('pivot with an aggregation and columns: the aggregated column leaves the keys (the reference)', () => {
    const expected = [
      ['Heavy Rain', 1n, 0n],
      ['Lightning', 0n, 1n],
      ['Flash Flood', 0n, 6n],
      ['Heat', 3n, 0n],
    ];
    const bySum = run(
      db,
      `${storms} | project State, EventType, DeathsDirect | evaluate pivot(State, sum(DeathsDirect))`,
    );
    expect(schemaOf(bySum)).to.deep.equal(['EventType:string', 'ARKANSAS:long', 'ARIZONA:long']);
    expect(bySum.rows).to.deep.equal(expected);
    expect(run(db, `${storms} | evaluate pivot(State, sum(DeathsDirect), EventType)`).rows).to.deep.equal(expected);
    const two = run(db, `${storms} | evaluate pivot(State, sum(DeathsDirect), EventType, Source)`);
    expect(schemaOf(two)).to.deep.equal(['EventType:string', 'Source:string', 'ARKANSAS:long', 'ARIZONA:long']);
    expect(two.rows).to.deep.include.members([
      ['Flash Flood', 'Trained Spotter', 0n, 2n],
      ['Flash Flood', 'Broadcast Media', 0n, 3n],
      ['Heat', 'Newspaper', 3n, 0n],
    ]);
    expect(two.rows).to.have.length(6);
  });

  it('pivot with an output schema returns its columns, a pivot value it names without rows holding 0 (the reference)', () => {
    const result = run(
      db,
      `${storms} | project State, EventType | evaluate pivot(State): (EventType:string, ARIZONA:long, ALASKA:long)`,
    );
    expect(schemaOf(result)).to.deep.equal(['EventType:string', 'ARIZONA:long', 'ALASKA:long']);
    expect(result.rows).to.deep.equal([
      ['Heavy Rain', 0n, 0n],
      ['Lightning', 1n, 0n],
      ['Flash Flood', 3n, 0n],
      ['Heat', 0n, 0n],
    ]);
  });

  it('narrow: Row (from 0), Column and Value as a string, per row and column (the reference)', () => {
    const result = run(
      db,
      `datatable(MachinesTotal:long, BuildVersion:string, ProductVersion:string)[2, "1.0.6281.19882", "KustoRelease-2017.03.13.2"] | evaluate narrow()`,
    );
    expect(schemaOf(result)).to.deep.equal(['Row:long', 'Column:string', 'Value:string']);
    expect(result.rows).to.deep.equal([
      [0n, 'MachinesTotal', '2'],
      [0n, 'BuildVersion', '1.0.6281.19882'],
      [0n, 'ProductVersion', 'KustoRelease-2017.03.13.2'],
    ]);
  });

  it('refuses an operator after a data-dependent schema, keep_source, and the other plugins by name', () => {
    expectNotSupported(db, `${people} | evaluate bag_unpack(d) | project Name`, /without an output schema followed/);
    expectNotSupported(db, `${people} | evaluate bag_unpack(d, columnsConflict='keep_source')`, /keep_source/);
    expectNotSupported(
      db,
      `datatable(s:string)["a"] | evaluate pivot(s) | count`,
      /'evaluate pivot' without an output/,
    );
    expectNotSupported(db, `print b = true | evaluate narrow()`, /narrow\(\) of the bool column 'b'/);
    expectNotSupported(db, `print x = 1 | evaluate autocluster()`, /evaluate plugin 'autocluster'/);
  });
});
