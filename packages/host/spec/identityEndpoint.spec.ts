import { expect } from 'chai';
import { createPublicKey, verify } from 'node:crypto';
import * as os from 'node:os';
import { ManagedIdentityCredential } from '@azure/identity';
import {
  isLoopbackAddress,
  LOCAL_TENANT_ID,
  readManagedIdentities,
  sharedIdentityEndpoint,
  startIdentityEndpoint,
  removeIdentityListener,
  type IdentityEndpoint,
  type IdentityEndpointEvent,
  type LocalIdentity,
} from '../lib/identity';
import { withIdentityEnvironment } from './support/identity';

const USER_CLIENT_ID = '6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const CLUSTER = 'http://127.0.0.1:45678';

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  return { header, claims };
}

function signatureValid(token: string, publicKey: string): boolean {
  const [head, body, signature] = token.split('.');
  return verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    createPublicKey(publicKey),
    Buffer.from(signature, 'base64url'),
  );
}

describe('the local managed identity endpoint', () => {
  const identities: LocalIdentity[] = readManagedIdentities(
    { SystemAssigned: true, UserAssigned: [USER_CLIENT_ID.toUpperCase()] },
    'local.settings.json',
    '/apps/identity-spec',
  );
  let shared: IdentityEndpoint;
  let unregister: () => void;
  let restoreEnv: () => void;

  before(async () => {
    shared = await sharedIdentityEndpoint();
    unregister = shared.register(identities);
    restoreEnv = withIdentityEnvironment(shared);
  });
  after(() => {
    restoreEnv();
    unregister();
  });

  it('reads SystemAssigned and UserAssigned (client ids) from local.settings.json', () => {
    expect(identities.map((i) => [i.kind, i.clientId])).to.deep.equal([
      ['system', identities[0].clientId],
      ['user', USER_CLIENT_ID],
    ]);
    // The system-assigned identity keeps its ids from one start to the next.
    expect(readManagedIdentities({ SystemAssigned: true }, 'f', '/apps/identity-spec')[0]).to.deep.equal(identities[0]);
    expect(() => readManagedIdentities({ UserAssigned: ['me'] }, 'local.settings.json', '/a')).to.throw(
      /"ManagedIdentity.UserAssigned" in local.settings.json holds 'me', which is not a client id/,
    );
    expect(() => readManagedIdentities({ System: true }, 'local.settings.json', '/a')).to.throw(
      /unknown key\(s\) System/,
    );
  });

  it("gives @azure/identity's ManagedIdentityCredential an RS256 token for a user-assigned identity, valid 1 hour", async () => {
    const before = Math.floor(Date.now() / 1000);
    const seen: IdentityEndpointEvent[] = [];
    const listener = (event: IdentityEndpointEvent) => seen.push(event);
    await sharedIdentityEndpoint(listener);
    const token = await new ManagedIdentityCredential({ clientId: USER_CLIENT_ID })
      .getToken(`${CLUSTER}/.default`)
      .finally(() => removeIdentityListener(listener));
    // The endpoint answered 200, which it does only when X-IDENTITY-HEADER carries IDENTITY_HEADER.
    expect(seen).to.deep.equal([{ status: 200, clientId: USER_CLIENT_ID, resource: CLUSTER }]);
    const { header, claims } = decode(token.token);
    expect(header).to.include({ alg: 'RS256', typ: 'JWT' });
    expect(header.kid).to.be.a('string');
    expect(signatureValid(token.token, shared.publicKey)).to.equal(true);
    expect(claims).to.include({
      iss: shared.issuer,
      aud: CLUSTER,
      appid: USER_CLIENT_ID,
      azp: USER_CLIENT_ID,
      oid: identities[1].objectId,
      sub: identities[1].objectId,
      tid: LOCAL_TENANT_ID,
      idtyp: 'app',
    });
    expect(claims.exp as number).to.equal((claims.iat as number) + 3600);
    expect(claims.iat as number).to.be.within(before - 1, before + 60);
    expect(Math.round(token.expiresOnTimestamp / 1000)).to.be.within(
      (claims.exp as number) - 1,
      (claims.exp as number) + 1,
    );
  });

  it('gives the system-assigned identity when no client id is asked for', async () => {
    const token = await new ManagedIdentityCredential().getToken(`${CLUSTER}/.default`);
    expect(decode(token.token).claims).to.include({ appid: identities[0].clientId, aud: CLUSTER });
  });

  it('refuses an identity the app does not declare, naming it', async () => {
    const other = '0f0f0f0f-0000-4000-8000-000000000001';
    const error = await new ManagedIdentityCredential({ clientId: other }).getToken(`${CLUSTER}/.default`).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.include(other).and.to.include('local.settings.json');
  });

  describe('the protocol', () => {
    let endpoint: IdentityEndpoint;
    before(async () => {
      endpoint = await startIdentityEndpoint();
      endpoint.register(identities);
    });
    after(() => endpoint.close());
    const url = (query = `api-version=2019-08-01&resource=${encodeURIComponent(CLUSTER)}`) =>
      `${endpoint.endpoint}?${query}`;

    it('answers the App Service fields when X-IDENTITY-HEADER is sent', async () => {
      const res = await fetch(url(), { headers: { 'X-IDENTITY-HEADER': endpoint.header } });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, string>;
      expect(Object.keys(body).sort()).to.deep.equal([
        'access_token',
        'client_id',
        'expires_on',
        'resource',
        'token_type',
      ]);
      expect(body).to.include({ resource: CLUSTER, token_type: 'Bearer', client_id: identities[0].clientId });
      expect(Number(body.expires_on)).to.equal(decode(body.access_token).claims.exp);
    });

    it('refuses a request without X-IDENTITY-HEADER, or with a wrong one, with 401 and no token', async () => {
      for (const headers of [{}, { 'X-IDENTITY-HEADER': 'guess' }] as Record<string, string>[]) {
        const res = await fetch(url(), { headers });
        expect(res.status).to.equal(401);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body).not.to.have.property('access_token');
        expect(String(body.message)).to.include('X-IDENTITY-HEADER').and.not.to.include(endpoint.header);
      }
    });

    it('refuses another api-version, a missing resource and a resource id with 400', async () => {
      const cases: [string, RegExp][] = [
        ['api-version=2017-09-01&resource=x', /api-version must be 2019-08-01/],
        ['api-version=2019-08-01', /resource parameter/],
        [`api-version=2019-08-01&resource=x&mi_res_id=%2Fsubscriptions%2Fs`, /client id only/],
      ];
      for (const [query, message] of cases) {
        const res = await fetch(url(query), { headers: { 'X-IDENTITY-HEADER': endpoint.header } });
        expect(res.status).to.equal(400);
        expect(((await res.json()) as { message: string }).message).to.match(message);
      }
    });
  });

  describe('callers', () => {
    it('knows loopback addresses', () => {
      for (const a of ['127.0.0.1', '127.5.0.1', '::1', '::ffff:127.0.0.1'])
        expect(isLoopbackAddress(a), a).to.equal(true);
      for (const a of ['192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', '', undefined])
        expect(isLoopbackAddress(a), a).to.equal(false);
    });

    it('refuses a caller from another address with 403, even with the header', async () => {
      // Listening on every interface only to show the refusal: the host listens on 127.0.0.1.
      const open = await startIdentityEndpoint({ host: '0.0.0.0' });
      try {
        open.register(identities);
        const port = new URL(open.endpoint).port;
        const external = Object.values(os.networkInterfaces())
          .flat()
          .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
        const viaLoopback = await fetch(`${open.endpoint}?api-version=2019-08-01&resource=x`, {
          headers: { 'X-IDENTITY-HEADER': open.header },
        });
        expect(viaLoopback.status).to.equal(200);
        // A machine with no other interface has no remote caller to refuse.
        if (external !== undefined) {
          const res = await fetch(`http://${external}:${port}/msi/token?api-version=2019-08-01&resource=x`, {
            headers: { 'X-IDENTITY-HEADER': open.header },
          });
          expect(res.status).to.equal(403);
          expect(await res.text()).not.to.include('access_token');
        }
      } finally {
        await open.close();
      }
    });
  });
});
