import { expect } from 'chai';
import { eventually, startFixtureHost, type FixtureHost } from './support/hostFixture';

// The routing fixture (spec/host/fixtures/routingApp.ts) served by a host in this process.
describe('the local host over HTTP', () => {
  let fixture: FixtureHost;
  before(async () => {
    fixture = await startFixtureHost('routingApp', { version: '2.0', extensions: { http: { routePrefix: 'api' } } });
  });
  after(() => fixture?.close());

  const get = (path: string, init?: RequestInit) => fetch(`${fixture.api}/${path}`, init);

  describe('routing', () => {
    it('passes route parameters, query, headers and the URL to the handler', async () => {
      const res = await get('items/42?a=1&b=two', { headers: { 'x-test': 'hello' } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/json');
      expect(await res.json()).to.deep.equal({
        id: '42',
        method: 'GET',
        query: { a: '1', b: 'two' },
        header: 'hello',
        url: `${fixture.api}/items/42?a=1&b=two`,
      });
    });

    it('matches the route prefix and literals case-insensitively', async () => {
      const res = await fetch(`${fixture.host.url}/API/Items/7`);
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { id: string }).id).to.equal('7');
    });

    it('applies constraints: {id:int} takes numbers, {name:alpha} letters, anything else is 404', async () => {
      expect(await (await get('items/abc')).text()).to.equal('name abc');
      expect((await get('items/12')).status).to.equal(200);
      const neither = await get('items/a1');
      expect(neither.status).to.equal(404);
      expect(await neither.text()).to.equal('');
    });

    it('serves optional parameters with and without a value', async () => {
      expect(await (await get('hello')).text()).to.equal('hello nobody');
      expect(await (await get('hello/ann')).text()).to.equal('hello ann');
    });

    it('gives a catch-all parameter the rest of the path, decoded', async () => {
      expect(await (await get('files/a/b%20c/d.txt')).json()).to.deep.equal({ path: 'a/b c/d.txt' });
    });

    it('uses the function name as the route when none is given', async () => {
      const res = await get('routingAnyMethod', { method: 'POST' });
      expect(await res.json()).to.deep.equal({ method: 'POST' });
    });

    it('answers 404 outside the prefix and for unknown routes', async () => {
      expect((await fetch(`${fixture.host.url}/items/1`)).status).to.equal(404);
      expect((await get('nowhere')).status).to.equal(404);
      expect((await get('items/1/extra')).status).to.equal(404);
    });

    it('answers 405 with an Allow header for a method the route does not take', async () => {
      const res = await get('items/42', { method: 'DELETE' });
      expect(res.status).to.equal(405);
      expect(res.headers.get('allow')?.split(', ')).to.have.members(['GET', 'PUT']);
      expect((await get('items/42', { method: 'PUT' })).status).to.equal(200);
    });
  });

  describe('responses', () => {
    it('writes status, headers, cookies and body as the handler returned them', async () => {
      const res = await get('echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ x: [1, 2] }),
      });
      expect(res.status).to.equal(201);
      expect(res.headers.get('x-echo')).to.equal('yes');
      expect(res.headers.get('content-type')).to.equal('application/json');
      expect(res.headers.getSetCookie()).to.deep.equal([
        'session=abc; Path=/; HttpOnly; SameSite=Lax',
        'theme=dark; Max-Age=60',
      ]);
      expect(await res.json()).to.deep.equal({ x: [1, 2] });
    });

    it('passes a binary body through unchanged', async () => {
      const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
      const res = await get('echo', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      expect(Buffer.from(await res.arrayBuffer())).to.deep.equal(bytes);
    });

    it('answers 204 when the handler returns nothing', async () => {
      const res = await get('nothing');
      expect(res.status).to.equal(204);
      expect(await res.text()).to.equal('');
    });

    it('answers a bare 500 when the handler throws, and logs the error with function name and invocation id', async () => {
      const res = await get('throws');
      expect(res.status).to.equal(500);
      expect(await res.text()).to.equal('');
      const error = await eventually(() =>
        fixture.logs.find((e) => e.level === 'error' && e.functionName === 'routingThrows' && !e.lifecycle),
      );
      expect(error.message).to.contain('the handler failed on purpose');
      expect(error.invocationId).to.match(/^[0-9a-f-]{36}$/);
      const executed = fixture.logs.find(
        (e) => e.invocationId === error.invocationId && e.lifecycle && /Executed/.test(e.message),
      );
      expect(executed?.message).to.match(
        new RegExp(`Executed 'Functions.routingThrows' \\(Failed, Id=${error.invocationId}`),
      );
    });

    it("logs the handler's context.log lines with function name and invocation id", async () => {
      await get('items/5');
      const entry = await eventually(() => fixture.logs.find((e) => e.message === 'item 5'));
      expect(entry).to.include({ functionName: 'routingItem', category: 'function', level: 'information' });
      const executing = fixture.logs.find((e) => e.invocationId === entry.invocationId && /^Executing/.test(e.message));
      expect(executing?.message).to.equal(
        `Executing 'Functions.routingItem' (Reason='This function was programmatically called via the host APIs.', Id=${entry.invocationId})`,
      );
    });
  });

  describe('admin API', () => {
    const admin = (name: string, body?: unknown, method = 'POST') =>
      fetch(`${fixture.host.url}/admin/functions/${name}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('invokes a queue function with the input as its message (202 Accepted)', async () => {
      const res = await admin('routingQueue', { input: '{"ProductID":9}' });
      expect(res.status).to.equal(202);
      const entry = await eventually(() =>
        fixture.logs.find((e) => e.message.startsWith('queue message {"ProductID":9}')),
      );
      expect(entry.message).to.equal('queue message {"ProductID":9} dequeued 1');
      expect(entry.functionName).to.equal('routingQueue');
    });

    it('finds the function whatever the case of its name', async () => {
      expect((await admin('ROUTINGQUEUE', { input: 'plain text' })).status).to.equal(202);
      await eventually(() => fixture.logs.find((e) => e.message === 'queue message "plain text" dequeued 1'));
    });

    it('answers 404 for an unknown function, 400 for an HTTP one or a body that is not JSON, 405 for GET', async () => {
      const unknown = await admin('nope', { input: '' });
      expect(unknown.status).to.equal(404);
      expect(await unknown.json()).to.deep.equal({ error: "No function named 'nope'." });
      const http = await admin('routingItem', { input: '' });
      expect(http.status).to.equal(400);
      expect(((await http.json()) as { error: string }).error).to.contain('/api/items/{id:int}');
      const notJson = await fetch(`${fixture.host.url}/admin/functions/routingQueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(notJson.status).to.equal(400);
      expect((await admin('routingQueue', undefined, 'GET')).status).to.equal(405);
    });

    it('reports the host status', async () => {
      const res = await fetch(`${fixture.host.url}/admin/host/status`);
      expect(await res.json()).to.deep.equal({ state: 'Running' });
    });
  });

  describe('timers', () => {
    it('runs a runOnStartup timer function once at start, with TimerInfo', async () => {
      const ran = await eventually(() =>
        fixture.logs.find((e) => e.functionName === 'routingTimer' && e.message.startsWith('timer ran')),
      );
      expect(ran.message).to.equal('timer ran, past due false');
      const executing = fixture.logs.find((e) => e.invocationId === ran.invocationId && /^Executing/.test(e.message));
      expect(executing?.message).to.contain("Reason='Timer fired on startup (runOnStartup)'");
      expect(
        fixture.logs.filter((e) => e.functionName === 'routingTimer' && e.message.startsWith('timer ran')),
      ).to.have.length(1);
    });
  });

  it('lists every function with its URL or trigger', () => {
    const byName = Object.fromEntries(fixture.host.functions.map((f) => [f.name, f]));
    const base = `http://localhost:${fixture.host.port}/api`;
    expect(byName.routingItem).to.deep.equal({
      name: 'routingItem',
      trigger: 'httpTrigger',
      url: `${base}/items/{id:int}`,
      methods: ['GET', 'PUT'],
    });
    expect(byName.routingQueue).to.deep.equal({ name: 'routingQueue', trigger: 'queueTrigger' });
    expect(byName.routingTimer).to.deep.equal({
      name: 'routingTimer',
      trigger: 'timerTrigger',
      schedule: '0 0 0 1 1 *',
    });
    const table = fixture.logs.filter((e) => e.category === 'startup').map((e) => e.message);
    expect(table).to.include(`\troutingItem: [GET,PUT] ${base}/items/{id:int}`);
    expect(table).to.include('\troutingQueue: queueTrigger');
  });
});

describe('the local host with an empty route prefix', () => {
  let fixture: FixtureHost;
  before(async () => {
    fixture = await startFixtureHost('routingApp', { version: '2.0', extensions: { http: { routePrefix: '' } } });
  });
  after(() => fixture?.close());

  it('serves routes at the root', async () => {
    const res = await fetch(`${fixture.host.url}/hello/root`);
    expect(await res.text()).to.equal('hello root');
    expect((await fetch(`${fixture.host.url}/api/hello/root`)).status).to.equal(404);
    expect(fixture.host.functions.find((f) => f.name === 'routingHello')?.url).to.equal(
      `http://localhost:${fixture.host.port}/hello/{name?}`,
    );
  });
});
