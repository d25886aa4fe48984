import { expect } from 'chai';
import type { KustoScalarType, Value } from '../../../lib/model';
import { conditionalFunctions } from '../../../lib/kql/scalars/conditional';

const call = (name: string, args: Value[], types: KustoScalarType[], result: KustoScalarType): Value =>
  conditionalFunctions[name](args, types, result, { now: 0n });

describe('emulator conditional functions', () => {
  it('picks a branch with iif / iff and converts it to the result type', () => {
    expect(call('iif', [true, 1n, 2.5], ['bool', 'long', 'real'], 'real')).to.equal(1);
    expect(call('iff', [false, 1n, 2.5], ['bool', 'long', 'real'], 'real')).to.equal(2.5);
    expect(call('iif', [true, 1, 2n], ['bool', 'int', 'long'], 'long')).to.equal(1n);
  });

  it('treats a null predicate as false', () => {
    expect(call('iif', [null, 'a', 'b'], ['bool', 'string', 'string'], 'string')).to.equal('b');
    expect(
      call('case', [null, 'a', true, 'b', 'c'], ['bool', 'string', 'bool', 'string', 'string'], 'string'),
    ).to.equal('b');
  });

  it('returns the first satisfied case or the else value (docs: Small / Medium / Large)', () => {
    const bucket = (size: bigint): Value =>
      call(
        'case',
        [size <= 3n, 'Small', size <= 10n, 'Medium', 'Large'],
        ['bool', 'string', 'bool', 'string', 'string'],
        'string',
      );
    expect([1n, 3n, 5n, 9n, 11n, 15n].map(bucket)).to.deep.equal([
      'Small',
      'Small',
      'Medium',
      'Medium',
      'Large',
      'Large',
    ]);
  });

  it('coalesces to the first non-null, non-empty value (docs: tolong("not a number"), tolong("42"), 33)', () => {
    expect(call('coalesce', [null, 42n, 33n], ['long', 'long', 'long'], 'long')).to.equal(42n);
    expect(call('coalesce', ['', 'x'], ['string', 'string'], 'string')).to.equal('x');
    expect(call('coalesce', ['', ''], ['string', 'string'], 'string')).to.equal('');
    expect(call('coalesce', [null, null], ['long', 'long'], 'long')).to.equal(null);
  });

  it('tests null and emptiness (docs: isempty of "", "x", parsejson("") and [])', () => {
    expect(call('isnull', [null], ['long'], 'bool')).to.equal(true);
    expect(call('isnull', [''], ['string'], 'bool')).to.equal(false);
    expect(call('isnotnull', [0n], ['long'], 'bool')).to.equal(true);
    expect(call('isempty', [''], ['string'], 'bool')).to.equal(true);
    expect(call('isempty', ['x'], ['string'], 'bool')).to.equal(false);
    expect(call('isempty', [null], ['dynamic'], 'bool')).to.equal(true);
    expect(call('isempty', [[]], ['dynamic'], 'bool')).to.equal(false);
    expect(call('isempty', [{}], ['dynamic'], 'bool')).to.equal(false);
    expect(call('isnotempty', ['x'], ['string'], 'bool')).to.equal(true);
  });

  it('negates with not(), null staying null', () => {
    expect(call('not', [true], ['bool'], 'bool')).to.equal(false);
    expect(call('not', [null], ['bool'], 'bool')).to.equal(null);
  });
});
