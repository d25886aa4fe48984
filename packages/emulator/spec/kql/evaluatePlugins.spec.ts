import { expect } from 'chai';
import { database, run, schemaOf, expectNotSupported } from './fixtures/database';

// bag-unpack-plugin.md: the published examples and their results; other plugins are refused by name.
describe('KQL evaluate bag_unpack', () => {
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

  it('refuses an operator after a data-dependent schema, keep_source, and the other plugins by name', () => {
    expectNotSupported(db, `${people} | evaluate bag_unpack(d) | project Name`, /without an output schema followed/);
    expectNotSupported(db, `${people} | evaluate bag_unpack(d, columnsConflict='keep_source')`, /keep_source/);
    expectNotSupported(db, `datatable(s:string)["a"] | evaluate pivot(s)`, /evaluate plugin 'pivot'/);
    expectNotSupported(db, `datatable(s:string)["a"] | evaluate narrow()`, /evaluate plugin 'narrow'/);
  });
});
