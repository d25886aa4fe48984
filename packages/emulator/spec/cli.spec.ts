import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'azure-kusto-data';
import { type CliChild, runCli, startedCli, waitForOutput } from './support/cliChild';

const CLI = path.join(__dirname, '..', 'lib', 'cli.js');

const INIT = `.create table Items (Id:long, Name:string)

.ingest inline into table Items <| 1,apple
2,pear
`;

describe('kusto-emulator command', function () {
  // Each case starts a process (and the KQL parser on its first query).
  this.timeout(60_000);
  let dir: string;
  const running: CliChild[] = [];
  const run = (args: string[]): CliChild => {
    const cli = runCli(CLI, args, dir);
    running.push(cli);
    return cli;
  };
  const count = async (url: string, database: string, table: string): Promise<number> => {
    const client = new Client(`Data Source=${url};Database=${database}`);
    try {
      const result = await client.execute(database, `${table} | count`);
      return result.primaryResults[0].toJSON<{ Count: number }>().data[0].Count;
    } finally {
      client.close();
    }
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-emulator-cli-'));
    fs.writeFileSync(path.join(dir, 'init.kql'), INIT);
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

  it('runs in memory with --database and --init, logs each request with --verbose, and stops on SIGTERM', async () => {
    const cli = run([
      '--port',
      '0',
      '--in-memory',
      '--database',
      'db',
      '--database',
      'second',
      '--init',
      'db=init.kql',
      '--verbose',
      '--cors-origin',
      'http://localhost:3000',
    ]);
    const url = await startedCli(cli);
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.stdout()).to.contain(`Connection string: Data Source=${url};Database=db\n`);
    expect(cli.stdout()).to.contain(`Connection string: Data Source=${url};Database=second\n`);
    expect(cli.stdout()).to.contain(`Query page: ${url}/\n`);
    expect(cli.stdout()).to.contain('In memory');
    expect(cli.stdout()).to.contain('Database db: created, ran init.kql.');
    expect(await count(url, 'db', 'Items')).to.equal(2);
    expect(await count(url, 'db', 'Items')).to.equal(2);
    // `second` was created empty: the init file named db.
    const client = new Client(`Data Source=${url};Database=second`);
    try {
      const tables = await client.executeMgmt('second', '.show tables');
      expect(tables.primaryResults[0].toJSON().data).to.deep.equal([]);
    } finally {
      client.close();
    }
    // --verbose: one line per request, path only. The line is written when the response finishes, so the
    // second may reach the pipe after the client has its answer: wait for it (bounded).
    const queryLine = /^\S+Z POST \/v2\/rest\/query 200 \d+ ms KNC\.execute;\S+$/gm;
    await waitForOutput(cli, /POST \/v2\/rest\/query 200[^]*POST \/v2\/rest\/query 200[^\n]*\n/);
    const queries = cli.stdout().match(queryLine) ?? [];
    expect(queries).to.have.length(2);
    // --cors-origin: that page may call it.
    const preflight = await fetch(`${url}/v2/rest/query`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).to.equal(204);
    expect(fs.existsSync(path.join(dir, '.kusto-emulator'))).to.equal(false);
    cli.child.kill('SIGTERM');
    expect(await cli.exited()).to.equal(0);
    expect(cli.stdout()).to.contain('Kusto emulator stopped.');
    expect(cli.stderr()).to.equal('');
  });

  it('keeps databases in .kusto-emulator by default, and runs --init only when it creates the database', async () => {
    const args = ['--port', '0', '--database', 'db', '--init', 'init.kql'];
    const first = run(args);
    const url = await startedCli(first);
    expect(first.stdout()).to.contain(`Data directory: ${path.join(dir, '.kusto-emulator')}`);
    const client = new Client(`Data Source=${url};Database=db`);
    try {
      await client.executeMgmt('db', '.ingest inline into table Items <| 3,plum');
    } finally {
      client.close();
    }
    first.child.kill('SIGINT');
    expect(await first.exited()).to.equal(0);
    expect(fs.existsSync(path.join(dir, '.kusto-emulator'))).to.equal(true);

    const second = run(args);
    const again = await startedCli(second);
    expect(second.stdout()).to.contain('Database db: found in the data directory (init scripts not run).');
    // The init rows once, and the row acknowledged before the stop: nothing lost, nothing doubled.
    expect(await count(again, 'db', 'Items')).to.equal(3);
    second.child.kill('SIGTERM');
    expect(await second.exited()).to.equal(0);
  });

  it('makes a database again when a start was killed before its --init scripts finished', async () => {
    // The query block loads the KQL parser (a second or more): the kill lands while the script runs, after the
    // table was created and made durable.
    fs.writeFileSync(path.join(dir, 'slow.kql'), `${INIT}\nprint x = 1\n\n.ingest inline into table Items <| 3,plum\n`);
    const args = ['--port', '0', '--database', 'db', '--init', 'slow.kql'];
    const dataDir = path.join(dir, '.kusto-emulator');
    const killed = run(args);
    const deadline = Date.now() + 15_000;
    const started = () =>
      fs.existsSync(dataDir) &&
      fs.readdirSync(dataDir).some((f) => f.endsWith('.pending')) &&
      fs.readdirSync(dataDir).some((f) => f.endsWith('.db'));
    while (!started() && killed.child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(started(), killed.stdout() + killed.stderr()).to.equal(true);
    killed.child.kill('SIGKILL');
    expect(await killed.exited()).to.equal('SIGKILL');
    expect(killed.stdout()).not.to.contain('Press Ctrl+C');

    const restarted = run(args);
    const url = await startedCli(restarted);
    expect(restarted.stdout()).to.contain('Database db: created again');
    // The whole script once: the two rows of its first ingest and the third, not doubled.
    expect(await count(url, 'db', 'Items')).to.equal(3);
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.pending'))).to.deep.equal([]);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited()).to.equal(0);
  });

  it('says in one line that the port is in use, and exits with 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const cli = run(['--port', String(port), '--in-memory']);
      expect(await cli.exited()).to.equal(1);
      const lines = cli.stderr().trimEnd().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain(`127.0.0.1:${port}`);
      expect(lines[0]).to.contain('already in use');
      expect(cli.stdout()).not.to.contain('listening');
    } finally {
      taken.close();
    }
  });

  it('fails on a failing --init block in one line naming the file and line, and keeps no half-made database', async () => {
    fs.writeFileSync(path.join(dir, 'bad.kql'), '.create table T (a:long)\n\n.create table T (a long)\n');
    const failed = run(['--port', '0', '--database', 'db', '--init', 'bad.kql']);
    expect(await failed.exited()).to.equal(1);
    const lines = failed.stderr().trimEnd().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain(path.join(dir, 'bad.kql'));
    expect(lines[0]).to.contain('line 3');
    // The next start creates the database again and runs its (fixed) init.
    const fixed = run(['--port', '0', '--database', 'db', '--init', 'init.kql']);
    const url = await startedCli(fixed);
    expect(fixed.stdout()).to.contain('Database db: created, ran init.kql.');
    expect(await count(url, 'db', 'Items')).to.equal(2);
    fixed.child.kill('SIGTERM');
    expect(await fixed.exited()).to.equal(0);
  });

  it('explains command-line mistakes, and prints its version and help', async () => {
    const cases: [string[], RegExp][] = [
      [['--in-memory', '--data-dir', 'x'], /--in-memory and --data-dir exclude each other/],
      [['--init', 'init.kql'], /--init init\.kql: give the database to run it in with --database/],
      [['--database', 'db', '--init', 'other=init.kql'], /'other' is not one of the --database names \(db\)/],
      [['--port', 'eighty'], /--port must be a number from 0 to 65535; got 'eighty'/],
      [['--database', 'bad/name'], /--database: Database name ['"]bad\/name['"]/],
      [['--cors-origin', 'localhost:3000'], /--cors-origin: 'localhost:3000' is not an origin/],
      [['--nope'], /Unknown option '--nope'/],
      [['serve'], /Unexpected argument 'serve'/],
      [['--init', 'db=missing.kql', '--database', 'db', '--in-memory'], /missing\.kql/],
    ];
    for (const [args, message] of cases) {
      const cli = run(args);
      expect(await cli.exited(), args.join(' ')).to.equal(1);
      expect(cli.stderr(), args.join(' ')).to.match(message);
    }
    const version = run(['--version']);
    expect(await version.exited()).to.equal(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout().trim()).to.equal(pkg.version);
    const help = run(['--help']);
    expect(await help.exited()).to.equal(0);
    for (const option of ['--port', '--host', '--data-dir', '--in-memory', '--database', '--init', '--verbose']) {
      expect(help.stdout()).to.contain(option);
    }
  });
});
