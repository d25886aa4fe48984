import { expect } from 'chai';
import { column, database, run, schemaOf, expectNotSupported } from '../fixtures/database';

// The examples and outputs of the KQL reference's array, bag and parsing pages (MicrosoftDocs/dataexplorer-docs,
// data-explorer/kusto/query/<name>-function.md), run as published.
describe('emulator array, bag and parsing functions (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);

  it('parse_csv splits the first record, with quoted fields (parse-csv-function)', () => {
    const escaped = run(db, `print result=parse_csv('aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1\\nline2"')`);
    expect(escaped.rows).to.deep.equal(
      [['aa', 'b,b,b', 'cc', 'Escaping quotes: "Title"', 'line1\nline2']].map((r) => [r]),
    );
    const multi = run(db, `print result_multi_record=parse_csv('record1,a,b,c\\nrecord2,x,y,z')`);
    expect(multi.rows).to.deep.equal([[['record1', 'a', 'b', 'c']]]);
    const sessions = run(
      db,
      `datatable(sessionid:string, participants:string) [
         'CON-PRT157', 'Guy Reginiano, Guy Yehudy, Pankaj Suri, Saeed Copty',
         'X', 'One, Two',
         'BRK3099', 'Yoni Leibowitz, Eric Fleischman, Robert Pack, Avner Aharoni']
       | where array_length(parse_csv(participants)) > 3 | distinct *`,
    );
    expect(column(sessions, 'sessionid')).to.deep.equal(['CON-PRT157', 'BRK3099']);
  });

  it('parse_path gives the parts of drive, relative, scheme, share and Unix paths (parse-path-function)', () => {
    const result = run(
      db,
      `datatable(p:string) [
         @"C:\\temp\\file.txt", @"temp\\file.txt", "file://C:/temp/file.txt:some.exe",
         @"\\\\shared\\users\\temp\\file.txt.gz", "/usr/lib/temp/file.txt"]
       | extend path_parts = parse_path(p)`,
    );
    expect(schemaOf(result)).to.deep.equal(['p:string', 'path_parts:dynamic']);
    const parts = column(result, 'path_parts').map((v) => JSON.stringify(v));
    expect(parts).to.deep.equal([
      '{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}',
      '{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}',
      '{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}',
      '{"Scheme":"","RootPath":"","DirectoryPath":"\\\\\\\\shared\\\\users\\\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}',
      '{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}',
    ]);
    refused(`print parse_path(@"\\\\?\\C:\\temp\\file.txt")`, /parse_path\(\) of the path/);
    refused(`print parse_path(@"C:\\file.txt")`, /parse_path\(\) of the path/);
  });

  it('split returns the parts, or the part at an index (split-function)', () => {
    const result = run(
      db,
      `print split("aa_bb", "_"), split("aaa_bbb_ccc", "_", 1), split("", "_"), split("a__b", "_"), split("aabbcc", "bb")`,
    );
    expect(result.rows).to.deep.equal([[['aa', 'bb'], ['bbb'], [''], ['a', '', 'b'], ['aa', 'cc']]]);
  });

  it('array_split cuts at one index or several (array-split-function)', () => {
    const one = run(db, `print arr=dynamic([1,2,3,4,5]) | extend arr_split=array_split(arr, 2)`);
    expect(column(one, 'arr_split')).to.deep.equal([
      [
        [1, 2],
        [3, 4, 5],
      ],
    ]);
    const several = run(db, `print arr=dynamic([1,2,3,4,5]) | extend arr_split=array_split(arr, dynamic([1,3]))`);
    expect(column(several, 'arr_split')).to.deep.equal([[[1], [2, 3], [4, 5]]]);
    // "Negative values are converted to array_length + value".
    expect(run(db, `print array_split(dynamic([1,2,3,4,5]), -1)`).rows).to.deep.equal([[[[1, 2, 3, 4], [5]]]]);
    refused(`print array_split(dynamic([1,2,3]), dynamic([2,1]))`, /array_split\(\) at the indexes \[2,1\]/);
  });

  it('array_slice takes an inclusive range, negative indexes from the end (array-slice-function)', () => {
    const result = run(
      db,
      `print arr=dynamic([1,2,3,4,5])
       | extend a=array_slice(dynamic([1,2,3]), 1, 2), b=array_slice(arr, 2, -1), c=array_slice(arr, -3, -2)`,
    );
    expect(result.rows).to.deep.equal([
      [
        [1, 2, 3, 4, 5],
        [2, 3],
        [3, 4, 5],
        [3, 4],
      ],
    ]);
  });

  it('array_sort_asc and array_sort_desc, nulls last unless asked (array-sort-asc-function)', () => {
    expect(
      run(
        db,
        `let Names = "John,Paul,George,Ringo"; print result = strcat_array(array_sort_asc(split(Names, ",")), ",")`,
      ).rows,
    ).to.deep.equal([['George,John,Paul,Ringo']]);
    expect(run(db, `print array_sort_asc(dynamic([null,"blue","yellow","green",null]))`).rows).to.deep.equal([
      [['blue', 'green', 'yellow', null, null]],
    ]);
    expect(run(db, `print array_sort_asc(dynamic([null,"blue","yellow","green",null]), false)`).rows).to.deep.equal([
      [[null, null, 'blue', 'green', 'yellow']],
    ]);
    expect(run(db, `print array_sort_desc(dynamic([null,"blue","yellow","green",null]))`).rows).to.deep.equal([
      [['yellow', 'green', 'blue', null, null]],
    ]);
    // Sorting several arrays by the first gives several columns (a tuple): refused, not guessed.
    refused(
      `let array1 = dynamic([1,3,4,5,2]); let array2 = dynamic(["a","b","c","d","e"]); print array_sort_asc(array1,array2)`,
      /tuple/,
    );
  });

  it('array_concat, set_union, set_intersect and set_difference (their reference pages)', () => {
    const sets = `range x from 1 to 3 step 1 | extend y = x * 2 | extend z = y * 2 | extend w = z * 2`;
    const concat = run(
      db,
      `${sets} | extend a1 = pack_array(x,y,z), a2 = pack_array(x, y) | project array_concat(a1, a2)`,
    );
    expect(column(concat, 'Column1')).to.deep.equal([
      [1, 2, 4, 1, 2],
      [2, 4, 8, 2, 4],
      [3, 6, 12, 3, 6],
    ]);
    const union = run(
      db,
      `${sets} | extend a1 = pack_array(x,y,x,z), a2 = pack_array(x, y), a3 = pack_array(w)
       | project a1,a2,a3,Out=set_union(a1, a2, a3)`,
    );
    expect(column(union, 'Out')).to.deep.equal([
      [1, 2, 4, 8],
      [2, 4, 8, 16],
      [3, 6, 12, 24],
    ]);
    const one = run(
      db,
      `datatable (Arr1: dynamic) [dynamic(['A4', 'A2', 'A7', 'A2']), dynamic(['C4', 'C7', 'C1', 'C4'])]
       | extend Out=set_union(Arr1, Arr1)`,
    );
    expect(column(one, 'Out')).to.deep.equal([
      ['A4', 'A2', 'A7'],
      ['C4', 'C7', 'C1'],
    ]);
    const intersect = run(
      db,
      `${sets} | extend a1 = pack_array(x,y,x,z), a2 = pack_array(x, y), a3 = pack_array(w,x)
       | project set_intersect(a1, a2, a3)`,
    );
    expect(schemaOf(intersect)).to.deep.equal(['Column1:dynamic']);
    expect(column(intersect, 'Column1')).to.deep.equal([[1], [2], [3]]);
    expect(run(db, `print arr = set_intersect(dynamic([1, 2, 3]), dynamic([4,5]))`).rows).to.deep.equal([[[]]]);
    const difference = run(
      db,
      `${sets} | extend a1 = pack_array(x,y,x,z), a2 = pack_array(x, y), a3 = pack_array(x,y,w)
       | project set_difference(a1, a2, a3)`,
    );
    expect(column(difference, 'Column1')).to.deep.equal([[4], [8], [12]]);
    expect(run(db, `print arr = set_difference(dynamic([1,2,3]), dynamic([1,2,3]))`).rows).to.deep.equal([[[]]]);
  });

  it('bag_merge keeps the first value of a key and the keys in order (bag-merge-function)', () => {
    const result = run(
      db,
      `print result = bag_merge(dynamic({ 'A1':12, 'B1':2, 'C1':3}), dynamic({ 'A2':81, 'B2':82, 'A1':1}))`,
    );
    expect(JSON.stringify(result.rows[0][0])).to.equal('{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}');
  });
});
