import { expect } from 'chai';
import * as http from 'node:http';
import { Client } from 'azure-kusto-data';
import { startEmulator } from '../lib';
import { failure, requestProperties, startFailure, useEmulator } from './support/emulatorFixture';

describe('emulator server', () => {
  const fixture = useEmulator();

  describe('cloud metadata probe', () => {
    it('answers GET /v1/rest/auth/metadata with 404 in Kusto error shape, as a cluster without Entra ID', async () => {
      const response = await fetch(`${fixture.emulator.url}/v1/rest/auth/metadata`);
      expect(response.status).to.equal(404);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error.code).to.equal('NotFound');
      expect(body.error['@message']).to.match(/no Entra ID/);
    });

    it('lets azure-kusto-data fall back to its defaults and send no Authorization header', async () => {
      const client = new Client(`Data Source=${fixture.emulator.url};Database=db`);
      try {
        const before = fixture.requests.length;
        await client.executeMgmt('db', '.show tables');
        const seen = fixture.requests.slice(before);
        expect(seen.map((r) => `${r.method} ${r.url}`)).to.include('POST /v1/rest/mgmt');
        for (const request of seen) expect(request.headers).not.to.have.property('authorization');
        // The client probed the metadata endpoint once for this host (it caches per host:port).
        expect(fixture.requests.some((r) => r.url === '/v1/rest/auth/metadata' && r.status === 404)).to.equal(true);
      } finally {
        client.close();
      }
    });
  });

  describe('routes', () => {
    it('answers an unknown route with 404 in Kusto error shape', async () => {
      const response = await fetch(`${fixture.emulator.url}/v1/rest/nothing-here`, { method: 'POST', body: '{}' });
      expect(response.status).to.equal(404);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error).to.include.keys('code', 'message', '@type', '@message', '@context', '@permanent');
      expect(body.error['@message']).to.contain('/v1/rest/nothing-here');
    });

    it('answers a known route with the wrong method with 405', async () => {
      const response = await fetch(`${fixture.emulator.url}/v1/rest/mgmt`);
      expect(response.status).to.equal(405);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error['@message']).to.contain('POST');
    });

    it('answers the ping endpoint', async () => {
      const response = await fetch(`${fixture.emulator.url}/v1/rest/ping`);
      expect(response.status).to.equal(200);
    });

    it('rejects a body that is not the {db, csl} JSON object', async () => {
      const response = await fetch(`${fixture.emulator.url}/v1/rest/mgmt`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: 'not json',
      });
      expect(response.status).to.equal(400);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error['@message']).to.match(/not valid JSON/);
    });

    it('sends management commands on the query endpoint back to /v1/rest/mgmt', async () => {
      const f = await failure(fixture.client.executeQuery('db', '.show tables'));
      expect(f.status).to.equal(400);
      expect(f.error['@message']).to.contain('/v1/rest/mgmt');
    });
  });

  describe('client request id', () => {
    it('echoes x-ms-client-request-id in the response headers', async () => {
      const crp = requestProperties();
      crp.clientRequestId = 'spec.echo;1234';
      const before = fixture.requests.length;
      await fixture.client.executeMgmt('db', '.show tables', crp);
      const request = fixture.requests.slice(before).find((r) => r.url === '/v1/rest/mgmt');
      expect(request?.clientRequestId).to.equal('spec.echo;1234');
      const raw = await fetch(`${fixture.emulator.url}/v1/rest/mgmt`, {
        method: 'POST',
        headers: { 'x-ms-client-request-id': 'raw;42', 'content-type': 'application/json' },
        body: JSON.stringify({ db: 'db', csl: '.show tables' }),
      });
      expect(raw.headers.get('x-ms-client-request-id')).to.equal('raw;42');
      expect(raw.headers.get('x-ms-activity-id')).to.match(/^[0-9a-f-]{36}$/);
    });

    it('echoes it in the header and the error @context of a failure', async () => {
      const crp = requestProperties();
      crp.clientRequestId = 'spec.failure;5678';
      const f = await failure(fixture.client.executeMgmt('db', '.show table Missing cslschema', crp));
      expect(f.headers['x-ms-client-request-id']).to.equal('spec.failure;5678');
      expect(f.error['@context'].clientRequestId).to.equal('spec.failure;5678');
    });
  });

  describe('error shape', () => {
    it('reports an unknown table as BadRequest_EntityNotFound, naming it', async () => {
      const f = await failure(fixture.client.executeMgmt('db', '.show table NoSuchTable cslschema'));
      expect(f.status).to.equal(400);
      expect(f.error.code).to.equal('BadRequest_EntityNotFound');
      expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.TableNotFoundException');
      expect(f.error['@message']).to.contain("'NoSuchTable'");
      expect(f.error['@permanent']).to.equal(true);
      expect(f.error['@context']).to.include.keys('timestamp', 'activityId', 'clientRequestId');
    });

    it('reports an unknown database as BadRequest_EntityNotFound', async () => {
      const f = await failure(fixture.client.executeMgmt('nodb', '.show tables'));
      expect(f.status).to.equal(400);
      expect(f.error.code).to.equal('BadRequest_EntityNotFound');
      expect(f.error['@message']).to.contain("'nodb'");
    });

    it('reports a malformed command as a syntax error with its position', async () => {
      const f = await failure(fixture.client.executeMgmt('db', '.create table T (a long)'));
      expect(f.status).to.equal(400);
      expect(f.error.code).to.equal('General_BadRequest');
      expect(f.error['@type']).to.equal('Kusto.Data.Exceptions.SyntaxException');
      expect(f.error['@message']).to.match(/expected ':' at position \d+/);
    });

    it('rejects a command it does not implement with BadRequest_NotSupported naming the command', async () => {
      const f = await failure(fixture.client.executeMgmt('db', '.show principals'));
      expect(f.status).to.equal(400);
      expect(f.error.code).to.equal('BadRequest_NotSupported');
      expect(f.error['@message']).to.contain('.show principals');
    });
  });

  describe('lifecycle', () => {
    it('fails to start on a port in use with an error naming host and port', async () => {
      const error = await startFailure({ port: fixture.emulator.port });
      expect(error?.message).to.contain(`127.0.0.1:${fixture.emulator.port}`);
      expect(error?.message).to.contain('already in use');
    });

    it('builds connection strings with and without a database', () => {
      expect(fixture.emulator.connectionString('productsdb')).to.equal(
        `Data Source=${fixture.emulator.url};Database=productsdb`,
      );
      expect(fixture.emulator.connectionString()).to.equal(`Data Source=${fixture.emulator.url}`);
      expect(fixture.emulator.url).to.equal(`http://127.0.0.1:${fixture.emulator.port}`);
    });

    it('lets a request under way finish before close() resolves', async () => {
      const emulator = await startEmulator({ databases: ['db'] });
      try {
        await emulator.executeCommand('db', '.create table T (a:long)');
        await emulator.executeCommand('db', '.alter table T policy streamingingestion enable');
        const status = new Promise<number>((resolve, reject) => {
          const req = http.request(
            `${emulator.url}/v1/rest/ingest/db/T?streamFormat=csv`,
            { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.write('1\n');
          // The rest of the body arrives after close() was called.
          setTimeout(() => req.end('2\n'), 100);
        });
        await new Promise((resolve) => setTimeout(resolve, 30));
        const closed = emulator.close();
        expect(await status).to.equal(200);
        await closed;
        expect(emulator.catalog.get('db')?.tables.get('T')?.extents[0].rows).to.deep.equal([[1n], [2n]]);
        const after = await fetch(`${emulator.url}/v1/rest/ping`).then(
          () => 'answered',
          () => 'refused',
        );
        expect(after).to.equal('refused');
      } finally {
        // close() is idempotent: this only matters when an assertion above failed before the emulator closed.
        await emulator.close();
      }
    });
  });
});
