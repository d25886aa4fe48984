import { expect } from 'chai';
import * as http from 'node:http';
import { foreignRequestReason, hasJsonContentType, ownOrigin } from 'kusto-emulator';
import { eventually, startFixtureHost, type FixtureHost } from './support/hostFixture';

interface Answer {
  status: number;
  body: string;
}

// node:http rather than fetch: a spec must be free to send any Host header, as a rebinding browser would.
function post(port: number, path: string, headers: http.OutgoingHttpHeaders, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the admin API runs only requests sent from this machine', () => {
  let fixture: FixtureHost;
  before(async () => {
    fixture = await startFixtureHost('routingApp');
  });
  after(() => fixture?.close());

  const port = () => fixture.host.port;
  const invoke = (input: string, headers: http.OutgoingHttpHeaders) =>
    post(port(), '/admin/functions/routingQueue', headers, JSON.stringify({ input }));
  const ran = (input: string) => fixture.logs.some((e) => e.message === `queue message "${input}" dequeued 1`);
  /** Runs a function through an accepted request and waits until it ran, so that refused ones had their chance. */
  async function afterAnAcceptedRun(marker: string): Promise<void> {
    const accepted = await invoke(marker, { 'content-type': 'application/json' });
    expect(accepted.status).to.equal(202);
    await eventually(() => (ran(marker) ? true : undefined));
  }

  it('refuses a cross-origin text/plain POST (a web page needs no preflight for it), and runs nothing', async () => {
    const res = await invoke('from a page', {
      origin: 'http://evil.example',
      'content-type': 'text/plain;charset=UTF-8',
    });
    expect(res.status).to.equal(403);
    expect(JSON.parse(res.body).error).to.include("origin 'http://evil.example'");
    const json = await invoke('from a page, as JSON', {
      origin: 'http://evil.example',
      'content-type': 'application/json',
    });
    expect(json.status).to.equal(403);
    await afterAnAcceptedRun('after the cross-origin posts');
    expect(ran('from a page')).to.equal(false);
    expect(ran('from a page, as JSON')).to.equal(false);
  });

  it('refuses a Host that is not this server (DNS rebinding), and runs nothing', async () => {
    const rebound = await invoke('rebound', { host: `evil.example:${port()}`, 'content-type': 'application/json' });
    expect(rebound.status).to.equal(403);
    expect(JSON.parse(rebound.body).error).to.include(`'evil.example:${port()}'`).and.to.include('DNS rebinding');
    const otherPort = await invoke('other port', {
      host: `localhost:${port() + 1}`,
      'content-type': 'application/json',
    });
    expect(otherPort.status).to.equal(403);
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port: port(), path: '/admin/host/status', headers: { host: 'evil.example' } },
          (res) => resolve(res.resume().statusCode ?? 0),
        )
        .on('error', reject);
    });
    expect(status).to.equal(403);
    await afterAnAcceptedRun('after the rebound posts');
    expect(ran('rebound')).to.equal(false);
    expect(ran('other port')).to.equal(false);
  });

  it('requires the JSON content type Core Tools sends (415 otherwise), and runs nothing', async () => {
    const res = await invoke('as text', { 'content-type': 'text/plain' });
    expect(res.status).to.equal(415);
    expect(JSON.parse(res.body).error).to.include('application/json');
    expect((await invoke('no type', {})).status).to.equal(415);
    await afterAnAcceptedRun('after the text posts');
    expect(ran('as text')).to.equal(false);
    expect(ran('no type')).to.equal(false);
  });

  it('runs a JSON POST without an Origin, or from a page of its own under any loopback spelling (202)', async () => {
    const cases: [string, http.OutgoingHttpHeaders][] = [
      ['a tool', { 'content-type': 'application/json; charset=utf-8' }],
      ['a tool naming localhost', { host: `LocalHost:${port()}`, 'content-type': 'application/json' }],
      ['its own page', { origin: `http://127.0.0.1:${port()}`, 'content-type': 'application/json' }],
      [
        'its own page as [::1]',
        { host: `localhost:${port()}`, origin: `http://[::1]:${port()}`, 'content-type': 'application/json' },
      ],
    ];
    for (const [input, headers] of cases) {
      expect((await invoke(input, headers)).status, input).to.equal(202);
    }
    for (const [input] of cases) await eventually(() => (ran(input) ? true : undefined));
  });
});

describe('requestOrigin: the rule', () => {
  const loopback = { host: '127.0.0.1', port: 7071 };
  const allowed = (headers: http.IncomingHttpHeaders, server = loopback) =>
    foreignRequestReason(headers, server) === undefined;

  it('takes loopback names with the port, and nothing that merely starts or ends like one', () => {
    for (const host of ['localhost:7071', '127.0.0.1:7071', '127.1.2.3:7071', '[::1]:7071', 'LOCALHOST:7071']) {
      expect(allowed({ host }), host).to.equal(true);
    }
    for (const host of [
      'localhost',
      'localhost:80',
      'evil.localhost:7071',
      'localhost.evil.example:7071',
      '127.0.0.1.example.com:7071',
      'evil.example@localhost:7071',
      'localhost:7071/x',
      'localhost:7071 ',
      '',
    ]) {
      expect(allowed({ host }), host).to.equal(false);
    }
    expect(allowed({})).to.equal(false);
  });

  it('takes the address it was told to bind, and any address of the machine when bound to all of them', () => {
    expect(allowed({ host: '192.168.1.5:7071' }, { host: '192.168.1.5', port: 7071 })).to.equal(true);
    expect(allowed({ host: 'devbox:7071' }, { host: 'DevBox', port: 7071 })).to.equal(true);
    expect(allowed({ host: '192.168.1.5:7071' }, loopback)).to.equal(false);
    expect(allowed({ host: '192.168.1.5:7071' }, { host: '0.0.0.0', port: 7071 })).to.equal(true);
    expect(allowed({ host: '[fd00::5]:7071' }, { host: '::', port: 7071 })).to.equal(true);
    expect(allowed({ host: 'devbox.example:7071' }, { host: '0.0.0.0', port: 7071 })).to.equal(false);
  });

  it("takes no Origin, or the server's own origin; refuses any other, null and https", () => {
    const host = 'localhost:7071';
    for (const origin of ['http://localhost:7071', 'http://127.0.0.1:7071', 'http://[::1]:7071']) {
      expect(allowed({ host, origin }), origin).to.equal(true);
    }
    for (const origin of [
      'http://evil.example',
      'http://localhost:7072',
      'http://localhost',
      'https://localhost:7071',
      'null',
      'http://localhost:7071.evil.example',
    ]) {
      expect(allowed({ host, origin }), origin).to.equal(false);
    }
    expect(ownOrigin(loopback)).to.equal('http://localhost:7071');
    expect(ownOrigin({ host: '::1', port: 7071 })).to.equal('http://localhost:7071');
    expect(ownOrigin({ host: '192.168.1.5', port: 80 })).to.equal('http://192.168.1.5:80');
  });

  it('reads the JSON content type with or without parameters, in any case', () => {
    expect(hasJsonContentType({ 'content-type': 'Application/JSON; charset=utf-8' })).to.equal(true);
    for (const type of [undefined, 'text/plain', 'application/jsonp', 'application/x-www-form-urlencoded']) {
      expect(hasJsonContentType({ 'content-type': type }), String(type)).to.equal(false);
    }
  });
});
