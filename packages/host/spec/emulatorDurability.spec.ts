import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventually, fixtureScript, makeAppDir } from './support/hostFixture';
import { spawnHost } from './support/cliProcess';

// The local host's embedded emulator keeps its data in the app's .kusto-emulator folder with the emulator's storage:
// what a function's Kusto output binding wrote, once answered 201, survives the host being killed (no shutdown).
describe('the embedded emulator of a killed host', () => {
  it('keeps rows an HTTP function wrote (201) and the setup schema after SIGKILL', async function () {
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
      let emulatorUrl = '';
      try {
        const url = await first.listening;
        emulatorUrl = /using the embedded Kusto emulator at (\S+) /.exec(first.stdout())![1];
        expect((await fetch(`${emulatorUrl}/v1/rest/ping`)).status).to.equal(200);
        for (const id of [1, 2, 3]) {
          const written = await fetch(`${url}/api/things`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify([{ Id: id, Label: `kept ${id}` }]),
          });
          expect(written.status).to.equal(201);
        }
      } finally {
        // No SIGTERM: the process dies at once, as on a crash or a closed terminal.
        first.child.kill('SIGKILL');
        await first.exited;
      }
      // The emulator's process does not outlive its host: it exits when the host's IPC channel closes.
      const gone = await eventually(
        () =>
          fetch(`${emulatorUrl}/v1/rest/ping`).then(
            () => undefined,
            () => true,
          ),
        10_000,
      );
      expect(gone, `the emulator at ${emulatorUrl} still answers after its host was killed`).to.equal(true);

      const second = spawnHost(args, env);
      try {
        const url = await second.listening;
        expect(second.stdout()).to.contain('Kusto: loaded database hostdb from the data directory.');
        for (const id of [1, 2, 3]) {
          const read = await fetch(`${url}/api/things/${id}`);
          expect(await read.json()).to.deep.equal([{ Id: id, Label: `kept ${id}` }]);
        }
      } finally {
        expect(await second.stop()).to.equal(0);
      }
    } finally {
      fs.rmSync(dataApp, { recursive: true, force: true });
    }
  });

  it('makes the database again when a host was killed while its setup script ran', async function () {
    this.timeout(120_000);
    const dataApp = makeAppDir({
      'host.json': { version: '2.0' },
      // The middle block takes seconds: the host is killed while it runs.
      'setup.kql': [
        '.create table Things (Id:long, Label:string)',
        '.alter table Things policy streamingingestion enable',
        '.set-or-append Filler <| range x from 1 to 1000000 step 1',
        '.ingest inline into table Things <| 99,last block',
      ].join('\n\n'),
    });
    const env = { ...process.env };
    delete env.KustoConnectionString;
    delete env.UnreachableKusto;
    const args = ['start', dataApp, '--script', fixtureScript('kustoApp'), '--port', '0'];
    const marker = path.join(dataApp, '.kusto-emulator', 'kusto-functions-setup.pending');
    try {
      const first = spawnHost(args, env);
      try {
        await eventually(() => (fs.existsSync(marker) ? true : undefined), 60_000);
      } finally {
        first.child.kill('SIGKILL');
        await first.exited;
      }
      expect(first.stdout(), 'killed before the script finished').to.not.contain('Kusto: ran setup.kql');

      const second = spawnHost(args, env);
      try {
        const url = await second.listening;
        expect(second.stdout()).to.contain(
          'Kusto: ran setup.kql in hostdb (4 commands); hostdb was made again: a previous start stopped before the script finished.',
        );
        const read = await fetch(`${url}/api/things/99`);
        expect(await read.json()).to.deep.equal([{ Id: 99, Label: 'last block' }]);
      } finally {
        expect(await second.stop()).to.equal(0);
      }
      expect(fs.existsSync(marker), 'the marker is gone once the script is on disk').to.equal(false);
    } finally {
      fs.rmSync(dataApp, { recursive: true, force: true });
    }
  });
});
