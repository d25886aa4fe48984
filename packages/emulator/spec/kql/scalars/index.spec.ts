import { expect } from 'chai';
import type { KustoScalarType, Value } from '../../../lib/model';
import { scalarFunctions } from '../../../lib/kql/scalars';

describe('emulator scalar function registry', () => {
  it('has every function the engine relies on, by lower-case Kusto name', () => {
    const required = [
      'strcat',
      'strlen',
      'tolower',
      'toupper',
      'substring',
      'indexof',
      'split',
      'replace_string',
      'trim',
      'trim_start',
      'trim_end',
      'extract',
      'strcat_array',
      'tostring',
      'toint',
      'tolong',
      'todouble',
      'toreal',
      'tobool',
      'toboolean',
      'todatetime',
      'totimespan',
      'totime',
      'toguid',
      'todecimal',
      'parse_json',
      'todynamic',
      'now',
      'ago',
      'bin',
      'floor',
      'bin_at',
      'startofday',
      'startofweek',
      'startofmonth',
      'startofyear',
      'endofday',
      'endofweek',
      'endofmonth',
      'endofyear',
      'datetime_add',
      'datetime_diff',
      'format_datetime',
      'dayofweek',
      'dayofmonth',
      'getmonth',
      'monthofyear',
      'getyear',
      'hourofday',
      'abs',
      'round',
      'ceiling',
      'pow',
      'sqrt',
      'log',
      'log10',
      'log2',
      'exp',
      'iif',
      'iff',
      'case',
      'coalesce',
      'isnull',
      'isnotnull',
      'isempty',
      'isnotempty',
      'isnan',
      'isinf',
      'array_length',
      'bag_keys',
      'bag_pack',
      'pack',
      'pack_array',
      'array_concat',
    ];
    expect(required.filter((name) => !scalarFunctions.has(name))).to.deep.equal([]);
    expect([...scalarFunctions.keys()].filter((name) => name !== name.toLowerCase())).to.deep.equal([]);
  });

  it('maps aliases to functions that behave the same', () => {
    const ctx = { now: 0n };
    const cases: [string, string, Value[], KustoScalarType[], KustoScalarType][] = [
      ['iif', 'iff', [false, 'a', 'b'], ['bool', 'string', 'string'], 'string'],
      ['toreal', 'todouble', ['1.5'], ['string'], 'real'],
      ['bag_pack', 'pack', ['a', 1n], ['string', 'long'], 'dynamic'],
      ['bin', 'floor', [7n, 5n], ['long', 'long'], 'long'],
      ['parse_json', 'todynamic', ['{"a":[1]}'], ['string'], 'dynamic'],
      ['getmonth', 'monthofyear', [0n], ['datetime'], 'int'],
      ['tobool', 'toboolean', ['TRUE'], ['string'], 'bool'],
    ];
    for (const [a, b, args, types, result] of cases) {
      const fa = scalarFunctions.get(a);
      const fb = scalarFunctions.get(b);
      if (!fa || !fb) throw new Error(`missing ${a} or ${b}`);
      const value = fa(args, types, result, ctx);
      expect(value, a).to.not.equal(null);
      expect(fb(args, types, result, ctx), b).to.deep.equal(value);
    }
  });
});
