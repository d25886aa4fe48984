import { expect } from 'chai';
import { KustoEmulatorError } from '../../../lib/errors';
import type { KustoScalarType, Value } from '../../../lib/model';
import { stringFunctions } from '../../../lib/kql/scalars/string';

const call = (name: string, args: Value[], types: KustoScalarType[], result: KustoScalarType = 'string'): Value =>
  stringFunctions[name](args, types, result, { now: 0n });
const s2 = ['string', 'string'] as KustoScalarType[];
const s3 = ['string', 'string', 'string'] as KustoScalarType[];

describe('emulator string functions', () => {
  it('concatenates with strcat, converting other types', () => {
    expect(call('strcat', ['hello', ' ', 'world'], s3)).to.equal('hello world');
    expect(call('strcat', [1n, 2.5, null], ['long', 'real', 'int'])).to.equal('12.5');
    expect(call('strcat_delim', ['-', 'a', 1n], ['string', 'string', 'long'])).to.equal('a-1');
    expect(call('strcat_array', [[1, 2, 3], '->'], ['dynamic', 'string'])).to.equal('1->2->3');
    expect(call('strcat_array', [[1, 2, 3], '"'], ['dynamic', 'string'])).to.equal('1"2"3');
  });

  it('counts code points in strlen (docs: ⒦⒰⒮⒯⒪ is 5, a decomposed Çedilla 8)', () => {
    expect(call('strlen', ['hello'], ['string'], 'long')).to.equal(5n);
    expect(call('strlen', ['⒦⒰⒮⒯⒪'], ['string'], 'long')).to.equal(5n);
    expect(call('strlen', ['C\u0327edilla'], ['string'], 'long')).to.equal(8n);
    expect(call('strlen', ['😀'], ['string'], 'long')).to.equal(1n);
  });

  it('takes substrings as the docs show, negative starts from the end', () => {
    expect(call('substring', ['123456', 1n], ['string', 'long'])).to.equal('23456');
    expect(call('substring', ['123456', 2n, 2n], ['string', 'long', 'long'])).to.equal('34');
    expect(call('substring', ['ABCD', 0n, 2n], ['string', 'long', 'long'])).to.equal('AB');
    expect(call('substring', ['123456', -2n, 2n], ['string', 'long', 'long'])).to.equal('56');
    expect(call('substring', ['abc', 10n], ['string', 'long'])).to.equal('');
  });

  it('finds positions with indexof as in the docs (idx1 … idx9)', () => {
    const L = 'long';
    const cases: [Value[], KustoScalarType[], bigint][] = [
      [['abcdefg', 'cde'], s2, 2n],
      [['abcdefg', 'cde', 1n, 4n], ['string', 'string', L, L], 2n],
      [['abcdefg', 'cde', 1n, 2n], ['string', 'string', L, L], -1n],
      [['abcdefg', 'cde', 3n, 4n], ['string', 'string', L, L], -1n],
      [['abcdefg', 'cde', -5n], ['string', 'string', L], 2n],
      [[1234567n, 5n, 1n, 4n], [L, L, L, L], 4n],
      [['abcdefg', 'cde', 2n, -1n], ['string', 'string', L, L], 2n],
      [['abcdefgabcdefg', 'cde', 1n, 10n, 2n], ['string', 'string', L, L, L], 9n],
      [['abcdefgabcdefg', 'cde', 1n, -1n, 3n], ['string', 'string', L, L, L], -1n],
    ];
    cases.forEach(([args, types, expected], i) =>
      expect(call('indexof', args, types, 'long'), `idx${i + 1}`).to.equal(expected),
    );
    expect(call('indexof', ['abc', 'b', 0n, -2n], ['string', 'string', L, L], 'long')).to.equal(null);
  });

  it('splits into a dynamic array, with an optional index (docs examples)', () => {
    expect(call('split', ['aa_bb', '_'], s2, 'dynamic')).to.deep.equal(['aa', 'bb']);
    expect(call('split', ['aaa_bbb_ccc', '_', 1n], ['string', 'string', 'long'], 'dynamic')).to.deep.equal(['bbb']);
    expect(call('split', ['', '_'], s2, 'dynamic')).to.deep.equal(['']);
    expect(call('split', ['a__b', '_'], s2, 'dynamic')).to.deep.equal(['a', '', 'b']);
    expect(call('split', ['aabbcc', 'bb'], s2, 'dynamic')).to.deep.equal(['aa', 'cc']);
    expect(call('split', ['a_b', '_', 5n], ['string', 'string', 'long'], 'dynamic')).to.deep.equal([]);
  });

  it('replaces strings and regex matches', () => {
    expect(call('replace_string', ['A magic trick can turn a cat into a dog', 'cat', 'hamster'], s3)).to.equal(
      'A magic trick can turn a hamster into a dog',
    );
    expect(call('replace_string', ['aaa', 'aa', 'b'], s3)).to.equal('ba');
    expect(call('replace_regex', ['2024-05-01', String.raw`(\d+)-(\d+)-(\d+)`, String.raw`\3/\2/\1 $`], s3)).to.equal(
      '01/05/2024 $',
    );
    expect(call('replace', [String.raw`\s+`, '_', 'a  b c'], s3)).to.equal('a_b_c');
  });

  it('trims regex matches from the ends (docs examples)', () => {
    expect(call('trim', ['--', '--https://bing.com--'], s2)).to.equal('https://bing.com');
    expect(call('trim', [String.raw`[^\w]+`, '-  Te st1// $'], s2)).to.equal('Te st1');
    expect(call('trim', [String.raw`\s+`, '    Hello, world!    '], s2)).to.equal('Hello, world!');
    expect(call('trim_start', ['https://', 'https://bing.com'], s2)).to.equal('bing.com');
    expect(call('trim_start', [String.raw`[^\w]+`, '-  Te st1// $'], s2)).to.equal('Te st1// $');
    expect(call('trim_end', [String.raw`[^\w]+`, '-  Te st1// $'], s2)).to.equal('-  Te st1');
  });

  it('extracts regex groups, converting to the typeof() result type (docs examples)', () => {
    const I = ['string', 'long', 'string'] as KustoScalarType[];
    const james = 'User: James, Email: James@example.com, Age: 29';
    expect(call('extract', ['User: ([^,]+)', 1n, james], I)).to.equal('James');
    expect(call('extract', [String.raw`Email: (\S+),`, 1n, james], I)).to.equal('James@example.com');
    expect(call('extract', [String.raw`Email: (\S+),`, 1n, 'User: David, Age: 35'], I)).to.equal('');
    expect(call('extract', [String.raw`\d+`, 0n, 'User: David, Age: 35'], I)).to.equal('35');
    expect(call('extract', [String.raw`-(\d{2})-`, 1n, '21-07-2023'], I, 'int')).to.equal(7);
    expect(call('extract', [String.raw`(\d+)`, 1n, 'none'], I, 'long')).to.equal(null);
    expect(call('extract_all', [String.raw`(\w)(\d)`, 'a1 b2'], s2, 'dynamic')).to.deep.equal([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(call('extract_all', [String.raw`(\d+)`, 'a1 b22'], s2, 'dynamic')).to.deep.equal(['1', '22']);
  });

  it('translates RE2 syntax: inline flags and named groups', () => {
    expect(call('extract', ['(?i)HELLO (?P<who>\\w+)', 1n, 'hello World'], ['string', 'long', 'string'])).to.equal(
      'World',
    );
    expect(() => call('extract', ['(', 0n, 'x'], ['string', 'long', 'string'])).to.throw(KustoEmulatorError, /'\('/);
  });

  it('counts overlapping plain matches and non-overlapping regex matches', () => {
    expect(call('countof', ['aaa', 'aa'], s2, 'long')).to.equal(2n);
    expect(call('countof', ['aaa', 'a{2}', 'regex'], s3, 'long')).to.equal(1n);
  });

  it('changes case, reverses, compares and repeats', () => {
    expect(call('tolower', ['ABC'], ['string'])).to.equal('abc');
    expect(call('toupper', ['abc'], ['string'])).to.equal('ABC');
    expect(call('reverse', ['abc'], ['string'])).to.equal('cba');
    expect(call('strcmp', ['abc', 'abd'], s2, 'int')).to.equal(-1);
    expect(call('strrep', ['ab', 3n, ','], ['string', 'long', 'string'])).to.equal('ab,ab,ab');
    expect(call('translate', ['abc', 'x', 'abcd'], s3)).to.equal('xxxd');
  });

  it('encodes and hashes', () => {
    expect(call('base64_encode_tostring', ['Kusto'], ['string'])).to.equal('S3VzdG8=');
    expect(call('base64_decode_tostring', ['S3VzdG8='], ['string'])).to.equal('Kusto');
    expect(call('url_encode_component', ['a b&c'], ['string'])).to.equal('a%20b%26c');
    expect(call('hash_sha256', ['World'], ['string'])).to.equal(
      '78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524',
    );
    expect(call('new_guid', [], [], 'guid')).to.match(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});
