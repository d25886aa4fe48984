import { expect } from 'chai';
import * as http from 'node:http';
import { Client } from 'azure-kusto-data';
import { foreignRequestReason, isAllowedOrigin, normalizeOrigin, startEmulator } from '../lib';
import { failure, useEmulator } from './support/emulatorFixture';

/** A raw request with exactly these headers (fetch cannot set Host), answered with status, headers and body. */
function send(
  url: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const dropTable = JSON.stringify({ db: 'db', csl: '.drop table Keep' });

describe('emulator: requests only from this machine', () => {
  const fixture = useEmulator();
  const mgmt = () => `${fixture.emulator.url}/v1/rest/mgmt`;
  const tableExists = async () => {
    const tables = await fixture.client.executeMgmt('db', '.show tables');
    return tables.primaryResults[0].toJSON<{ TableName: string }>().data.some((t) => t.TableName === 'Keep');
  };

  before(async () => {
    await fixture.client.executeMgmt('db', '.create table Keep (a:long)');
  });

  it("refuses a web page's cross-origin text/plain POST running .drop table (403, Kusto's shape); the table stays", async () => {
    const before = fixture.requests.length;
    const answer = await send(mgmt(), {
      headers: { origin: 'http://attacker.example', 'content-type': 'text/plain;charset=UTF-8' },
      body: dropTable,
    });
    expect(answer.status).to.equal(403);
    const error = (JSON.parse(answer.body) as { error: Record<string, unknown> }).error;
    expect(error.code).to.equal('Forbidden');
    expect(error['@type']).to.equal('Kusto.Data.Exceptions.KustoRequestDeniedException');
    expect(error['@message']).to.contain("'http://attacker.example'");
    expect(error['@permanent']).to.equal(true);
    // A browser may not read a refused cross-origin answer either.
    expect(answer.headers).not.to.have.property('access-control-allow-origin');
    expect(fixture.requests.slice(before).map((r) => r.status)).to.deep.equal([403]);
    expect(await tableExists()).to.equal(true);
  });

  it('refuses a foreign Origin whatever the content type and method, queries included', async () => {
    const json = await send(mgmt(), {
      headers: { origin: 'http://attacker.example', 'content-type': 'application/json' },
      body: dropTable,
    });
    const query = await send(`${fixture.emulator.url}/v2/rest/query?db=db&csl=Keep`, {
      method: 'GET',
      headers: { origin: 'null' },
    });
    expect([json.status, query.status]).to.deep.equal([403, 403]);
    expect(await tableExists()).to.equal(true);
  });

  it('refuses a rebinding Host (a name of the attacker pointed at 127.0.0.1) with 403; the table stays', async () => {
    const answer = await send(mgmt(), {
      headers: { host: `attacker.example:${fixture.emulator.port}`, 'content-type': 'application/json' },
      body: dropTable,
    });
    expect(answer.status).to.equal(403);
    const error = (JSON.parse(answer.body) as { error: Record<string, unknown> }).error;
    expect(error['@message']).to.contain("'attacker.example:");
    expect(error['@message']).to.contain('DNS rebinding');
    expect(await tableExists()).to.equal(true);
  });

  it('takes the loopback names of its own address, with its port', async () => {
    for (const host of [`localhost:${fixture.emulator.port}`, `127.0.0.1:${fixture.emulator.port}`]) {
      const answer = await send(mgmt(), {
        headers: { host, 'content-type': 'application/json' },
        body: JSON.stringify({ db: 'db', csl: '.show tables' }),
      });
      expect(answer.status, host).to.equal(200);
    }
    const otherPort = await send(mgmt(), {
      headers: { host: `localhost:${fixture.emulator.port + 1}`, 'content-type': 'application/json' },
      body: JSON.stringify({ db: 'db', csl: '.show tables' }),
    });
    expect(otherPort.status).to.equal(403);
  });

  it('takes only the content types the official clients send on the endpoints that change data', async () => {
    // A tool on this machine (no Origin) that sends text/plain is told what to send, and nothing runs.
    const plain = await send(mgmt(), { headers: { 'content-type': 'text/plain' }, body: dropTable });
    const form = await send(mgmt(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: dropTable,
    });
    const none = await send(mgmt(), { body: dropTable });
    for (const answer of [plain, form, none]) {
      expect(answer.status).to.equal(400);
      const error = (JSON.parse(answer.body) as { error: Record<string, unknown> }).error;
      expect(error.code).to.equal('BadRequest_UnsupportedContentType');
      expect(error['@message']).to.contain('application/json');
    }
    const ingest = await send(`${fixture.emulator.url}/v1/rest/ingest/db/Keep?streamFormat=csv`, {
      headers: { 'content-type': 'text/plain' },
      body: '1\n',
    });
    expect(ingest.status).to.equal(400);
    expect(ingest.body).to.contain('application/octet-stream');
    // The queued-ingestion storage: a POST (a queue message) of a type no storage client sends.
    const queue = await send(`${fixture.emulator.url}/dm/readyforaggregation-secured/messages?sig=emulator`, {
      headers: { 'content-type': 'text/plain' },
      body: '<QueueMessage><MessageText>x</MessageText></QueueMessage>',
    });
    expect(queue.status).to.equal(400);
    expect(await tableExists()).to.equal(true);
    const rows = await fixture.client.execute('db', 'Keep | count');
    expect(rows.primaryResults[0].toJSON<{ Count: number }>().data[0].Count).to.equal(0);
  });

  it('serves a page of its own origin (a query page it would serve), under any loopback spelling', async () => {
    for (const origin of [`http://localhost:${fixture.emulator.port}`, fixture.emulator.url]) {
      const answer = await send(`${fixture.emulator.url}/v2/rest/query`, {
        headers: { origin, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ db: 'db', csl: 'print x = 1' }),
      });
      expect(answer.status, origin).to.equal(200);
    }
  });

  it('refuses the queued-ingestion storage endpoints to a foreign Origin too', async () => {
    const answer = await send(`${fixture.emulator.url}/dm/readyforaggregation-secured/messages?sig=emulator`, {
      headers: { origin: 'http://attacker.example', 'content-type': 'application/xml' },
      body: '<QueueMessage><MessageText>x</MessageText></QueueMessage>',
    });
    expect(answer.status).to.equal(403);
  });

  it('the rule: origins are compared as browsers send them; * allows any', () => {
    expect(normalizeOrigin('HTTP://LocalHost:3000/')).to.equal('http://localhost:3000');
    expect(normalizeOrigin('https://app.example:443')).to.equal('https://app.example');
    for (const bad of ['localhost:3000', 'http://localhost:3000/path', 'ftp://x', 'http://u:p@x', '']) {
      expect(() => normalizeOrigin(bad), bad).to.throw(/is not an origin/);
    }
    expect(isAllowedOrigin('http://localhost:3000', ['http://localhost:3000'])).to.equal(true);
    expect(isAllowedOrigin('http://localhost:3001', ['http://localhost:3000'])).to.equal(false);
    expect(isAllowedOrigin('http://anything.example', ['*'])).to.equal(true);
    const server = { host: '127.0.0.1', port: 8080 };
    const headers = { host: 'localhost:8080', origin: 'http://localhost:3000' };
    expect(foreignRequestReason(headers, server)).to.match(/^Refused/);
    expect(foreignRequestReason(headers, server, ['http://localhost:3000'])).to.equal(undefined);
    // An allowed origin does not lift the Host rule.
    expect(foreignRequestReason({ ...headers, host: 'attacker.example:8080' }, server, ['*'])).to.match(/Host/);
  });
});

