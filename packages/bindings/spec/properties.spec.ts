import { expect } from 'chai';
import { PropertyListSyntaxError, parsePropertyList } from '../lib/properties';

describe('binding/properties', () => {
  describe('parsePropertyList', () => {
    const pairsOf = (text: string) => parsePropertyList(text).map((p) => [p.name, p.value]);

    it('reads one @name=value pair', () => {
      expect(parsePropertyList('@productId=1')).to.deep.equal([{ name: 'productId', value: '1', quoted: false }]);
    });

    it('reads several pairs separated by commas, trimming blanks around names, = and bare values', () => {
      expect(pairsOf(' @a = 1 ,  @b=two words , @c={productId} ')).to.deep.equal([
        ['a', '1'],
        ['b', 'two words'],
        ['c', '{productId}'],
      ]);
    });

    it('keeps = inside a bare value (only the first = separates name from value)', () => {
      expect(pairsOf('@token=a=b==,@n=1')).to.deep.equal([
        ['token', 'a=b=='],
        ['n', '1'],
      ]);
    });

    it('reads a bare value up to the next comma, whatever else it contains', () => {
      expect(pairsOf('@filter=x;y "z" \'w\',@n=1')).to.deep.equal([
        ['filter', 'x;y "z" \'w\''],
        ['n', '1'],
      ]);
    });

    it('takes an empty bare value as the empty string', () => {
      expect(pairsOf('@a=,@b=2')).to.deep.equal([
        ['a', ''],
        ['b', '2'],
      ]);
    });

    it('reads a double-quoted value with commas and = in it, and marks it quoted', () => {
      expect(parsePropertyList('@q="a,b=c",@n=1')).to.deep.equal([
        { name: 'q', value: 'a,b=c', quoted: true },
        { name: 'n', value: '1', quoted: false },
      ]);
    });

    it('reads a single-quoted value the same way', () => {
      expect(pairsOf("@q='x, y=z'")).to.deep.equal([['q', 'x, y=z']]);
    });

    it('turns a doubled quote character inside a quoted value into one', () => {
      expect(pairsOf('@q="say ""hi"", then go"')).to.deep.equal([['q', 'say "hi", then go']]);
      expect(pairsOf("@q='it''s'")).to.deep.equal([['q', "it's"]]);
    });

    it('keeps the other quote character inside a quoted value as it is', () => {
      expect(pairsOf('@q="it\'s"')).to.deep.equal([['q', "it's"]]);
    });

    it('keeps blanks inside a quoted value and allows blanks around it', () => {
      expect(pairsOf('@q =  "  padded  "  , @n=1')).to.deep.equal([
        ['q', '  padded  '],
        ['n', '1'],
      ]);
    });

    it('reads an empty quoted value as the empty string', () => {
      expect(parsePropertyList('@q=""')).to.deep.equal([{ name: 'q', value: '', quoted: true }]);
    });

    it('reads an empty or blank text as an empty list', () => {
      expect(parsePropertyList('')).to.deep.equal([]);
      expect(parsePropertyList('  \t ')).to.deep.equal([]);
    });

    describe('rejects text that does not follow the grammar, saying where', () => {
      const failure = (text: string) => {
        try {
          parsePropertyList(text);
        } catch (e) {
          expect(e).to.be.instanceOf(PropertyListSyntaxError);
          return (e as Error).message;
        }
        expect.fail(`parsePropertyList(${JSON.stringify(text)}) did not throw`);
      };

      it('a pair without the leading @', () => {
        expect(failure('productId=1')).to.match(/expected '@name=value' at position 1 but found 'productId=1'/);
        expect(failure('@a=1,b=2')).to.match(/at position 6 but found 'b=2'/);
      });

      it('an @ without a name', () => {
        expect(failure('@=1')).to.match(/expected a name after '@' at position 1/);
        expect(failure('@1a=1')).to.match(/expected a name after '@'/);
      });

      it('a name without =', () => {
        expect(failure('@productId')).to.match(/expected '=' after '@productId'/);
        expect(failure('@a 1')).to.match(/expected '=' after '@a'/);
        expect(failure('@a-b=1')).to.match(/expected '=' after '@a'/);
      });

      it('a quoted value that is not closed', () => {
        expect(failure('@q="a,b')).to.match(/the quoted value of '@q' is not closed/);
        expect(failure("@q='it''s")).to.match(/the quoted value of '@q' is not closed/);
      });

      it('text after a quoted value other than a comma', () => {
        expect(failure('@q="a" b,@n=1')).to.match(/unexpected text after the quoted value of '@q'/);
      });

      it('a trailing comma', () => {
        expect(failure('@a=1,')).to.match(/a trailing ',' ends the list/);
        expect(failure('@a=1 ,  ')).to.match(/a trailing ',' ends the list/);
      });

      it('an empty pair between two commas', () => {
        expect(failure('@a=1,,@b=2')).to.match(/expected '@name=value' at position 6/);
      });

      it('a name given twice', () => {
        expect(failure('@a=1,@b=2,@a=3')).to.match(/'@a' is given twice/);
      });
    });
  });
});
