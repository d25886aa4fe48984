import { expect } from 'chai';
import { column, database, run, schemaOf, expectNotSupported } from '../fixtures/database';

// parse_url and parse_urlquery (data-explorer/kusto/query/parse-url-function.md, parse-urlquery-function.md). The
// reference prints parse_url's result as a table cell; its JSON (a leading `/` in Path, "Query Parameters" a bag) is
// the one an open-source KQL engine's suite checks against ADX (ClickHouse's KQL dialect, 02366_kql_func_string,
// "parse_url() same as ADX"), which parse_urlquery's second example confirms by indexing the bag.
describe('emulator parse_url and parse_urlquery (documented examples)', () => {
  const db = database('Docs', []);
  const refused = (query: string, construct: RegExp): void => expectNotSupported(db, query, construct);
  const parsed = (url: string): string => JSON.stringify(run(db, `print parse_url(${JSON.stringify(url)})`).rows[0][0]);
  const empty = {
    Scheme: '',
    Host: '',
    Port: '',
    Path: '',
    Username: '',
    Password: '',
    'Query Parameters': {},
    Fragment: '',
  };
  const parts = (p: Partial<typeof empty>): string => JSON.stringify({ ...empty, ...p });

  it("gives the URL's parts in the reference's order (parse-url-function example)", () => {
    const result = run(
      db,
      'print Result=parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")',
    );
    expect(schemaOf(result)).to.deep.equal(['Result:dynamic']);
    expect(JSON.stringify(result.rows[0][0])).to.equal(
      '{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username",' +
        '"Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}',
    );
    // The parts are values: Port stays text, the query parameters are a bag.
    const picked = run(
      db,
      `print u = parse_url("https://host:8080/p?a=1&b=x#f")
       | project host = tostring(u.Host), port = tostring(u.Port), a = tostring(u["Query Parameters"].a)`,
    );
    expect(picked.rows).to.deep.equal([['host', '8080', '1']]);
  });

  it('missing parts are empty strings (the suite\'s "same as ADX" cases)', () => {
    expect(parsed('')).to.equal(JSON.stringify(empty));
    expect(parsed('http://[2001:db8:3333:4444:5555:6666:7777:8888]:1234/filepath/index.htm')).to.equal(
      parts({
        Scheme: 'http',
        Host: '2001:db8:3333:4444:5555:6666:7777:8888',
        Port: '1234',
        Path: '/filepath/index.htm',
      }),
    );
    expect(parsed('http://host:1234')).to.equal(parts({ Scheme: 'http', Host: 'host', Port: '1234' }));
    expect(parsed('http:///this/is/a/path/index.htm')).to.equal(
      parts({ Scheme: 'http', Path: '/this/is/a/path/index.htm' }),
    );
    expect(parsed('http://#fragment')).to.equal(parts({ Scheme: 'http', Fragment: 'fragment' }));
    expect(parsed('http://host:abcd')).to.equal(parts({ Scheme: 'http', Host: 'host', Port: 'abcd' }));
    expect(parsed('http://username:password@')).to.equal(
      parts({ Scheme: 'http', Username: 'username', Password: 'password' }),
    );
  });

  it('refuses the shapes whose ADX result is not published, naming the URL', () => {
    refused(
      `print parse_url("http://host:1234/")`,
      /parse_url\(\) of 'http:\/\/host:1234\/' \(a path that is only \/\)/,
    );
    refused(`print parse_url("http://?arg=value")`, /a query without a path/);
    refused(`print parse_url("http://:1234/x")`, /a port without a host/);
    refused(`print parse_url("http://2001:db8:3333:4444:5555:6666:7777:8888/x")`, /IPv6 host without brackets/);
    refused(`print parse_url("bing.com")`, /not an absolute URL/);
    refused(`print parse_url("http://h/a%20b")`, /percent-encoding/);
    refused(`print parse_url("http://h/p?a=1&a=2")`, /given twice/);
  });

  it('parse_urlquery gives the query parameters as a bag (parse-urlquery-function examples)', () => {
    const result = run(db, 'print Result=parse_urlquery("k1=v1&k2=v2&k3=v3")');
    expect(JSON.stringify(result.rows[0][0])).to.equal('{"Query Parameters":{"k1":"v1","k2":"v2","k3":"v3"}}');
    const picked = run(
      db,
      `let getQueryParamValue = (querystring: string, param: string) {
           let params = parse_urlquery(querystring);
           tostring(params["Query Parameters"].[param])
       };
       print UrlQuery = 'view=vs-2019&preserve-view=true'
       | extend view = getQueryParamValue(UrlQuery, 'view')
       | extend preserve = getQueryParamValue(UrlQuery, 'preserve-view')`,
    );
    expect(schemaOf(picked)).to.deep.equal(['UrlQuery:string', 'view:string', 'preserve:string']);
    expect(column(picked, 'view')).to.deep.equal(['vs-2019']);
    expect(column(picked, 'preserve')).to.deep.equal(['true']);
    refused(`print parse_urlquery("a")`, /parse_urlquery\(\) of 'a'/);
  });
});
