import { expect } from 'chai';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, KustoConnectionStringBuilder } from 'azure-kusto-data';
import { type KustoEmulator, startEmulator } from '../../lib';
import { failure, rowsOf } from '../support/emulatorFixture';

// ManagedIdentityCredential unchanged, as azure-kusto-data builds it for `withUserManagedIdentity`, against a minimal
// identity endpoint of the App Service protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER) made here: the resource it asks
// for is the one the emulator's cloud metadata names, and the emulator takes the token.
describe('emulator identities: ManagedIdentityCredential through azure-kusto-data', function () {
  this.timeout(30_000);
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tenant = '72f988bf-0000-4000-8000-00000000abcd';
  const secret = randomUUID();
  const asked: { resource: string | null; clientId: string | null; header: string | undefined }[] = [];
  const issued: string[] = [];
  const saved: Record<string, string | undefined> = {};
  let endpoint: http.Server;
  let issuer: string;
  let emulator: KustoEmulator;

  before(async () => {
    endpoint = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://identity');
      const header = req.headers['x-identity-header'];
      asked.push({
        resource: url.searchParams.get('resource'),
        clientId: url.searchParams.get('client_id'),
        header: Array.isArray(header) ? header[0] : header,
      });
      if (header !== secret) {
        res.writeHead(401).end();
        return;
      }
      const resource = url.searchParams.get('resource') ?? '';
      const clientId = url.searchParams.get('client_id') ?? '';
      const now = Math.floor(Date.now() / 1000);
      const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = {
        iss: issuer,
        aud: resource,
        appid: clientId,
        azp: clientId,
        tid: tenant,
        iat: now,
        nbf: now,
        exp: now + 3600,
      };
      const signed = `${part({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${part(claims)}`;
      const token = `${signed}.${sign('RSA-SHA256', Buffer.from(signed), keys.privateKey).toString('base64url')}`;
      issued.push(token);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: token,
          expires_on: String(now + 3600),
          resource,
          token_type: 'Bearer',
          client_id: clientId,
        }),
      );
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/`;
    // Nothing may reach a real identity service: IMDS and authority hosts point at a refused loopback port.
    for (const name of ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_POD_IDENTITY_AUTHORITY_HOST', 'MSI_ENDPOINT']) {
      saved[name] = process.env[name];
    }
    process.env.IDENTITY_ENDPOINT = `${issuer}msi/token`;
    process.env.IDENTITY_HEADER = secret;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = 'http://127.0.0.1:9';
    delete process.env.MSI_ENDPOINT;
    emulator = await startEmulator({
      databases: ['db'],
      identity: { issuer, publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    await emulator.runScript('db', '.create table Products (Id:long)\n\n.ingest inline into table Products <| 1');
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await emulator?.close();
    await new Promise((resolve) => endpoint?.close(resolve));
  });

  it('gets a token for the emulator URL, refused (403) until the identity is granted, then accepted', async () => {
    const clientId = randomUUID();
    const client = new Client(KustoConnectionStringBuilder.withUserManagedIdentity(emulator.url, clientId));
    try {
      const refused = await failure(client.execute('db', 'Products | count'));
      expect(refused.status).to.equal(403);
      expect(refused.error.message).to.include(`Principal 'aadapp=${clientId};${tenant}' is not authorized to query`);
      expect(asked[0]).to.deep.equal({ resource: emulator.url, clientId, header: secret });
      for (const token of issued) expect(refused.message + JSON.stringify(refused.error)).not.to.include(token);

      await emulator.executeCommand('db', `.add database db viewers ('aadapp=${clientId};${tenant}')`);
      expect(rowsOf(await client.execute('db', 'Products | count'))).to.deep.equal([{ Count: 1 }]);
      expect(asked.every((a) => a.resource === emulator.url)).to.equal(true);
    } finally {
      client.close();
    }
  });
});
