import { expect } from 'chai';
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { Client, KustoConnectionStringBuilder } from 'azure-kusto-data';
import { type KustoEmulator, type RequestInfo, startEmulator } from '../../lib';
import { failure, kustoIngest, rowsOf, streamOf } from '../support/emulatorFixture';

// A test issuer: its key pair, and another key nobody trusts. The issuer URL is a refused loopback port: nothing is
// ever fetched from it (the emulator checks tokens with the key it is given).
const issuer = 'http://127.0.0.1:9/';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const tenant = '72f988bf-0000-4000-8000-00000000abcd';

/** Every token a spec made, to check that none appears in an answer or a message. */
const issued: string[] = [];

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token as the local identity endpoint signs it (the claims of the design), with overrides. */
function token(
  appId: string,
  audience: string,
  options: { key?: KeyObject; expiresIn?: number; claims?: Record<string, unknown> } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer,
    aud: audience,
    appid: appId,
    azp: appId,
    oid: randomUUID(),
    sub: randomUUID(),
    tid: tenant,
    idtyp: 'app',
    iat: now,
    nbf: now,
    exp: now + (options.expiresIn ?? 3600),
    ...options.claims,
  };
  const signed = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${base64url(claims)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signed), options.key ?? keys.privateKey).toString('base64url');
  const text = `${signed}.${signature}`;
  issued.push(text);
  return text;
}

/** A client whose every request carries `accessToken`. */
function clientWith(emulator: KustoEmulator, accessToken: string): Client {
  return new Client(KustoConnectionStringBuilder.withAccessToken(emulator.url, accessToken));
}

