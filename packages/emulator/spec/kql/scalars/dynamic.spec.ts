import { expect } from 'chai';
import type { KustoScalarType, Value } from '../../../lib/model';
import { dynamicFunctions, dynamicIndex } from '../../../lib/kql/scalars/dynamic';
import { TICKS_PER_DAY, TICKS_PER_SECOND } from '../../../lib/values/calendar';
import { parseDatetime } from '../../../lib/values/datetimeText';

const call = (name: string, args: Value[], types: KustoScalarType[], result: KustoScalarType = 'dynamic'): Value =>
  dynamicFunctions[name](args, types, result, { now: 0n });
const D = (n: number): KustoScalarType[] => new Array<KustoScalarType>(n).fill('dynamic');

describe('emulator dynamic functions', () => {
  it('measures arrays and is null for anything else (docs: array_length)', () => {
    expect(call('array_length', [[1, 2, 3, 'four']], D(1), 'long')).to.equal(4n);
    expect(call('array_length', [{ a: 1 }], D(1), 'long')).to.equal(null);
    expect(call('array_length', [null], D(1), 'long')).to.equal(null);
  });

  it('lists bag keys, null for non-bags (docs: bag_keys)', () => {
    expect(call('bag_keys', [{ a: 'b', c: 123 }], D(1))).to.deep.equal(['a', 'c']);
    expect(call('bag_keys', [{}], D(1))).to.deep.equal([]);
    expect(call('bag_keys', [null], D(1))).to.equal(null);
    expect(call('bag_keys', ['a'], D(1))).to.equal(null);
    expect(call('bag_keys', [[]], D(1))).to.equal(null);
  });

  it('packs values in their JSON forms (docs: pack_array(x, tostring(y), z * 1s))', () => {
    expect(call('pack_array', [1n, '2', 2n * TICKS_PER_SECOND], ['long', 'string', 'timespan'])).to.deep.equal([
      1,
      '2',
      '00:00:02',
    ]);
    const dt = parseDatetime('2007-01-01') as bigint;
    expect(call('bag_pack', ['a', 1n, 'when', dt], ['string', 'long', 'string', 'datetime'])).to.deep.equal({
      a: 1,
      when: '2007-01-01T00:00:00.0000000Z',
    });
    expect(call('pack', ['k', null], ['string', 'long'])).to.deep.equal({ k: null });
  });

  it('concatenates arrays (docs: array_concat), null when one is not an array', () => {
    expect(
      call(
        'array_concat',
        [
          [1, 2, 4],
          [1, 2],
        ],
        D(2),
      ),
    ).to.deep.equal([1, 2, 4, 1, 2]);
    expect(call('array_concat', [[1], 'x'], D(2))).to.equal(null);
  });

  it('merges, edits and queries property bags', () => {
    expect(
      call(
        'bag_merge',
        [
          { a: 1, b: 2 },
          { a: 9, c: 3 },
        ],
        D(2),
      ),
    ).to.deep.equal({ a: 1, b: 2, c: 3 });
    expect(call('bag_has_key', [{ a: 1 }, 'a'], ['dynamic', 'string'], 'bool')).to.equal(true);
    expect(call('bag_remove_keys', [{ a: 1, b: 2 }, ['a']], D(2))).to.deep.equal({ b: 2 });
    expect(call('bag_set_key', [{ a: 1 }, 'b', 2n], ['dynamic', 'string', 'long'])).to.deep.equal({ a: 1, b: 2 });
  });

  it('slices, searches, sorts and sets arrays', () => {
    expect(call('array_slice', [[1, 2, 3, 4], 1n, -2n], ['dynamic', 'long', 'long'])).to.deep.equal([2, 3]);
    expect(call('array_index_of', [['a', 'b', 'a'], 'a', 1n], ['dynamic', 'string', 'long'], 'long')).to.equal(2n);
    expect(call('array_index_of', [[1, 2], 3n], ['dynamic', 'long'], 'long')).to.equal(-1n);
    expect(call('array_sort_asc', [[3, null, 1, 2]], D(1))).to.deep.equal([1, 2, 3, null]);
    expect(call('array_sort_desc', [[3, 1, 2]], D(1))).to.deep.equal([3, 2, 1]);
    expect(call('array_reverse', [[1, 2]], D(1))).to.deep.equal([2, 1]);
    expect(
      call(
        'set_union',
        [
          [1, 2],
          [2, 3],
        ],
        D(2),
      ),
    ).to.deep.equal([1, 2, 3]);
    expect(
      call(
        'set_intersect',
        [
          [1, 2, 3],
          [2, 3, 4],
        ],
        D(2),
      ),
    ).to.deep.equal([2, 3]);
    expect(call('set_difference', [[1, 2, 3], [2]], D(2))).to.deep.equal([1, 3]);
    expect(call('set_has_element', [[1, 'a'], 'a'], ['dynamic', 'string'], 'bool')).to.equal(true);
    expect(call('zip', [[1, 2], ['a']], D(2))).to.deep.equal([
      [1, 'a'],
      [2, null],
    ]);
  });

  it('builds ranges and repeats', () => {
    expect(call('range', [1n, 3n], ['long', 'long'])).to.deep.equal([1, 2, 3]);
    expect(call('range', [1.0, 2.0, 0.5], ['real', 'real', 'real'])).to.deep.equal([1, 1.5, 2]);
    const start = parseDatetime('2007-01-01') as bigint;
    expect(
      call('range', [start, start + 2n * TICKS_PER_DAY, TICKS_PER_DAY], ['datetime', 'datetime', 'timespan']),
    ).to.deep.equal(['2007-01-01T00:00:00.0000000Z', '2007-01-02T00:00:00.0000000Z', '2007-01-03T00:00:00.0000000Z']);
    expect(call('repeat', ['a', 3n], ['string', 'long'])).to.deep.equal(['a', 'a', 'a']);
    expect(call('repeat', ['a', -1n], ['string', 'long'])).to.equal(null);
  });

  it('indexes arrays (negative from the end) and bags, null when missing', () => {
    expect(dynamicIndex([100, 101, 102], 1)).to.equal(101);
    expect(dynamicIndex([100, 101, 102], -1n)).to.equal(102);
    expect(dynamicIndex([100], 5)).to.equal(null);
    expect(dynamicIndex({ 'a b c': '2015-01-01' }, 'a b c')).to.equal('2015-01-01');
    expect(dynamicIndex({ a: 1 }, 'toString')).to.equal(null);
    expect(dynamicIndex('text', 0)).to.equal(null);
  });
});
