import { expect } from 'chai';
import * as fs from 'node:fs';
import { startEmulator } from 'kusto-emulator';
import { HostStartError, startHost, type HostLogEntry } from '../lib';
import { parseCommand, UsageError } from '../lib/cli';
import { spawnHost } from './support/cliProcess';
import { eventually, fixtureScript, makeAppDir, startFixtureHost } from './support/hostFixture';

// --functions, --verbose and --cors on the command line, and what --functions and --verbose do to a host.
describe('the Core Tools start options', () => {
  describe('on the command line', () => {
    it('takes the names after --functions up to the next option, and --verbose, --cors, --cors-credentials', () => {
      expect(
        parseCommand([
          'start',
          'app',
          '--functions',
          'a',
          'b',
          '--verbose',
          '--cors',
          'http://localhost:3000/, https://Site.example',
          '--cors-credentials',
        ]),
      ).to.deep.equal({
        kind: 'start',
        options: {
          appDir: 'app',
          functions: ['a', 'b'],
          verbose: true,
          cors: ['http://localhost:3000', 'https://site.example'],
          corsCredentials: true,
        },
      });
      expect(parseCommand(['start', '--functions=a,b', '--functions', 'c', 'a'])).to.deep.equal({
        kind: 'start',
        options: { appDir: '.', functions: ['a', 'b', 'c'] },
      });
      expect(parseCommand(['start', '--cors', '*'])).to.deep.equal({
        kind: 'start',
        options: { appDir: '.', cors: ['*'] },
      });
    });

    it('rejects --functions without names and --cors without origins, saying what', () => {
      const cases: [string[], RegExp][] = [
        [['start', '--functions'], /--functions needs one or more function names/],
        [['start', '--functions', '--verbose'], /--functions needs one or more function names/],
        [['start', '--functions='], /--functions needs one or more function names/],
        [['start', '--cors', 'localhost:3000'], /--cors: 'localhost:3000' is not an origin/],
        [['start', '--cors', ','], /--cors: give one or more origins/],
        [['start', '--cors'], /--cors needs a value/],
        [['start', '--verbose=1'], /--verbose takes no value/],
      ];
      for (const [args, message] of cases) {
        expect(() => parseCommand(args), args.join(' ')).to.throw(UsageError, message);
      }
    });
  });

  describe('--functions', () => {
    it('serves only the named functions (any case): other routes are 404, other timers do not run', async () => {
      const fixture = await startFixtureHost('routingApp', undefined, { functions: ['routingHello', 'ROUTINGQUEUE'] });
      try {
        expect(fixture.host.functions.map((f) => f.name)).to.deep.equal(['routingHello', 'routingQueue']);
        expect(await (await fetch(`${fixture.api}/hello/ann`)).text()).to.equal('hello ann');
        expect((await fetch(`${fixture.api}/items/1`)).status).to.equal(404);
        const admin = (name: string) =>
          fetch(`${fixture.host.url}/admin/functions/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ input: 'job' }),
          });
        expect((await admin('routingTimer')).status).to.equal(404);
        expect((await admin('routingQueue')).status).to.equal(202);
        await eventually(() => (fixture.logs.some((e) => e.message.includes('queue message')) ? true : undefined));
        // routingTimer runs on start-up when it is loaded.
        expect(fixture.logs.map((e) => e.message).join('\n')).not.to.include('timer ran');
      } finally {
        await fixture.close();
      }
    });

    it('refuses to start with a name the app does not have, naming it and listing the known ones', async () => {
      const error = await startFixtureHost('routingApp', undefined, { functions: ['routingHello', 'nope'] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(HostStartError);
      expect((error as Error).message).to.match(
        /^--functions: the app has no function named 'nope'\. Its functions: routingItem, .*routingQueue, routingTimer\.$/,
      );
    });

    it('works from the command line: the table lists only those, and --verbose logs each request', async () => {
      const appDir = makeAppDir({ 'host.json': { version: '2.0' } });
      const host = spawnHost([
        'start',
        appDir,
        '--script',
        fixtureScript('routingApp'),
        '--port',
        '0',
        '--functions',
        'routingHello',
        'routingQueue',
        '--verbose',
      ]);
      try {
        const url = await host.listening;
        await host.waitFor('Host started.');
        const table = host.stdout().slice(host.stdout().indexOf('Functions:'));
        expect(table).to.include('\troutingHello: [GET] http://localhost:');
        expect(table).to.include('\troutingQueue: queueTrigger\n');
        expect(table).not.to.include('routingItem');
        expect(table).not.to.include('routingTimer');
        expect((await fetch(`${url}/api/hello`)).status).to.equal(200);
        await host.waitFor(/Request GET \/api\/hello answered 200 in \d+ ms\./, 10_000);
      } finally {
        await host.stop();
        fs.rmSync(appDir, { recursive: true, force: true });
      }
    });
  });

  describe('--verbose', () => {
    it('shows the debug lines host.json levels hide, and only with --verbose', async () => {
      const hostJson = { version: '2.0', logging: { logLevel: { default: 'Information', Host: 'Warning' } } };
      for (const verbose of [false, true]) {
        const fixture = await startFixtureHost('routingApp', hostJson, { verbose, functions: ['routingHello'] });
        try {
          expect((await fetch(`${fixture.api}/hello/bo`)).status).to.equal(200);
          const requestLine = () =>
            fixture.logs.find((e) => e.level === 'debug' && e.message.startsWith('Request GET /api/hello/bo'));
          if (verbose) {
            const entry = await eventually(requestLine);
            expect(entry.category).to.equal('host');
            expect(entry.message).to.match(/^Request GET \/api\/hello\/bo answered 200 in \d+ ms\.$/);
          } else {
            // The line is logged once the response is finished: give it the time it would take.
            await new Promise((resolve) => setTimeout(resolve, 100));
            expect(requestLine()).to.equal(undefined);
            expect(fixture.logs.filter((e) => e.level === 'debug')).to.deep.equal([]);
          }
        } finally {
          await fixture.close();
        }
      }
    });

    it("shows the Kusto bindings' debug lines: rows read and records ingested", async () => {
      const emulator = await startEmulator({ databases: ['hostdb'] });
      const appDir = makeAppDir({ 'host.json': { version: '2.0' } });
      const logs: HostLogEntry[] = [];
      try {
        await emulator.runScript(
          'hostdb',
          '.create table Things (Id:long, Label:string)\n\n.alter table Things policy streamingingestion enable',
        );
        // Other specs load this fixture too: it registers afresh only when taken out of the require cache.
        const script = fixtureScript('kustoApp');
        delete require.cache[script];
        const host = await startHost({
          appDir,
          script,
          port: 0,
          env: { ...process.env, KustoConnectionString: emulator.connectionString('hostdb') },
          log: (entry) => logs.push(entry),
          functions: ['writeThings', 'readThing'],
          verbose: true,
        });
        try {
          const written = await fetch(`${host.url}/api/things`, {
            method: 'POST',
            body: JSON.stringify([{ Id: 1, Label: 'one' }]),
          });
          expect(written.status).to.equal(201);
          expect((await fetch(`${host.url}/api/things/1`)).status).to.equal(200);
        } finally {
          await host.close();
        }
        const debug = logs.filter((e) => e.level === 'debug').map((e) => e.message);
        expect(
          debug.some((m) => /^Kusto: .*1 records into 'hostdb'\.'Things'/.test(m)),
          debug.join('\n'),
        ).to.equal(true);
        expect(
          debug.some((m) => /^Kusto: .*query on database 'hostdb' returned 1 rows/.test(m)),
          debug.join('\n'),
        ).to.equal(true);
      } finally {
        await emulator.close();
        fs.rmSync(appDir, { recursive: true, force: true });
      }
    });
  });
});
