import { expect } from 'chai';
import { Client } from 'azure-kusto-data';
import { spawnHost } from './support/cliProcess';

describe('kusto-functions emulator (the Kusto emulator alone)', function () {
  this.timeout(60_000);

  it("runs the emulator package's command: serves the official client, stops on SIGTERM", async () => {
    const cli = spawnHost(['emulator', '--port', '0', '--in-memory', '--database', 'db']);
    try {
      await cli.waitFor('Press Ctrl+C to stop.');
      const connection = /Connection string: (Data Source=http:\/\/127\.0\.0\.1:\d+;Database=db)\n/.exec(cli.stdout());
      expect(connection, cli.stdout()).to.not.equal(null);
      const client = new Client(connection![1]);
      try {
        await client.executeMgmt('db', '.create table T (a:long)');
        await client.executeMgmt('db', '.ingest inline into table T <| 41');
        const result = await client.execute('db', 'T | extend b = a + 1');
        expect(result.primaryResults[0].toJSON<{ b: number }>().data).to.deep.equal([{ a: 41, b: 42 }]);
      } finally {
        client.close();
      }
    } finally {
      expect(await cli.stop()).to.equal(0);
    }
    expect(cli.stdout()).to.contain('Kusto emulator stopped.');
  });

  it('names itself in its usage, and explains a mistake in its own words', async () => {
    const help = spawnHost(['emulator', '--help']);
    expect(await help.exited).to.equal(0);
    expect(help.stdout()).to.match(/^Usage: kusto-functions emulator \[options\]/);
    expect(help.stdout()).to.contain('--data-dir');
    const wrong = spawnHost(['emulator', '--volatile']);
    expect(await wrong.exited).to.equal(1);
    expect(wrong.stderr()).to.match(/^Unknown option '--volatile'\.\n\nUsage: kusto-functions emulator/);
  });
});
