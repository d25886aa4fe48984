import { expect } from 'chai';
import { database, run, schemaOf, expectNotSupported, ticks } from './fixtures/database';

// top-nested-operator.md: examples and the results the reference publishes; rows compared in a fixed order, since
// the reference promises none.
describe('KQL top-nested', () => {
  const db = database('Docs', []);
  const sales = `datatable(Region: string, Person: string, Amount: long) [
    "east", "ann", 10, "east", "bob", 30, "east", "ann", 5, "east", "cy", 1,
    "west", "dan", 7, "west", "eve", 8, "west", "dan", 2,
    "north", "fay", 4]`;
  const sorted = (rows: unknown[][]): unknown[][] => [...rows].sort((a, b) => (String(a) < String(b) ? -1 : 1));

  it('keeps the latest records per identity with other column data (the reference example)', () => {
    const result = run(
      db,
      `datatable(id: string, timestamp: datetime, otherInformation: string) [
        "Barak", datetime(2015-01-01), "1", "Barak", datetime(2016-01-01), "2", "Barak", datetime(2017-01-20), "3",
        "Donald", datetime(2017-01-20), "4", "Donald", datetime(2017-01-18), "5", "Donald", datetime(2017-01-19), "6"]
      | top-nested of id by Ignore0=max(1),
        top-nested 2 of timestamp by Ignore1=max(timestamp),
        top-nested of otherInformation by Ignore2=max(1)
      | project-away Ignore0, Ignore1, Ignore2`,
    );
    expect(schemaOf(result)).to.deep.equal(['id:string', 'timestamp:datetime', 'otherInformation:string']);
    expect(sorted(result.rows)).to.deep.equal(
      sorted([
        ['Barak', ticks('2016-01-01T00:00:00Z'), '2'],
        ['Donald', ticks('2017-01-19T00:00:00Z'), '6'],
        ['Barak', ticks('2017-01-20T00:00:00Z'), '3'],
        ['Donald', ticks('2017-01-20T00:00:00Z'), '4'],
      ]),
    );
  });

  it('names two columns per clause, the value and aggregated_<Expr>, and keeps the top N of each level', () => {
    const result = run(db, `${sales} | top-nested 2 of Region by sum(Amount), top-nested 1 of Person by sum(Amount)`);
    expect(schemaOf(result)).to.deep.equal([
      'Region:string',
      'aggregated_Region:long',
      'Person:string',
      'aggregated_Person:long',
    ]);
    expect(result.rows).to.deep.equal([
      ['east', 46n, 'bob', 30n],
      ['west', 17n, 'dan', 9n],
    ]);
  });

  it('orders ascending with asc, returns every value without N, and takes names and expressions', () => {
    const result = run(db, `${sales} | top-nested of R=toupper(Region) by Total=sum(Amount) asc`);
    expect(schemaOf(result)).to.deep.equal(['R:string', 'Total:long']);
    expect(result.rows).to.deep.equal([
      ['NORTH', 4n],
      ['WEST', 17n],
      ['EAST', 46n],
    ]);
  });

  it('adds one row aggregating the rest with others = (the reference: one record per level for the others)', () => {
    const result = run(db, `${sales} | top-nested 1 of Region with others = "Others" by sum(Amount)`);
    expect(result.rows).to.deep.equal([
      ['east', 46n],
      ['Others', 21n],
    ]);
    const avg = run(db, `${sales} | top-nested 1 of Region with others = "Others" by avg(Amount)`);
    expect(avg.rows).to.deep.equal([
      ['east', 11.5],
      ['Others', 21 / 4],
    ]);
  });

  it('takes any algebraic combination of aggregations (the reference) and count(), dcount()', () => {
    const result = run(
      db,
      `${sales} | top-nested 3 of Region by Mean=sum(Amount) / count(), top-nested 1 of Person by dcount(Amount)`,
    );
    expect(result.rows).to.deep.equal([
      ['east', 11n, 'ann', 2n],
      ['west', 5n, 'dan', 2n],
      ['north', 4n, 'fay', 1n],
    ]);
  });

  it('with others in several clauses: left-out rows get a row down to the last level, empty where no others (topnestedoperator.md)', () => {
    // The reference's StormEvents example: `KANSAS, 87771.2, , , All Other End Locations, 24891.1` for the sources
    // past the top 3 (no others at that level), `All Other States, 1149279.6, , , All Other End Locations, 1149279.6`.
    const result = run(
      db,
      `datatable(State:string, Source:string, EndLocation:string, V:long) [
        "A", "s1", "e1", 10, "A", "s1", "e2", 5, "A", "s2", "e3", 8, "A", "s3", "e4", 1,
        "B", "s1", "e5", 7, "B", "s4", "e6", 2, "C", "s1", "e7", 3, "D", "s2", "e8", 1]
      | top-nested 2 of State with others = "All Other States" by sum(V),
        top-nested 1 of Source by sum(V),
        top-nested 1 of EndLocation with others = "All Other End Locations" by sum(V)`,
    );
    expect(sorted(result.rows)).to.deep.equal(
      sorted([
        ['A', 24n, 's1', 15n, 'e1', 10n],
        ['A', 24n, 's1', 15n, 'All Other End Locations', 5n],
        ['A', 24n, '', null, 'All Other End Locations', 9n],
        ['B', 9n, 's1', 7n, 'e5', 7n],
        ['B', 9n, '', null, 'All Other End Locations', 2n],
        ['All Other States', 4n, '', null, 'All Other End Locations', 4n],
      ]),
    );
  });

  it('refuses nulls first|last, which the reference does not give top-nested', () => {
    expectNotSupported(db, `${sales} | top-nested 1 of Region by sum(Amount) asc nulls first`, /nulls first\|last/);
  });
});