/** A raw request's status and Kusto error (for answers the clients turn into exceptions of their own). */
async function post(
  emulator: KustoEmulator,
  csl: string,
  authorization?: string,
  endpoint = '/v2/rest/query',
): Promise<{ status: number; text: string; body: { error?: { code: string; message: string } } }> {
  const response = await fetch(`${emulator.url}${endpoint}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: JSON.stringify({ db: 'db', csl }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { error?: { code: string; message: string } } };
}

function expectNoToken(text: string): void {
  for (const t of issued) {
    expect(text).not.to.include(t);
    expect(text).not.to.include(t.split('.')[2]);
  }
}

describe('emulator identities (identity option)', () => {
  let emulator: KustoEmulator;
  let dataDir: string;
  const app = randomUUID();
  const principal = `aadapp=${app};${tenant}`;
  const seen: string[] = [];
  // What request logs are given: the requests' headers, whose bearer tokens must not be there.
  const log = (info: RequestInfo): void => {
    seen.push(JSON.stringify(info));
  };

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-identity-'));
    emulator = await startEmulator({ databases: ['db'], dataDir, identity: { issuer, publicKey }, onRequest: log });
    await emulator.runScript(
      'db',
      '.create table Products (Id:long, Name:string)\n\n.alter table Products policy streamingingestion enable\n\n' +
        '.ingest inline into table Products <| 1,Widget',
    );
  });
  after(async () => {
    await emulator?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
    for (const text of seen) expectNoToken(text);
    expect(seen.some((text) => text.includes('"authorization":"Bearer <redacted>"'))).to.equal(true);
  });

  it('answers the auth metadata probe as a cluster with Entra ID, naming itself as the resource', async () => {
    const response = await fetch(`${emulator.url}/v1/rest/auth/metadata`);
    expect(response.status).to.equal(200);
    const metadata = (await response.json()) as { AzureAD: Record<string, unknown> };
    expect(metadata.AzureAD.KustoServiceResourceId).to.equal(emulator.url);
    expect(metadata.AzureAD.LoginEndpoint).to.equal('http://127.0.0.1:9');
    expect(metadata.AzureAD.LoginMfaRequired).to.equal(false);
  });

  it('has azure-kusto-data ask its credential for the cluster URL, and accepts that token over plain http', async () => {
    const scopes: string[][] = [];
    const credential: TokenCredential = {
      getToken: (asked): Promise<AccessToken> => {
        const list = Array.isArray(asked) ? asked : [asked];
        scopes.push(list);
        // As ManagedIdentityCredential does: the resource is the scope without `/.default`.
        const resource = list[0].replace(/\/\.default$/, '');
        return Promise.resolve({ token: token(app, resource), expiresOnTimestamp: Date.now() + 3600_000 });
      },
    };
    await emulator.executeCommand('db', `.add database db viewers ('${principal}')`);
    const client = new Client(KustoConnectionStringBuilder.withTokenCredential(emulator.url, credential));
    try {
      const rows = rowsOf(await client.execute('db', 'Products | project Name'));
      expect(rows).to.deep.equal([{ Name: 'Widget' }]);
      expect(scopes).to.deep.equal([[`${emulator.url}/.default`]]);
    } finally {
      client.close();
      await emulator.executeCommand('db', `.drop database db viewers ('${principal}')`);
    }
  });

  it('refuses with 401 a token signed with another key, an expired one and one for another audience', async () => {
    const cases: [string, string, RegExp][] = [
      ['another key', token(app, emulator.url, { key: otherKeys.privateKey }), /signature does not verify/],
      ['expired', token(app, emulator.url, { expiresIn: -3600 }), /has expired \(expired at /],
      [
        'another audience',
        token(app, 'https://help.kusto.windows.net'),
        /for audience 'https:\/\/help\.kusto\.windows\.net', not this cluster/,
      ],
      ['another issuer', token(app, emulator.url, { claims: { iss: 'https://sts.windows.net/x/' } }), /not issued/],
      ['not a JWT', 'not-a-token', /not a JWT/],
    ];
    for (const [what, bad, reason] of cases) {
      const answer = await post(emulator, 'Products | count', `Bearer ${bad}`);
      seen.push(answer.text);
      expect(answer.status, what).to.equal(401);
      expect(answer.body.error?.code, what).to.equal('Unauthorized');
      expect(answer.body.error?.message, what).to.match(reason);
      expectNoToken(answer.text);
    }
    // Through the client too: the same 401 in Kusto's error shape.
    const client = clientWith(emulator, token(app, emulator.url, { expiresIn: -3600 }));
    try {
      const refused = await failure(client.execute('db', 'Products | count'));
      seen.push(refused.message, JSON.stringify(refused.error));
      expect(refused.status).to.equal(401);
      expect(refused.error.code).to.equal('Unauthorized');
    } finally {
      client.close();
    }
  });

  it('lets a request without a token (the local developer) do everything', async () => {
    expect((await post(emulator, 'Products | count')).status).to.equal(200);
    const command = await post(
      emulator,
      '.create-or-alter function Names() { Products | project Name }',
      undefined,
      '/v1/rest/mgmt',
    );
    expect(command.status).to.equal(200);
  });

  it('holds a principal to its roles: viewers query, ingestors ingest, admins manage, with 403 naming them', async () => {
    const reader = randomUUID();
    const writer = randomUUID();
    const readerFqn = `aadapp=${reader};${tenant}`;
    const writerFqn = `aadapp=${writer};${tenant}`;
    const viewer = clientWith(emulator, token(reader, emulator.url));
    const ingestorKcsb = KustoConnectionStringBuilder.withAccessToken(emulator.url, token(writer, emulator.url));
    const ingestor = new Client(ingestorKcsb);
    const streaming = new kustoIngest.StreamingIngestClient(ingestorKcsb);
    try {
      // No grant yet: even a query is refused.
      let refused = await failure(viewer.execute('db', 'Products | count'));
      seen.push(refused.message, JSON.stringify(refused.error));
      expect(refused.status).to.equal(403);
      expect(refused.error.code).to.equal('Forbidden');
      expect(refused.error.message).to.include(`Principal '${readerFqn}' is not authorized to query in database 'db'`);

      await emulator.executeCommand('db', `.add database db viewers ('${readerFqn}') 'reads the products'`);
      await emulator.executeCommand('db', `.add database db ingestors ('${writerFqn}')`);

      expect(rowsOf(await viewer.execute('db', 'Products | count'))).to.deep.equal([{ Count: 1 }]);
      expect(rowsOf(await viewer.executeMgmt('db', '.show tables | project TableName'))).to.deep.equal([
        { TableName: 'Products' },
      ]);
      // A viewer neither ingests nor manages.
      refused = await failure(viewer.executeMgmt('db', '.ingest inline into table Products <| 2,Gadget'));
      expect(refused.status).to.equal(403);
      expect(refused.error.message).to.include(`Principal '${readerFqn}' is not authorized to run '.ingest inline'`);
      expect(refused.error.message).to.include('admins, ingestors');
      refused = await failure(viewer.executeMgmt('db', `.add database db admins ('${readerFqn}')`));
      expect(refused.status).to.equal(403);
      expect(refused.error.message).to.include("run '.add database admins'");

      // An ingestor ingests (streaming and inline) but does not read.
      await streaming.ingestFromStream(streamOf('3,Gizmo\n'), {
        database: 'db',
        table: 'Products',
        format: kustoIngest.DataFormat.CSV,
      } as never);
      await ingestor.executeMgmt('db', '.ingest inline into table Products <| 4,Doohickey');
      refused = await failure(ingestor.execute('db', 'Products | count'));
      seen.push(refused.message, JSON.stringify(refused.error));
      expect(refused.status).to.equal(403);
      expect(refused.error.message).to.include(`Principal '${writerFqn}' is not authorized to query in database 'db'`);
      expect(rowsOf(await viewer.execute('db', 'Products | count'))).to.deep.equal([{ Count: 3 }]);

      // Dropping the grant takes the role away again.
      await emulator.executeCommand('db', `.drop database db ingestors ('${writerFqn}')`);
      refused = await failure(ingestor.executeMgmt('db', '.ingest inline into table Products <| 5,Thing'));
      expect(refused.status).to.equal(403);

      // An admin manages.
      await emulator.executeCommand('db', `.add database db admins ('${readerFqn}')`);
      await viewer.executeMgmt('db', '.create-or-alter function Count2() { Products | count }');
      await viewer.executeMgmt('db', `.drop database db admins ('${readerFqn}')`);
    } finally {
      viewer.close();
      ingestor.close();
      streaming.close();
    }
    for (const text of seen) expectNoToken(text);
  });

  it("needs the caller's role in every database a query reads, and lists only those it may use", async () => {
    const reader = randomUUID();
    const readerFqn = `aadapp=${reader};${tenant}`;
    const viewer = clientWith(emulator, token(reader, emulator.url));
    await emulator.executeCommand('db', '.create database other');
    await emulator.executeCommand('other', '.set-or-append Secrets <| print Id = 7');
    try {
      await emulator.executeCommand('db', `.add database db viewers ('${readerFqn}')`);
      const refused = await failure(viewer.execute('db', "database('other').Secrets | count"));
      seen.push(refused.message, JSON.stringify(refused.error));
      expect(refused.status).to.equal(403);
      expect(refused.error.message).to.include(
        `Principal '${readerFqn}' is not authorized to query in database 'other'`,
      );
      // Through a union and a toscalar as well: every read of the other database is checked.
      for (const text of [
        "union Products, database('other').Secrets | count",
        "print n = toscalar(database('other').Secrets | count)",
      ]) {
        expect((await failure(viewer.execute('db', text))).status, text).to.equal(403);
      }
      // .show databases lists for a principal only the databases it holds a role in.
      const listed = async () =>
        rowsOf(await viewer.executeMgmt('db', '.show databases | project DatabaseName')).map((r) => r.DatabaseName);
      expect(await listed()).to.deep.equal(['db']);
      await emulator.executeCommand('other', `.add database other viewers ('${readerFqn}')`);
      expect(rowsOf(await viewer.execute('db', "database('other').Secrets | count"))).to.deep.equal([{ Count: 1 }]);
      expect((await listed()).sort()).to.deep.equal(['db', 'other']);
    } finally {
      viewer.close();
      await emulator.executeCommand('db', '.drop database other');
    }
  });

  it('shows a database principals with the documented columns, and keeps grants across a restart', async () => {
    const app2 = randomUUID();
    await emulator.executeCommand('db', `.add database db users ('aadapp=${app2};${tenant}') 'the app'`);
    const shown = await emulator.executeCommand('db', '.show database db principals');
    expect(shown.columns.map((c) => c.name)).to.deep.equal([
      'Role',
      'PrincipalType',
      'PrincipalDisplayName',
      'PrincipalObjectId',
      'PrincipalFQN',
      'Notes',
    ]);
    const row = ['Database db User', 'AAD Application', `app ${app2}`, app2, `aadapp=${app2};${tenant}`, 'the app'];
    expect(shown.rows).to.deep.include(row);

    await emulator.close();
    emulator = await startEmulator({ dataDir, identity: { issuer, publicKey }, onRequest: log });
    const again = await emulator.executeCommand('db', '.show database db principals');
    expect(again.rows).to.deep.include(row);
    // The grant still works after the restart, for a token of the restarted cluster's audience.
    const user = clientWith(emulator, token(app2, emulator.url));
    try {
      expect(rowsOf(await user.execute('db', 'Products | count'))).to.have.length(1);
    } finally {
      user.close();
    }
  });

  it('replaces a role with .set (none empties it), and skip-results answers nothing', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const fqns = (role: string, table: { rows: unknown[][] }): unknown[] =>
      table.rows.filter((row) => row[0] === `Database db ${role}`).map((row) => row[4]);
    await emulator.executeCommand('db', `.add database db monitors ('aadapp=${a};${tenant}')`);
    const set = await emulator.executeCommand('db', `.set database db monitors ('aadapp=${b};${tenant}')`);
    expect(fqns('Monitor', set)).to.deep.equal([`aadapp=${b};${tenant}`]);
    const skipped = await emulator.executeCommand(
      'db',
      `.add database db monitors ('aadapp=${a};${tenant}') skip-results`,
    );
    expect(skipped.rows).to.deep.equal([]);
    const emptied = await emulator.executeCommand('db', '.set database db monitors none');
    expect(fqns('Monitor', emptied)).to.deep.equal([]);
  });

  it('lets users create tables and functions, but not alter what admins alone may', async () => {
    const app3 = randomUUID();
    const fqn = `aadapp=${app3};${tenant}`;
    await emulator.executeCommand('db', `.add database db users ('${fqn}')`);
    const user = clientWith(emulator, token(app3, emulator.url));
    try {
      await user.executeMgmt('db', '.create table Made (Id:long)');
      await user.executeMgmt('db', '.create function MadeCount() { Made | count }');
      const refused = await failure(user.executeMgmt('db', '.alter table Made policy streamingingestion enable'));
      expect(refused.status).to.equal(403);
      expect(refused.error.message).to.include(`Principal '${fqn}' is not authorized to run '.alter table'`);
      expect(refused.error.message).to.include('needs one of the roles admins.');
      // A cluster-level command is the developer's alone.
      const cluster = await failure(user.executeMgmt('db', '.create database other volatile'));
      expect(cluster.status).to.equal(403);
      expect(cluster.error.message).to.include('cluster role');
    } finally {
      user.close();
    }
  });

  it('refuses a malformed principal, naming it', async () => {
    const answer = await post(emulator, ".add database db viewers ('someone')", undefined, '/v1/rest/mgmt');
    expect(answer.status).to.equal(400);
    expect(answer.body.error?.message).to.include("'someone' is not a principal Kusto knows");
  });
});
