import { app } from '@azure/functions';
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { hostVersion, parseCommand, UsageError } from '../lib/cli';
import { spawnHost } from './support/cliProcess';
import { eventually, fixtureScript, makeAppDir } from './support/hostFixture';

/** How many processes have `pid` as their parent (Linux: read from /proc). */
function childrenOf(pid: number): number {
  let count = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the 2nd field after the command name, which is in parentheses and may hold spaces.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) count++;
    } catch {
      // The process ended while the list was read.
    }
  }
  return count;
}

describe('the kusto-functions command', () => {
  let appDir: string;
  before(() => {
    appDir = makeAppDir({ 'host.json': { version: '2.0' } });
  });
  after(() => fs.rmSync(appDir, { recursive: true, force: true }));

  describe('arguments', () => {
    it('reads the app directory and options', () => {
      expect(
        parseCommand([
          'start',
          'examples/products',
          '--port',
          '0',
          '--script',
          'dist/x.js',
          '--host=0.0.0.0',
          '--volatile',
        ]),
      ).to.deep.equal({
        kind: 'start',
        options: { appDir: 'examples/products', port: 0, script: 'dist/x.js', host: '0.0.0.0', volatile: true },
      });
      expect(parseCommand(['start', '-p', '8080'])).to.deep.equal({
        kind: 'start',
        options: { appDir: '.', port: 8080 },
      });
      expect(parseCommand(['start', '--help'])).to.deep.equal({ kind: 'help' });
      expect(parseCommand(['--version'])).to.deep.equal({ kind: 'version' });
    });

    it('rejects what it does not understand, saying what', () => {
      const cases: [string[], RegExp][] = [
        [[], /Missing command/],
        [['run'], /Unknown command 'run'/],
        [['start', '--port', 'x'], /--port must be a number from 0 to 65535; got 'x'/],
        [['start', '--port', '70000'], /--port must be a number/],
        [['start', '--script'], /--script needs a value/],
        [['start', '--quiet'], /Unknown option '--quiet'/],
        [['start', 'a', 'b'], /Unexpected argument 'b'/],
        [['start', '--volatile=yes'], /--volatile takes no value/],
      ];
      for (const [args, message] of cases)
        expect(() => parseCommand(args), args.join(' ')).to.throw(UsageError, message);
    });
  });

  it('prints its version with --version', async () => {
    const host = spawnHost(['--version']);
    expect(await host.exited).to.equal(0);
    expect(host.stdout()).to.equal(`${hostVersion()}\n`);
    expect(hostVersion()).to.match(/^\d+\.\d+\.\d+/);
  });

  it('exits with code 1 and one line naming the port when the port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const host = spawnHost(['start', appDir, '--script', fixtureScript('lifecycleApp'), '--port', String(port)]);
      expect(await host.exited).to.equal(1);
      expect(host.stderr()).to.equal(
        `Port ${port} is unavailable. Close the process using that port, or choose another port with --port <number>.\n`,
      );
      expect(host.stdout()).to.equal('');
    } finally {
      blocker.close();
    }
  });

  it("prints an app that fails to load once: the message, then the app's own frames only", async () => {
    const broken = makeAppDir({
      'host.json': { version: '2.0' },
      'package.json': { main: 'index.js' },
      'index.js': [
        'function connect() {',
        "  throw new Error('no database configured: Password=LoadSecret7;');",
        '}',
        'connect();',
      ].join('\n'),
    });
    try {
      const host = spawnHost(['start', broken, '--port', '0']);
      expect(await host.exited).to.equal(1);
      const lines = host.stderr().trimEnd().split('\n');
      expect(lines[0]).to.match(
        /^Worker was unable to load entry point ".*index\.js": no database configured: Password=\*+;$/,
      );
      expect(lines.slice(1).map((l) => l.replace(/\(.*[\\/]/, '(').replace(/:\d+\)$/, ')'))).to.deep.equal([
        '    at connect (index.js:2)',
        '    at Object.<anonymous> (index.js:4)',
      ]);
      expect(host.stderr()).not.to.contain('LoadSecret7');
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  it('exits with code 1 and the usage on a bad argument', async () => {
    const host = spawnHost(['start', appDir, '--port', 'seventy']);
    expect(await host.exited).to.equal(1);
    expect(host.stderr()).to.match(
      /^--port must be a number from 0 to 65535; got 'seventy'\.\n\nUsage: kusto-functions start/,
    );
  });

  it('refuses an app that enables HTTP streaming, saying so in one line', async () => {
    const host = spawnHost(['start', appDir, '--script', fixtureScript('streamingApp'), '--port', '0']);
    expect(await host.exited).to.equal(1);
    // HTTP streaming (app.setup) came with @azure/functions 4.3.0; under 4.2.0 the app itself fails to load.
    if (typeof (app as { setup?: unknown }).setup !== 'function') {
      expect(host.stderr()).to.match(/^Worker was unable to load entry point .*app\.setup is not a function/);
      return;
    }
    expect(host.stderr()).to.equal(
      'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support yet: remove it to run locally.\n',
    );
  });

  it('stops gracefully on a SIGTERM that arrives while it is still starting', async function () {
    this.timeout(60_000);
    const env = { ...process.env };
    delete env.KustoConnectionString;
    // The Products example starts the embedded emulator and warms the KQL parser (seconds): a signal sent once the
    // emulator's process exists lands during the start, after the command has begun handling signals.
    const host = spawnHost(['start', 'examples/products', '--port', '0', '--volatile'], env);
    if (fs.existsSync('/proc/self/stat')) {
      await eventually(() => (childrenOf(host.child.pid!) > 0 ? true : undefined), 30_000);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(host.stdout(), 'the signal lands before the start has finished').to.not.contain('Now listening on');
    host.child.kill('SIGTERM');
    expect(await host.exited).to.equal(0);
    expect(host.stdout()).to.contain('Stopping the host...');
  });

  it('stops gracefully on SIGTERM: the request under way completes, new ones are refused, terminate hooks run', async () => {
    const host = spawnHost(['start', appDir, '--script', fixtureScript('lifecycleApp'), '--port', '0']);
    try {
      const url = await host.listening;
      expect(host.stdout()).to.contain('app start hook ran');
      const slow = fetch(`${url}/api/slow?ms=1500`).then(async (res) => ({
        status: res.status,
        body: await res.text(),
      }));
      await host.waitFor('sleeping 1500 ms');
      host.child.kill('SIGTERM');
      await host.waitFor('Stopping the host...');
      // The listener is closed: a new connection is refused while the slow request finishes.
      const refused = await fetch(`${url}/api/slow?ms=0`).then(
        (res) => `answered ${res.status}`,
        () => 'refused',
      );
      expect(refused).to.equal('refused');
      expect(await slow).to.deep.equal({ status: 200, body: 'done' });
      expect(await host.exited).to.equal(0);
      const out = host.stdout();
      const order = ["Executed 'Functions.lifecycleSlow' (Succeeded", 'app terminate hook ran', 'Host stopped.'].map(
        (t) => out.indexOf(t),
      );
      expect(order.every((i) => i >= 0)).to.equal(true, out);
      expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    } finally {
      await host.stop();
    }
  });

  it('keeps the embedded emulator data in the app directory across restarts (flushed at shutdown)', async function () {
    this.timeout(120_000);
    const dataApp = makeAppDir({
      'host.json': { version: '2.0' },
      'setup.kql':
        '.create table Things (Id:long, Label:string)\n\n.alter table Things policy streamingingestion enable\n',
    });
    const env = { ...process.env };
    delete env.KustoConnectionString;
    delete env.UnreachableKusto;
    const args = ['start', dataApp, '--script', fixtureScript('kustoApp'), '--port', '0'];
    try {
      const first = spawnHost(args, env);
      const firstUrl = await first.listening;
      expect(first.stdout()).to.contain('Kusto: created database hostdb.');
      expect(first.stdout()).to.contain('Kusto: ran setup.kql in hostdb (2 commands).');
      const written = await fetch(`${firstUrl}/api/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ Id: 1, Label: 'kept' }]),
      });
      expect(written.status).to.equal(201);
      expect(await first.stop()).to.equal(0);

      const second = spawnHost(args, env);
      try {
        const secondUrl = await second.listening;
        expect(second.stdout()).to.contain('Kusto: loaded database hostdb from the data directory.');
        expect(second.stdout()).to.contain('Kusto: setup.kql not run: hostdb already exists');
        const read = await fetch(`${secondUrl}/api/things/1`);
        expect(await read.json()).to.deep.equal([{ Id: 1, Label: 'kept' }]);
      } finally {
        expect(await second.stop()).to.equal(0);
      }
    } finally {
      fs.rmSync(dataApp, { recursive: true, force: true });
    }
  });
});
