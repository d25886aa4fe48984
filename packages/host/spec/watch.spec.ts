import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHost, type HostLogEntry, type RunningHost } from '../lib';
import { parseCommand } from '../lib/cli';
import { eventually } from './support/hostFixture';

// An app with a build step, as a user's TypeScript app has: `npm run build` checks src/app.js and copies it to dist/.
// Its Kusto setting is not set, so the embedded emulator serves it: the rows it holds must outlive every reload.
const BUILD_SCRIPT = `
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
execFileSync(process.execPath, ['--check', 'src/app.js'], { stdio: 'inherit' });
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('src/app.js', 'dist/app.js');
`;

function appSource(version: number, extra = ''): string {
  return `
const { app, input, output } = require('@azure/functions');
const common = { type: 'kusto', database: 'watchdb', connection: 'WatchKustoConnection' };
const write = output.generic({ ...common, tableName: 'Notes' });
app.http('addNote', {
  route: 'notes',
  methods: ['POST'],
  extraOutputs: [write],
  handler: async (request, context) => {
    context.extraOutputs.set(write, await request.json());
    return { status: 201 };
  },
});
const read = input.generic({ ...common, kqlCommand: 'Notes | order by Id asc' });
app.http('listNotes', {
  route: 'notes',
  methods: ['GET'],
  extraInputs: [read],
  handler: async (_request, context) => ({ jsonBody: { version: ${version}, notes: context.extraInputs.get(read) } }),
});
${extra}
`;
}

describe('start --watch', () => {
  let appDir: string;
  let host: RunningHost;
  const logs: HostLogEntry[] = [];
  const messages = () => logs.map((entry) => entry.message);

  // Each step waits for the log line it causes: count them, so an earlier line does not satisfy a later step.
  const waitForLog = (pattern: RegExp, after: number) =>
    eventually(
      () =>
        messages()
          .slice(after)
          .some((m) => pattern.test(m))
          ? true
          : undefined,
      30_000,
    );
  const listNotes = async () => {
    const response = await fetch(`${host.url}/api/notes`);
    expect(response.status).to.equal(200);
    return (await response.json()) as { version: number; notes: { Id: number; Text: string }[] };
  };
  const edit = (source: string) => fs.writeFileSync(path.join(appDir, 'src', 'app.js'), source);

  before(async function () {
    this.timeout(60_000);
    // Inside the package, so that the app resolves @azure/functions as an installed app would.
    appDir = fs.mkdtempSync(path.join(__dirname, 'watch-app-'));
    fs.mkdirSync(path.join(appDir, 'src'));
    fs.writeFileSync(
      path.join(appDir, 'package.json'),
      JSON.stringify({ main: 'dist/app.js', scripts: { build: 'node build.js' } }),
    );
    fs.writeFileSync(path.join(appDir, 'build.js'), BUILD_SCRIPT);
    fs.writeFileSync(path.join(appDir, 'host.json'), JSON.stringify({ version: '2.0' }));
    fs.writeFileSync(
      path.join(appDir, 'setup.kql'),
      '.create table Notes (Id:long, Text:string)\n\n.alter table Notes policy streamingingestion enable\n',
    );
    edit(appSource(1));
    expect(spawnSync(process.execPath, ['build.js'], { cwd: appDir }).status).to.equal(0);
    const env = { ...process.env };
    delete env.WatchKustoConnection;
    host = await startHost({ appDir, port: 0, volatile: true, watch: true, env, log: (entry) => logs.push(entry) });
  });
  after(async () => {
    await host?.close();
    if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
  });

  it('is a flag of the start command', () => {
    const command = parseCommand(['start', 'app', '--watch']);
    expect(command).to.deep.include({ kind: 'start' });
    expect((command as { options: { watch?: boolean } }).options.watch).to.equal(true);
    expect(messages()).to.include(`Watching ${appDir}: a change runs "npm run build", then reloads the functions.`);
  });

  it('rebuilds and reloads on a change; rows written before the reload are read after it', async function () {
    this.timeout(60_000);
    for (const [Id, Text] of [
      [1, 'first'],
      [2, 'second'],
    ] as const) {
      const response = await fetch(`${host.url}/api/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Id, Text }),
      });
      expect(response.status).to.equal(201);
    }
    const emulator = host.emulator;
    expect((await listNotes()).version).to.equal(1);

    const mark = logs.length;
    edit(appSource(2));
    await waitForLog(/^Reloaded 2 functions in \d+ ms\.$/, mark);
    const after = await listNotes();
    expect(after.version).to.equal(2);
    expect(after.notes).to.deep.equal([
      { Id: 1, Text: 'first' },
      { Id: 2, Text: 'second' },
    ]);
    expect(host.emulator).to.equal(emulator);
  });

  it('keeps the last good functions answering when the build fails, and says why', async function () {
    this.timeout(60_000);
    const mark = logs.length;
    edit(appSource(3).replace('const common', 'const common = ('));
    await waitForLog(/^The build failed \(exit code \d+\): the previous functions keep serving\./, mark);
    const failure = messages()
      .slice(mark)
      .find((m) => m.startsWith('The build failed'))!;
    // The compiler's own message, so the user sees what to fix.
    expect(failure).to.match(/SyntaxError/);
    expect((await listNotes()).version).to.equal(2);
    expect(
      messages()
        .slice(mark)
        .some((m) => m.startsWith('Reloaded')),
    ).to.equal(false);
  });

  it('keeps the last good functions answering when the new code fails to load', async function () {
    this.timeout(60_000);
    const mark = logs.length;
    edit(appSource(4, "throw new Error('registration broke in version 4');"));
    await waitForLog(
      /^Reload failed: .*registration broke in version 4.* The previous functions keep serving\.$/,
      mark,
    );
    expect((await listNotes()).version).to.equal(2);
    // The previous app's programming model is back too: its outputs still ingest.
    const response = await fetch(`${host.url}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Id: 3, Text: 'third' }),
    });
    expect(response.status).to.equal(201);
    expect((await listNotes()).notes.map((n) => n.Id)).to.deep.equal([1, 2, 3]);
  });

  it('serves functions a reload adds, and forgets those it removes', async function () {
    this.timeout(60_000);
    const mark = logs.length;
    const count = `
const all = input.generic({ ...common, kqlCommand: 'Notes | count' });
app.http('countNotes', {
  route: 'notes/count',
  methods: ['GET'],
  extraInputs: [all],
  handler: async (_request, context) => ({ jsonBody: context.extraInputs.get(all) }),
});`;
    edit(appSource(5, count));
    await waitForLog(/^Reloaded 3 functions in \d+ ms\.$/, mark);
    expect((await listNotes()).version).to.equal(5);
    const counted = await fetch(`${host.url}/api/notes/count`);
    expect(await counted.json()).to.deep.equal([{ Count: 3 }]);
    expect(host.functions.map((f) => f.name)).to.include('countNotes');
    expect(
      messages()
        .slice(mark)
        .some((m) => m.includes('countNotes')),
    ).to.equal(true);

    const removed = logs.length;
    edit(appSource(6));
    await waitForLog(/^Reloaded 2 functions in \d+ ms\.$/, removed);
    expect((await fetch(`${host.url}/api/notes/count`)).status).to.equal(404);
  });
});
