import { expect } from 'chai';
import {
  RouteTemplateError,
  expandRoute,
  matchRoute,
  parseRouteTemplate,
  routeParameterNames,
  satisfiesConstraints,
  type RouteParameter,
} from '../lib/routes';

const param = (name: string, extra: Partial<RouteParameter> = {}): RouteParameter => ({
  name,
  constraints: [],
  optional: false,
  catchAll: false,
  defaultValue: undefined,
  ...extra,
});

describe('binding/routes', () => {
  describe('parseRouteTemplate', () => {
    it('splits a route into segments of literals and parameters', () => {
      expect(parseRouteTemplate('products/{id}')).to.deep.equal([['products'], [param('id')]]);
    });

    it('ignores a leading / and reads an empty route as no segments', () => {
      expect(parseRouteTemplate('/products')).to.deep.equal([['products']]);
      expect(parseRouteTemplate('')).to.deep.equal([]);
      expect(parseRouteTemplate('/')).to.deep.equal([]);
    });

    it('reads constraints separated by :', () => {
      expect(parseRouteTemplate('a/{id:int:min(3)}')).to.deep.equal([
        ['a'],
        [param('id', { constraints: ['int', 'min(3)'] })],
      ]);
    });

    it("keeps a ':' inside regex(…) in the constraint", () => {
      expect(parseRouteTemplate('t/{time:regex(^\\d\\d:\\d\\d$)}')[1]).to.deep.equal([
        param('time', { constraints: ['regex(^\\d\\d:\\d\\d$)'] }),
      ]);
    });

    it('reads {name?} as optional, also after constraints', () => {
      expect(parseRouteTemplate('items/{name?}')[1]).to.deep.equal([param('name', { optional: true })]);
      expect(parseRouteTemplate('items/{id:int?}')[1]).to.deep.equal([
        param('id', { optional: true, constraints: ['int'] }),
      ]);
    });

    it('reads {*rest} and {**rest} as catch-all', () => {
      expect(parseRouteTemplate('files/{*path}')[1]).to.deep.equal([param('path', { catchAll: true })]);
      expect(parseRouteTemplate('files/{**path}')[1]).to.deep.equal([param('path', { catchAll: true })]);
    });

    it('reads {name=value} as a default value', () => {
      expect(parseRouteTemplate('a/{page=1}')[1]).to.deep.equal([param('page', { defaultValue: '1' })]);
      expect(parseRouteTemplate('a/{page:int=1}')[1]).to.deep.equal([
        param('page', { defaultValue: '1', constraints: ['int'] }),
      ]);
    });

    it('reads literals and parameters mixed in one segment', () => {
      expect(parseRouteTemplate('docs/{name}.{ext}')[1]).to.deep.equal([param('name'), '.', param('ext')]);
      expect(parseRouteTemplate('v{major}-beta')[0]).to.deep.equal(['v', param('major'), '-beta']);
    });

    it('lists the parameter names of a route', () => {
      expect(routeParameterNames('a/{id:int}/{name?}/x.{ext}/{*rest}')).to.deep.equal(['id', 'name', 'ext', 'rest']);
      expect(routeParameterNames('products')).to.deep.equal([]);
    });

    describe('rejects routes the Functions host would reject', () => {
      const failure = (route: string) => {
        try {
          parseRouteTemplate(route);
        } catch (e) {
          expect(e).to.be.instanceOf(RouteTemplateError);
          return (e as Error).message;
        }
        expect.fail(`parseRouteTemplate(${JSON.stringify(route)}) did not throw`);
      };

      it('a { that is not closed', () => {
        expect(failure('products/{id')).to.match(/route 'products\/\{id' has a '\{' that is not closed/);
      });

      it('an empty or invalid parameter name', () => {
        expect(failure('a/{}')).to.match(/route 'a\/\{\}' has an invalid parameter '\{\}'/);
        expect(failure('a/{1x}')).to.match(/invalid parameter '\{1x\}'/);
        expect(failure('a/{a b}')).to.match(/invalid parameter '\{a b\}'/);
      });

      // Fails until parseRouteTemplate checks constraint names (see report).
      it('an unknown constraint, naming it and the route', () => {
        const message = failure('products/{id:integer}');
        expect(message).to.match(/'integer'/);
        expect(message).to.match(/products\/\{id:integer\}/);
      });

      // Fails until parseRouteTemplate rejects these (see report); ASP.NET routing refuses them at startup.
      it('an empty segment (two consecutive slashes)', () => {
        expect(failure('products//{id}')).to.match(/products\/\/\{id\}/);
      });

      it('the same parameter name twice', () => {
        expect(failure('a/{id}/b/{id}')).to.match(/'id'/);
      });

      it('a catch-all parameter that is not at the end of the route', () => {
        expect(failure('files/{*path}/edit')).to.match(/'path'/);
      });
    });

    // Fails until parameter text is unescaped (see report): ASP.NET routing requires {{ and }} inside a parameter.
    it('unescapes doubled braces inside a parameter, so a regex can use a quantifier', () => {
      expect(parseRouteTemplate('zip/{code:regex(^\\d{{5}}$)}')[1]).to.deep.equal([
        param('code', { constraints: ['regex(^\\d{5}$)'] }),
      ]);
    });
  });

  describe('satisfiesConstraints', () => {
    const ok = (value: string, ...constraints: string[]) => satisfiesConstraints(value, constraints);

    it('accepts any value when there are no constraints', () => {
      expect(ok('anything')).to.equal(true);
    });

    it('int and long: whole numbers, optionally negative', () => {
      expect([ok('42', 'int'), ok('-7', 'int'), ok('1.5', 'int'), ok('x', 'int'), ok('', 'int')]).to.deep.equal([
        true,
        true,
        false,
        false,
        false,
      ]);
      expect([ok('9007199254740993', 'long'), ok('1e3', 'long')]).to.deep.equal([true, false]);
    });

    // Fails until the int and long checks compare against their ranges (see report).
    it('int and long: only values within 32-bit and 64-bit range', () => {
      expect([ok('2147483647', 'int'), ok('-2147483648', 'int')]).to.deep.equal([true, true]);
      expect([ok('2147483648', 'int'), ok('-2147483649', 'int')]).to.deep.equal([false, false]);
      expect([ok('9223372036854775807', 'long'), ok('-9223372036854775808', 'long')]).to.deep.equal([true, true]);
      expect([ok('9223372036854775808', 'long'), ok('-9223372036854775809', 'long')]).to.deep.equal([false, false]);
    });

    it('bool: true or false in any case', () => {
      expect([ok('true', 'bool'), ok('FALSE', 'bool'), ok('yes', 'bool'), ok('1', 'bool')]).to.deep.equal([
        true,
        true,
        false,
        false,
      ]);
    });

    it('guid: with or without hyphens and braces', () => {
      expect(ok('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'guid')).to.equal(true);
      expect(ok('3F2504E04F8911D39A0C0305E82C3301', 'guid')).to.equal(true);
      expect(ok('{3f2504e0-4f89-11d3-9a0c-0305e82c3301}', 'guid')).to.equal(true);
      expect(ok('3f2504e0-4f89-11d3-9a0c', 'guid')).to.equal(false);
      expect(ok('zf2504e0-4f89-11d3-9a0c-0305e82c3301', 'guid')).to.equal(false);
    });

    it('alpha: ASCII letters only', () => {
      expect([ok('abcXYZ', 'alpha'), ok('ab1', 'alpha'), ok('é', 'alpha')]).to.deep.equal([true, false, false]);
    });

    it('length(n) and length(min,max), minlength, maxlength', () => {
      expect([ok('abc', 'length(3)'), ok('abcd', 'length(3)')]).to.deep.equal([true, false]);
      expect([ok('a', 'length(2,4)'), ok('ab', 'length(2,4)'), ok('abcd', 'length(2, 4)')]).to.deep.equal([
        false,
        true,
        true,
      ]);
      expect(ok('abcde', 'length(2,4)')).to.equal(false);
      expect([ok('a', 'minlength(2)'), ok('ab', 'minlength(2)')]).to.deep.equal([false, true]);
      expect([ok('abc', 'maxlength(2)'), ok('ab', 'maxlength(2)')]).to.deep.equal([false, true]);
    });

    it('min, max and range: integers within bounds, inclusive', () => {
      expect([ok('2', 'min(3)'), ok('3', 'min(3)'), ok('x', 'min(3)')]).to.deep.equal([false, true, false]);
      expect([ok('4', 'max(3)'), ok('3', 'max(3)'), ok('-10', 'max(3)')]).to.deep.equal([false, true, true]);
      expect([
        ok('0', 'range(1,3)'),
        ok('1', 'range(1,3)'),
        ok('3', 'range(1,3)'),
        ok('4', 'range(1,3)'),
      ]).to.deep.equal([false, true, true, false]);
    });

    it('regex(…): matches case-insensitively, with the pattern taken verbatim (commas and colons included)', () => {
      expect(ok('AB', 'regex(^ab$)')).to.equal(true);
      expect(ok('a,b', 'regex(^a,b$)')).to.equal(true);
      expect(ok('12:30', 'regex(^\\d\\d:\\d\\d$)')).to.equal(true);
      expect(ok('1230', 'regex(^\\d\\d:\\d\\d$)')).to.equal(false);
    });

    it('requires every constraint to hold', () => {
      expect(ok('5', 'int', 'range(1,10)')).to.equal(true);
      expect(ok('50', 'int', 'range(1,10)')).to.equal(false);
    });

    it('rejects an unknown constraint, naming it', () => {
      expect(() => ok('5', 'integer')).to.throw(RouteTemplateError, /unknown route constraint 'integer'/);
      expect(() => ok('5', 'int(')).to.throw(RouteTemplateError, /unknown route constraint 'int\('/);
    });
  });

  describe('matchRoute', () => {
    const match = (route: string, path: string) => matchRoute(parseRouteTemplate(route), path);

    it('matches literals and returns the route parameters', () => {
      expect(match('products/{id}', 'products/12')).to.deep.equal({ id: '12' });
      expect(match('products/{id}', '/products/12/')).to.deep.equal({ id: '12' });
    });

    it('compares literals case-insensitively', () => {
      expect(match('products/{id}', 'PRODUCTS/12')).to.deep.equal({ id: '12' });
    });

    it('does not match a different literal, a missing segment or extra segments', () => {
      expect(match('products/{id}', 'orders/12')).to.equal(undefined);
      expect(match('products/{id}', 'products')).to.equal(undefined);
      expect(match('products/{id}', 'products/12/extra')).to.equal(undefined);
      expect(match('products', 'products/12')).to.equal(undefined);
    });

    it('does not match a value that fails a constraint', () => {
      expect(match('products/{id:int}', 'products/12')).to.deep.equal({ id: '12' });
      expect(match('products/{id:int}', 'products/abc')).to.equal(undefined);
      expect(match('a/{flag:bool}', 'a/TRUE')).to.deep.equal({ flag: 'TRUE' });
      expect(match('a/{name:alpha:length(2,3)}', 'a/abcd')).to.equal(undefined);
      expect(match('a/{n:range(1,3)}', 'a/2')).to.deep.equal({ n: '2' });
    });

    it('matches an empty route only with an empty path', () => {
      expect(match('', '')).to.deep.equal({});
      expect(match('', '/')).to.deep.equal({});
      expect(match('', 'x')).to.equal(undefined);
    });

    it('lets a trailing optional parameter be missing', () => {
      expect(match('items/{name?}', 'items')).to.deep.equal({});
      expect(match('items/{name?}', 'items/')).to.deep.equal({});
      expect(match('items/{name?}', 'items/pen')).to.deep.equal({ name: 'pen' });
      expect(match('items/{a?}/{b?}', 'items')).to.deep.equal({});
    });

    it('does not let a missing optional parameter be followed by a literal', () => {
      expect(match('items/{name?}/edit', 'items/edit')).to.equal(undefined);
    });

    it('fills a missing trailing parameter from its default', () => {
      expect(match('list/{page:int=1}', 'list')).to.deep.equal({ page: '1' });
      expect(match('list/{page:int=1}', 'list/4')).to.deep.equal({ page: '4' });
    });

    it('lets a catch-all parameter take the rest of the path, slashes included', () => {
      expect(match('files/{*path}', 'files/a/b/c.txt')).to.deep.equal({ path: 'a/b/c.txt' });
      expect(match('files/{*path=index}', 'files')).to.deep.equal({ path: 'index' });
    });

    // Fails until matchRoute lets a catch-all match nothing (see report), as ASP.NET routing does.
    it('lets a catch-all parameter match nothing, giving it no value', () => {
      expect(match('files/{*path}', 'files')).to.deep.equal({});
    });

    it('URL-decodes parameter values', () => {
      expect(match('a/{name}', 'a/hello%20world')).to.deep.equal({ name: 'hello world' });
      expect(match('files/{*path}', 'files/a%2Fb/c%20d')).to.deep.equal({ path: 'a/b/c d' });
    });

    // Fails until matchRoute stops throwing URIError (see report).
    it('keeps a value with a malformed %-escape as it is instead of throwing', () => {
      expect(match('a/{name}', 'a/100%')).to.deep.equal({ name: '100%' });
      expect(match('a/{name}', 'a/%zz')).to.deep.equal({ name: '%zz' });
    });

    it('matches a segment of literals and parameters', () => {
      expect(match('docs/{name}.{ext}', 'docs/readme.md')).to.deep.equal({ name: 'readme', ext: 'md' });
      expect(match('docs/{name}.{ext}', 'docs/readme')).to.equal(undefined);
      expect(match('v{major}', 'V2')).to.deep.equal({ major: '2' });
    });

    // Fails until complex segments match right to left (see report), as ASP.NET routing does.
    it('gives the last literal of a segment its right-most occurrence', () => {
      expect(match('docs/{name}.{ext}', 'docs/my.file.txt')).to.deep.equal({ name: 'my.file', ext: 'txt' });
    });
  });

  describe('expandRoute', () => {
    const expand = (route: string, params: Record<string, string>) => expandRoute(parseRouteTemplate(route), params);

    it('fills in parameters, encoding their values', () => {
      expect(expand('products/{id}/{name}', { id: '1', name: 'a b/c' })).to.equal('products/1/a%20b%2Fc');
      expect(expand('docs/{name}.{ext}', { name: 'readme', ext: 'md' })).to.equal('docs/readme.md');
    });

    it('leaves out a missing optional parameter and uses a default', () => {
      expect(expand('items/{name?}', {})).to.equal('items');
      expect(expand('list/{page=1}', {})).to.equal('list/1');
    });

    it('keeps the slashes of a catch-all value', () => {
      expect(expand('files/{*path}', { path: 'a b/c.txt' })).to.equal('files/a%20b/c.txt');
      expect(expand('files/{*path}', {})).to.equal('files');
    });

    it('round-trips through matchRoute', () => {
      const route = parseRouteTemplate('p/{id:int}/{name}/{*rest}');
      const params = { id: '7', name: 'x y', rest: 'a/b' };
      expect(matchRoute(route, expandRoute(route, params))).to.deep.equal(params);
    });

    it('rejects a missing required parameter, naming it', () => {
      expect(() => expand('products/{id}', {})).to.throw(RouteTemplateError, /no value for the route parameter 'id'/);
    });
  });
});
