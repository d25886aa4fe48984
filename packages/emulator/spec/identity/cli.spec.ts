import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliChild, runCli, startedCli } from '../support/cliChild';

const CLI = path.join(__dirname, '..', '..', 'lib', 'cli.js');
const issuer = 'http://127.0.0.1:9/';

describe('kusto-emulator --identity-issuer / --identity-public-key', function () {
  this.timeout(60_000);
  let dir: string;
  const running: CliChild[] = [];
  const run = (args: string[]): CliChild => {
    const cli = runCli(CLI, args, dir);
    running.push(cli);
    return cli;
  };
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-emulator-identity-cli-'));
    fs.writeFileSync(path.join(dir, 'issuer.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  afterEach(async () => {
    for (const cli of running.splice(0)) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) {
        cli.child.kill('SIGKILL');
        await cli.exited().catch(() => undefined);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks tokens of the issuer it is given, and answers the auth metadata for itself', async () => {
    const cli = run([
      '--port',
      '0',
      '--in-memory',
      '--database',
      'db',
      '--identity-issuer',
      issuer,
      '--identity-public-key',
      'issuer.pem',
    ]);
    const url = await startedCli(cli);
    expect(cli.stdout()).to.contain(`Identities checked: tokens of ${issuer}`);
    const metadata = (await (await fetch(`${url}/v1/rest/auth/metadata`)).json()) as {
      AzureAD: { KustoServiceResourceId: string };
    };
    expect(metadata.AzureAD.KustoServiceResourceId).to.equal(url);

    const now = Math.floor(Date.now() / 1000);
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: issuer, aud: url, appid: 'a', tid: 't', exp: now + 60 })}`;
    const token = `${signed}.${sign('RSA-SHA256', Buffer.from(signed), keys.privateKey).toString('base64url')}`;
    const query = (authorization?: string): Promise<Response> =>
      fetch(`${url}/v1/rest/mgmt`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
        body: JSON.stringify({ db: 'db', csl: '.show tables' }),
      });
    // Valid, but without a role: 403; the developer (no token): 200; a tampered signature: 401.
    expect((await query(`Bearer ${token}`)).status).to.equal(403);
    expect((await query()).status).to.equal(200);
    expect((await query(`Bearer ${token.slice(0, -4)}AAAA`)).status).to.equal(401);
    cli.child.kill('SIGTERM');
    expect(await cli.exited()).to.equal(0);
    expect(cli.stdout() + cli.stderr()).not.to.contain(token);
  });

  it('refuses one flag without the other, and a file that is not a public key', async () => {
    const cases: [string[], RegExp][] = [
      [['--identity-issuer', issuer], /--identity-issuer and --identity-public-key go together/],
      [['--identity-public-key', 'issuer.pem'], /--identity-issuer and --identity-public-key go together/],
      [['--identity-issuer', issuer, '--identity-public-key', 'missing.pem'], /missing\.pem/],
      [
        ['--identity-issuer', issuer, '--identity-public-key', 'init.kql'],
        /identity\.publicKey is not a PEM public key/,
      ],
    ];
    fs.writeFileSync(path.join(dir, 'init.kql'), '.create table T (a:long)\n');
    for (const [args, message] of cases) {
      const cli = run(['--port', '0', '--in-memory', ...args]);
      expect(await cli.exited(), args.join(' ')).to.equal(1);
      expect(cli.stderr(), args.join(' ')).to.match(message);
    }
  });
});