describe('emulator: allowed origins (allowedOrigins)', () => {
  it("answers an allowed page's preflight and requests with CORS headers, and still refuses other origins", async () => {
    const emulator = await startEmulator({ databases: ['db'], allowedOrigins: ['http://localhost:3000'] });
    try {
      const preflight = await send(`${emulator.url}/v2/rest/query`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, x-ms-client-request-id',
        },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers['access-control-allow-origin']).to.equal('http://localhost:3000');
      expect(preflight.headers['access-control-allow-headers']).to.equal('content-type, x-ms-client-request-id');
      const query = await send(`${emulator.url}/v2/rest/query`, {
        headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' },
        body: JSON.stringify({ db: 'db', csl: 'print x = 1' }),
      });
      expect(query.status).to.equal(200);
      expect(query.headers['access-control-allow-origin']).to.equal('http://localhost:3000');
      expect(query.headers['access-control-expose-headers']).to.contain('x-ms-client-request-id');
      const other = await send(`${emulator.url}/v2/rest/query`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3001', 'access-control-request-method': 'POST' },
      });
      expect(other.status).to.equal(403);
    } finally {
      await emulator.close();
    }
  });

  it('fails to start on an allowed origin that is not one, naming it', async () => {
    const error = await startEmulator({ allowedOrigins: ['localhost:3000'] }).then(
      async (emulator) => {
        await emulator.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.contain("'localhost:3000' is not an origin");
  });

  it('lets the official client work when bound to every interface, by a loopback name', async () => {
    const emulator = await startEmulator({ host: '0.0.0.0', databases: ['db'] });
    const client = new Client(`Data Source=http://localhost:${emulator.port};Database=db`);
    try {
      const result = await client.execute('db', 'print x = 2');
      expect(result.primaryResults[0].toJSON<{ x: number }>().data[0].x).to.equal(2);
      const f = await failure(client.execute('db', 'print x = '));
      expect(f.status).to.equal(400);
    } finally {
      client.close();
      await emulator.close();
    }
  });
});
