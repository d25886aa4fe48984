import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { startHost, HostStartError, type RunningHost } from '../lib';
import { corsPolicy, parseCorsOrigins } from '../lib/cors';
import { fixtureScript, makeAppDir, startFixtureHost, type FixtureHost } from './support/hostFixture';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// Node's fetch is a browser's: it does not let a spec send a preflight of its own making.
function send(url: string, method: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function corsHeaders(answer: Answer): Record<string, string> {
  return Object.fromEntries(
    Object.entries(answer.headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
  ) as Record<string, string>;
}

const ALLOWED = 'http://localhost:3000';
const OTHER = 'http://evil.example';

describe('CORS on the function routes', () => {
  it('reads comma-separated origins or *, and names an entry that is not an origin', () => {
    expect(parseCorsOrigins('http://localhost:3000/, HTTPS://App.Example:8443')).to.deep.equal([
      'http://localhost:3000',
      'https://app.example:8443',
    ]);
    expect(parseCorsOrigins('*')).to.deep.equal(['*']);
    expect(() => parseCorsOrigins('localhost:3000')).to.throw(/'localhost:3000' is not an origin/);
    expect(() => parseCorsOrigins('http://a.example/path')).to.throw(/'http:\/\/a.example\/path' is not an origin/);
    expect(corsPolicy([])).to.equal(undefined);
  });

  describe('with --cors naming one origin', () => {
    let fixture: FixtureHost;
    before(async () => {
      fixture = await startFixtureHost('routingApp', undefined, { cors: [ALLOWED] });
    });
    after(() => fixture?.close());

    it('answers a preflight from an allowed origin with the origin, method and headers asked for', async () => {
      const answer = await send(`${fixture.api}/items/1`, 'OPTIONS', {
        origin: ALLOWED,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-test',
      });
      expect(answer.status).to.equal(204);
      expect(corsHeaders(answer)).to.deep.equal({
        'access-control-allow-origin': ALLOWED,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'content-type,x-test',
        vary: 'Origin',
      });
      // Answered before routing: also for a route whose methods (GET, POST) do not include OPTIONS.
      const anyMethod = await send(`${fixture.api}/routingAnyMethod`, 'OPTIONS', {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
      });
      expect(anyMethod.status).to.equal(204);
      expect(anyMethod.headers['access-control-allow-methods']).to.equal('POST');
    });

    it('answers a preflight from another origin without CORS headers, so the browser blocks the call', async () => {
      const answer = await send(`${fixture.api}/items/1`, 'OPTIONS', {
        origin: OTHER,
        'access-control-request-method': 'PUT',
      });
      expect(answer.status).to.equal(204);
      expect(corsHeaders(answer)).to.deep.equal({});
    });

    it('adds Access-Control-Allow-Origin to the responses to an allowed origin only', async () => {
      const allowed = await send(`${fixture.api}/hello/ann`, 'GET', { origin: ALLOWED });
      expect(allowed.status).to.equal(200);
      expect(allowed.body).to.equal('hello ann');
      expect(corsHeaders(allowed)).to.deep.equal({ 'access-control-allow-origin': ALLOWED, vary: 'Origin' });
      const notFound = await send(`${fixture.api}/nowhere`, 'GET', { origin: ALLOWED });
      expect(notFound.status).to.equal(404);
      expect(notFound.headers['access-control-allow-origin']).to.equal(ALLOWED);
      const other = await send(`${fixture.api}/hello/ann`, 'GET', { origin: OTHER });
      expect(other.status).to.equal(200);
      expect(corsHeaders(other)).to.deep.equal({});
      // An OPTIONS that is not a preflight is routed as any other request.
      const plainOptions = await send(`${fixture.api}/routingAnyMethod`, 'OPTIONS', { origin: ALLOWED });
      expect(plainOptions.status).to.equal(405);
      expect(plainOptions.headers.allow).to.equal('GET, POST');
      expect(plainOptions.headers['access-control-allow-origin']).to.equal(ALLOWED);
    });

    it('leaves the admin API to its own origin rule: no CORS headers, a foreign origin refused', async () => {
      const preflight = await send(`${fixture.host.url}/admin/functions/routingQueue`, 'OPTIONS', {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
      expect(preflight.status).to.equal(403);
      expect(corsHeaders(preflight)).to.deep.equal({});
      const status = await send(`${fixture.host.url}/admin/host/status`, 'GET', { origin: ALLOWED });
      expect(status.status).to.equal(403);
      expect(corsHeaders(status)).to.deep.equal({});
    });
  });

  it('sends no CORS headers at all without a policy', async () => {
    const fixture = await startFixtureHost('routingApp', undefined, { functions: ['routingAnyMethod'] });
    try {
      const answer = await send(`${fixture.api}/routingAnyMethod`, 'OPTIONS', {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
      });
      // Routed as any other request: the route takes GET and POST only.
      expect(answer.status).to.equal(405);
      expect(corsHeaders(answer)).to.deep.equal({});
    } finally {
      await fixture.close();
    }
  });

  describe('from local.settings.json', () => {
    const start = async (host: object, options: { cors?: string[] } = {}): Promise<[RunningHost, string]> => {
      const script = fixtureScript('routingApp');
      delete require.cache[script];
      const appDir = makeAppDir({
        'host.json': { version: '2.0' },
        'local.settings.json': { IsEncrypted: false, Values: {}, Host: host },
      });
      try {
        return [await startHost({ appDir, script, port: 0, env: {}, log: () => undefined, ...options }), appDir];
      } catch (error) {
        fs.rmSync(appDir, { recursive: true, force: true });
        throw error;
      }
    };

    it('takes Host.CORS "*" with Host.CORSCredentials: the origin echoed, credentials allowed', async () => {
      const [host, appDir] = await start({ CORS: '*', CORSCredentials: true });
      try {
        const preflight = await send(`${host.url}/api/items/1`, 'OPTIONS', {
          origin: OTHER,
          'access-control-request-method': 'GET',
        });
        expect(corsHeaders(preflight)).to.deep.equal({
          'access-control-allow-origin': OTHER,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': 'GET',
          vary: 'Origin',
        });
        const get = await send(`${host.url}/api/hello`, 'GET', { origin: OTHER });
        expect(corsHeaders(get)).to.deep.equal({
          'access-control-allow-origin': OTHER,
          'access-control-allow-credentials': 'true',
          vary: 'Origin',
        });
      } finally {
        await host.close();
        fs.rmSync(appDir, { recursive: true, force: true });
      }
    });

    it('lets --cors win over Host.CORS, and * without credentials answer *', async () => {
      const [host, appDir] = await start({ CORS: ALLOWED }, { cors: ['*'] });
      try {
        const get = await send(`${host.url}/api/hello`, 'GET', { origin: OTHER });
        expect(corsHeaders(get)).to.deep.equal({ 'access-control-allow-origin': '*' });
      } finally {
        await host.close();
        fs.rmSync(appDir, { recursive: true, force: true });
      }
    });

    it('refuses a Host.CORS that is not a list of origins, or a Host.CORSCredentials that is not a boolean', async () => {
      for (const [host, message] of [
        [{ CORS: ['http://a.example'] }, /"Host.CORS" in .*local.settings.json: give a string/],
        [{ CORS: 'a.example' }, /"Host.CORS" in .*local.settings.json: 'a.example' is not an origin/],
        [{ CORSCredentials: 'yes' }, /"Host.CORSCredentials" in .*local.settings.json must be true or false/],
      ] as const) {
        const error = await start(host).then(
          ([running]) => running.close(),
          (e: unknown) => e,
        );
        expect(error, JSON.stringify(host)).to.be.instanceOf(HostStartError);
        expect((error as Error).message).to.match(message);
      }
    });
  });
});
