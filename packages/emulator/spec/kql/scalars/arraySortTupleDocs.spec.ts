import { expect } from 'chai';
import { column, database, run } from '../fixtures/database';

// array_sort_asc / array_sort_desc with several arrays (array-sort-asc-function.md, array-sort-desc-function.md):
// the call returns a tuple; the emulator evaluates an element of it taken with a constant index, as the reference's
// "combining summarize and array_sort_asc" example does (printing the whole tuple as columns stays refused, see
// arraysDocs.spec.ts).
describe('emulator array_sort_asc/desc of several arrays (documented examples)', () => {
  const db = database('Docs', []);
  const arrays = 'let array1 = dynamic([1,3,4,5,2]); let array2 = dynamic(["a","b","c","d","e"]);';
  const commands = `datatable(command:string, command_time:datetime, user_id:string) [
      'chmod',   datetime(2019-07-15),   "user1",
      'ls',      datetime(2019-07-02),   "user1",
      'dir',     datetime(2019-07-22),   "user1",
      'mkdir',   datetime(2019-07-14),   "user1",
      'rm',      datetime(2019-07-27),   "user1",
      'pwd',     datetime(2019-07-25),   "user1",
      'rm',      datetime(2019-07-23),   "user2",
      'pwd',     datetime(2019-07-25),   "user2",
    ]
    | summarize timestamps = make_list(command_time), commands = make_list(command) by user_id`;

  it('sorts the first array and orders the others to match (example 1 of both pages)', () => {
    const asc = run(db, `${arrays} print s = array_sort_asc(array1,array2)[0], o = array_sort_asc(array1,array2)[1]`);
    expect(asc.rows).to.deep.equal([
      [
        [1, 2, 3, 4, 5],
        ['a', 'e', 'b', 'c', 'd'],
      ],
    ]);
    const desc = run(
      db,
      `${arrays} print s = array_sort_desc(array1,array2)[0], o = array_sort_desc(array1,array2)[1]`,
    );
    expect(desc.rows).to.deep.equal([
      [
        [5, 4, 3, 2, 1],
        ['d', 'c', 'b', 'e', 'a'],
      ],
    ]);
  });

  it('orders commands by their timestamps (example 3 of both pages)', () => {
    const asc = run(
      db,
      `${commands} | project user_id, commands_in_chronological_order = array_sort_asc(timestamps, commands)[1]`,
    );
    expect(column(asc, 'commands_in_chronological_order')).to.deep.equal([
      ['ls', 'mkdir', 'chmod', 'dir', 'pwd', 'rm'],
      ['rm', 'pwd'],
    ]);
    const desc = run(
      db,
      `${commands} | project user_id, commands_in_chronological_order = array_sort_desc(timestamps, commands)[1]`,
    );
    expect(column(desc, 'commands_in_chronological_order')).to.deep.equal([
      ['rm', 'pwd', 'dir', 'chmod', 'mkdir', 'ls'],
      ['pwd', 'rm'],
    ]);
  });

  it('nulls_last applies to the first array; an array of another length is null (Returns)', () => {
    const result = run(
      db,
      `print a = array_sort_asc(dynamic([2, null, 1]), dynamic(["two", "none", "one"]), false)[1],
             b = array_sort_desc(dynamic([2, null, 1]), dynamic(["two", "none", "one"]))[1],
             c = array_sort_asc(dynamic([2, 1]), dynamic(["x"]))[1]`,
    );
    expect(result.rows).to.deep.equal([[['none', 'one', 'two'], ['two', 'one', 'none'], null]]);
    // Example 4 of array-sort-desc: nulls first on request.
    expect(run(db, `print array_sort_desc(dynamic([null,"blue","yellow","green",null]), false)`).rows).to.deep.equal([
      [[null, null, 'yellow', 'green', 'blue']],
    ]);
  });
});
