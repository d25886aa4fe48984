import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { KustoBindingError, KustoConfigurationError } from 'kusto-functions-bindings';
import { failureOf, input, makeEngine, output, provoked, trigger, useEmulator } from './support/engineFixture';
import { closedPort } from './support/faultProxy';

// The secrets of the fake connection strings: none may appear in any error or log line of the engine specs.
const APP_KEY = 'kf-AppKey-9f8e7d6c5b4a3210QQ';
const USER_TOKEN = 'kf-UserToken-0a1b2c3d4e5f6a7b8c9d';
const APP_TOKEN = 'kf-AppToken-f9e8d7c6b5a4f3e2d1c0';
const CLIENT_ID = '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const TENANT_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const SECRETS = [APP_KEY, USER_TOKEN, APP_TOKEN, CLIENT_ID, TENANT_ID];
const PARAMETER_VALUE = 'kf-parameter-value-7a6b5c';

function leaks(texts: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const secret of SECRETS) {
      if (text.toLowerCase().includes(secret.toLowerCase())) found.push(`${secret} in: ${text.slice(0, 300)}`);
    }
  }
  return found;
}

// A TCP endpoint that accepts and drops every connection: https to it fails in the TLS handshake.
async function droppingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Every engine spec of this run has added to `provoked` by the time the root after-hook runs.
after(function () {
  const found = leaks(provoked);
  if (found.length > 0) throw new Error(`Secrets reached errors or logs of the engine specs:\n${found.join('\n')}`);
});

describe('engine: secrets never reach errors or logs', () => {
  const fixture = useEmulator('.create table Products (ProductID:long, Name:string)');
  const mine: string[] = [];
  let dropping: { port: number; close(): Promise<void> };
  let closed: number;
  before(async () => {
    dropping = await droppingServer();
    closed = await closedPort();
  });
  after(() => dropping.close());

  // Runs a binding expecting `type`, keeping everything it said.
  async function provoke(
    env: NodeJS.ProcessEnv,
    run: 'input' | 'output',
    type: typeof KustoBindingError | typeof KustoConfigurationError,
    more: { managedServiceIdentity?: string } = {},
  ): Promise<Error> {
    const before = provoked.length;
    const { engine } = makeEngine({ env, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const call =
      run === 'input'
        ? engine.runInput(input('Products', more), trigger())
        : engine.runOutput(output('Products', more), [{ ProductID: 1, Name: 'x' }], trigger());
    const error = await failureOf(call, type);
    await engine.close();
    mine.push(...provoked.slice(before));
    return error;
  }

  const appKey = (host: string) =>
    `Data Source=${host};Database=db;AppClientId=${CLIENT_ID};AppKey=${APP_KEY};Authority Id=${TENANT_ID}`;

  it('an app key for an unreachable cluster (connection refused), input and output', async () => {
    const env = { KustoConnectionString: appKey(`https://127.0.0.1:${closed}`) };
    const error = await provoke(env, 'input', KustoBindingError);
    expect(error.message).to.include('ECONNREFUSED');
    await provoke(env, 'output', KustoBindingError);
  });

  it('a user token and an application token for a cluster that drops the connection', async () => {
    await provoke(
      { KustoConnectionString: `Data Source=https://127.0.0.1:${dropping.port};User Token=${USER_TOKEN}` },
      'input',
      KustoBindingError,
    );
    await provoke(
      { KustoConnectionString: `Data Source=https://127.0.0.1:${dropping.port};Application Token=${APP_TOKEN}` },
      'output',
      KustoBindingError,
    );
  });

  it('an app key whose sign-in fails (no identity endpoint reachable)', async function () {
    this.timeout(60_000);
    // Cloud metadata as a cluster answers it, so that the client goes on to sign in with the app key.
    const { CloudSettings } = await import('azure-kusto-data');
    const host = `https://127.0.0.1:${dropping.port}`;
    CloudSettings.writeToCache(host);
    try {
      const error = await provoke({ KustoConnectionString: appKey(host) }, 'input', KustoBindingError);
      expect(error.message).to.include('authentication failed');
    } finally {
      CloudSettings.deleteFromCache(host);
    }
  });

  it('malformed settings holding secrets', async () => {
    // A secret with an unquoted ';' runs into the next pair.
    await provoke(
      {
        KustoConnectionString: `Data Source=https://c.kusto.windows.net;AppClientId=${CLIENT_ID};AppKey=${APP_KEY};x${APP_KEY};Authority Id=${TENANT_ID}`,
      },
      'input',
      KustoConfigurationError,
    );
    // Incomplete app credentials.
    await provoke(
      { KustoConnectionString: `Data Source=https://c.kusto.windows.net;AppClientId=${CLIENT_ID};AppKey=${APP_KEY}` },
      'output',
      KustoConfigurationError,
    );
    // Credentials for a plain http endpoint.
    await provoke({ KustoConnectionString: appKey(fixture.emulator.url) }, 'input', KustoConfigurationError);
    // A managed identity that is neither system nor a client id, next to secrets.
    await provoke({ KustoConnectionString: appKey('https://c.kusto.windows.net') }, 'input', KustoConfigurationError, {
      managedServiceIdentity: `not-an-id-${TENANT_ID.slice(0, 4)}`,
    });
  });

  it('parameter values are not logged', async () => {
    const { engine, logs } = makeEngine({ env: fixture.env });
    await engine.runInput(
      input('declare query_parameters (name:string);Products | where Name == name', { kqlParameters: '@name={name}' }),
      trigger({ params: { name: PARAMETER_VALUE } }),
    );
    await engine.close();
    expect(logs.length).to.be.greaterThan(0);
    expect(logs.filter((l) => l.includes(PARAMETER_VALUE))).to.deep.equal([]);
  });

  it('the scan finds a secret, in any case, when one is there', () => {
    expect(leaks([`AppKey=${APP_KEY}`, `tenant ${TENANT_ID.toUpperCase()}`, 'nothing here'])).to.have.length(2);
  });

  it('none of the secrets appear in what these specs provoked', () => {
    expect(mine.length).to.be.greaterThan(8);
    // The errors do say what was wrong (so the scan is over meaningful text).
    expect(mine.join('\n')).to.match(/AppKey|Authority Id|credentials/);
    expect(leaks(mine)).to.deep.equal([]);
  });
});
