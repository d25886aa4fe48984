import { expect } from 'chai';
import { column, database, run, table } from './fixtures/database';

// Functions and aggregations the README's table calls supported that had no spec under spec/kql: the examples and
// outputs of their reference pages (MicrosoftDocs/dataexplorer-docs, data-explorer/kusto/query/<name>-function.md,
// <name>-aggregation-function.md), run as published. A deprecated alias runs its function's published example (the
// page lists it under "Deprecated aliases"). Kusto prints reals with 15 to 17 digits: compared within 1e-12.
describe('emulator functions and aggregations of the constructs table (documented examples)', () => {
  const db = database('Docs', [
    table('StormEvents', 'State:string, EventType:string', [
      ['TEXAS', 'Hail'],
      ['TEXAS', 'Flood'],
      ['TEXAS', 'Hail'],
      ['KANSAS', 'Hail'],
    ]),
  ]);
  const one = (query: string): unknown => run(db, query).rows[0][0];
  const row = (query: string): unknown[] => run(db, query).rows[0];

  it('computes the trigonometric functions as their pages print them', () => {
    // acos-function: the inverse of cos; null outside [-1, 1].
    expect(one('print acos(cos(0.5))')).to.be.closeTo(0.5, 1e-12);
    expect(one('print acos(2)')).to.equal(null);
    // asin-function: asin(0.5) (the page prints 1.2532358975033751 under the same query text; the arc sine of 0.5
    // is pi/6, as its definition and sin() give); null outside [-1, 1].
    expect(one('print asin(0.5)')).to.be.closeTo(Math.PI / 6, 1e-12);
    expect(one('print asin(-2)')).to.equal(null);
    expect(one('print atan(0.5)')).to.be.closeTo(0.46364760900080609, 1e-12); // atan-function
    const atan2 = row('print atan2_0 = atan2(1,1) | extend atan2_1 = atan2(0,-1) | extend atan2_2 = atan2(-1,0)');
    expect(atan2[0]).to.be.closeTo(0.785398163397448, 1e-12); // atan2-function
    expect(atan2[1]).to.be.closeTo(3.14159265358979, 1e-12);
    expect(atan2[2]).to.be.closeTo(-1.5707963267949, 1e-12);
    expect(one('print cos(1)')).to.be.closeTo(0.54030230586813977, 1e-12); // cos-function
    expect(one('print cot(1)')).to.be.closeTo(0.64209261593433065, 1e-12); // cot-function
    expect(one('print sin(1)')).to.be.closeTo(0.841470984807897, 1e-12); // sin-function
    expect(one('print tan(1)')).to.be.closeTo(Math.sin(1) / Math.cos(1), 1e-12); // tan-function: tan(x)
    expect(one('print pi()')).to.be.closeTo(3.1415926, 1e-7); // pi-function: 3.1415926...
  });

  it('converts between degrees and radians (degrees-function, radians-function)', () => {
    const degrees = row('print degrees0 = degrees(pi()/4), degrees1 = degrees(pi()*1.5), degrees2 = degrees(0)');
    expect(degrees[0]).to.be.closeTo(45, 1e-12);
    expect(degrees[1]).to.be.closeTo(270, 1e-12);
    expect(degrees[2]).to.equal(0);
    const radians = row('print radians0 = radians(90), radians1 = radians(180), radians2 = radians(360)');
    expect(radians[0]).to.be.closeTo(1.5707963267949, 1e-12);
    expect(radians[1]).to.be.closeTo(3.14159265358979, 1e-12);
    expect(radians[2]).to.be.closeTo(6.28318530717959, 1e-12);
  });

  it('raises 2 to the power x (exp2-function)', () => {
    expect(row('print exp2(3), exp2(0), exp2(-1)')).to.deep.equal([8, 1, 0.5]);
  });

  it('hashes as the hash pages print (hash-md5-function, hash-sha1-function)', () => {
    expect(row('print h1=hash_md5("World"), h2=hash_md5(datetime(2020-01-01))')).to.deep.equal([
      'f5a7924e621e84c9280a9a27e1bcb7f6',
      '786c530672d1f8db31fee25ea8a9390b',
    ]);
    expect(row('print h1=hash_sha1("World"), h2=hash_sha1(datetime(2020-01-01))')).to.deep.equal([
      '70c07ec18ef89c5309bbb0937f3a6342411e1fdd',
      'e903e533f4d636b4fc0dcf3cf81e7b7f330de776',
    ]);
  });

  it('measures strings and URLs (string-size-function, url-decode-function, isascii)', () => {
    expect(one('print size = string_size("hello")')).to.equal(5n);
    expect(one('print size = string_size("⒦⒰⒮⒯⒪")')).to.equal(15n);
    expect(
      row("let url = @'https%3a%2f%2fwww.bing.com%2f'; print original = url, decoded = url_decode(url)"),
    ).to.deep.equal(['https%3a%2f%2fwww.bing.com%2f', 'https://www.bing.com/']);
    expect(row('print isascii("Kusto"), isascii("Kustö")')).to.deep.equal([true, false]);
  });

  it('sums an array (array-sum-function) and counts it with the arraylength alias (array-length-function)', () => {
    expect(row('print arr=dynamic([1,2,3,4]) | extend arr_sum=array_sum(arr)')).to.deep.equal([[1, 2, 3, 4], 10]);
    expect(one('print arraylength(dynamic([1, 2, 3, "four"]))')).to.equal(4n);
  });

  it("runs the deprecated aliases on their functions' examples", () => {
    // strcat-array-function, through array_strcat.
    expect(one('print str = array_strcat(dynamic([1, 2, 3]), "->")')).to.equal('1->2->3');
    // datetime-part-function, through datepart.
    expect(
      row(`let dt = datetime(2017-10-30 01:02:03.7654321);
        print year = datepart("year", dt), quarter = datepart("quarter", dt), month = datepart("month", dt),
          day = datepart("day", dt), hour = datepart("hour", dt), nanosecond = datepart("nanosecond", dt)`),
    ).to.deep.equal([2017, 4, 10, 30, 1, 765432100]);
    // week-of-year-function's table, through weekofyear.
    expect(
      row(`print weekofyear(datetime(2020-12-31)), weekofyear(datetime(2020-06-15)),
        weekofyear(datetime(1970-01-01)), weekofyear(datetime(2000-01-01))`),
    ).to.deep.equal([53, 25, 1, 52]);
    // extract-all-function's first example, through extractall.
    expect(
      one('print Id="82b8be2d-dfa7-4bd1-8f63-24ad26d31449" | extend b = extractall(@"([\\da-f]{2})", Id) | project b'),
    ).to.deep.equal(['82', 'b8', 'be', '2d', 'df', 'a7', '4b', 'd1', '8f', '63', '24', 'ad', '26', 'd3', '14', '49']);
    // isnotempty-function and isnotnull-function, through notempty and notnull.
    const located = run(
      db,
      `datatable(BeginLat:real, BeginLon:real, Name:string) [1.5, 2.5, "a", real(null), 2.5, "b", 1.5, real(null), "c"]
       | where notnull(BeginLat) and notnull(BeginLon) and notempty(Name)`,
    );
    expect(column(located, 'Name')).to.deep.equal(['a']);
    expect(row('print notempty(""), notempty("x"), notnull(int(null)), notnull(1)')).to.deep.equal([
      false,
      true,
      false,
      true,
    ]);
    // make-list-aggregation-function's packing example, with pack_dictionary (an alias of bag_pack).
    const shapes = `datatable (name: string, sideCount: int) ["triangle", 3, "square", 4, "rectangle", 4]`;
    expect(
      one(
        `${shapes} | extend d = pack_dictionary("name", name, "sideCount", sideCount) | summarize mylist = make_list(d)`,
      ),
    ).to.deep.equal([
      { name: 'triangle', sideCount: 3 },
      { name: 'square', sideCount: 4 },
      { name: 'rectangle', sideCount: 4 },
    ]);
    // todynamic (toobject): parse-json-function's JSON text becomes a bag.
    expect(one('print toobject(\'{"a":123, "b":"hello", "c":[1,2,3], "d":{}}\')')).to.deep.equal({
      a: 123,
      b: 'hello',
      c: [1, 2, 3],
      d: {},
    });
    // parse-url-function and parse-urlquery-function, through parseurl and parseurlquery.
    expect(
      one('print parseurl("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")'),
    ).to.deep.equal(one('print parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")'));
    expect(one('print parseurlquery("k1=v1&k2=v2&k3=v3")')).to.deep.equal({
      'Query Parameters': { k1: 'v1', k2: 'v2', k3: 'v3' },
    });
  });

  it('names the database in scope (current-database-function)', () => {
    expect(one('print strcat("Database in scope: ", current_database())')).to.equal('Database in scope: Docs');
  });

  it('falls back to the default column when the column is missing (column-ifexists-function)', () => {
    // The page's output is headed State; Kusto.Language names the column Column1: only the values are compared.
    const fallback = run(db, 'StormEvents | project column_ifexists("Capital", State)');
    expect(fallback.rows.map((r) => r[0])).to.deep.equal(['TEXAS', 'TEXAS', 'TEXAS', 'KANSAS']);
    const existing = run(db, 'StormEvents | project v = column_ifexists("EventType", State)');
    expect(column(existing, 'v')).to.deep.equal(['Hail', 'Flood', 'Hail', 'Hail']);
  });

  it('aggregates with the population formulas (stdevp-, variancep-aggregation-function)', () => {
    const stdevp = row('range x from 1 to 5 step 1 | summarize make_list(x), stdevp(x)');
    expect(stdevp[0]).to.deep.equal([1, 2, 3, 4, 5]);
    expect(stdevp[1]).to.be.closeTo(1.4142135623731, 1e-12);
    expect(row('range x from 1 to 5 step 1 | summarize make_list(x), variancep(x)')).to.deep.equal([
      [1, 2, 3, 4, 5],
      2,
    ]);
  });

  it('aggregates only the rows whose predicate is true (make-list-if, make-set-if, make-bag-if)', () => {
    const T = `datatable(name:string, day_of_birth:long) ["John", 9, "Paul", 18, "George", 25, "Ringo", 7]`;
    expect(one(`${T} | summarize make_list_if(name, strlen(name) > 4)`)).to.deep.equal(['George', 'Ringo']);
    expect(one(`${T} | summarize make_set_if(name, strlen(name) > 4)`)).to.have.members(['George', 'Ringo']);
    const bags = `datatable(prop:string, value:string, predicate:bool) [
        "prop01", "val_a", true, "prop02", "val_b", false, "prop03", "val_c", true]`;
    expect(one(`${bags} | extend p = bag_pack(prop, value) | summarize dict=make_bag_if(p, predicate)`)).to.deep.equal({
      prop01: 'val_a',
      prop03: 'val_c',
    });
  });

  it("runs the deprecated aggregation aliases on their functions' examples (makelist, makeset, anyif)", () => {
    const shapes = `datatable (name: string, sideCount: int) ["triangle", 3, "square", 4, "rectangle", 4, "pentagon", 5]`;
    expect(one(`${shapes} | summarize mylist = makelist(name)`)).to.deep.equal([
      'triangle',
      'square',
      'rectangle',
      'pentagon',
    ]);
    const sets = run(
      db,
      `datatable (Val: int, Arr1: dynamic) [1, dynamic(['A1', 'A2', 'A3']), 5, dynamic(['A2', 'C1']),
         7, dynamic(['C2', 'A3']), 5, dynamic(['C2', 'A1'])]
       | summarize Val_set=makeset(Val), Arr1_set=makeset(Arr1)`,
    );
    expect(sets.rows[0][0]).to.have.members([1, 5, 7]);
    expect(sets.rows[0][1]).to.have.members(['A1', 'A2', 'A3', 'C1', 'C2']);
    // anyif-aggfunction: a value of a row whose predicate is true.
    const continents = `datatable(Continent:string, Population:long) ["Asia", 4600000000, "Europe", 450000000, "Oceania", 43000000]`;
    expect(one(`${continents} | summarize anyif(Continent, Population between (300000000 .. 600000000))`)).to.equal(
      'Europe',
    );
  });

  it('counts distinct values per group (count-distinct-aggregation-function)', () => {
    const result = run(
      db,
      'StormEvents | summarize UniqueEvents=count_distinct(EventType) by State | order by State asc',
    );
    expect(result.rows).to.deep.equal([
      ['KANSAS', 1n],
      ['TEXAS', 2n],
    ]);
  });
});
