import { expect } from 'chai';
import { Catalog, type KustoEmulator, startEmulator } from '../../lib';
import { executeCommand } from '../../lib/commands';
import { failure, rowsOf } from '../support/emulatorFixture';
import { useQueuedEmulator } from '../support/queuedFixture';

describe('emulator data management commands', () => {
  const fixture = useQueuedEmulator();
  const mgmt = (command: string) => fixture.client.executeMgmt('NetDefaultDB', command);

  it('.get ingestion resources: every resource kind, on the emulator itself, with its SAS', async () => {
    const rows = rowsOf(await mgmt('.get ingestion resources'));
    const byType = new Map<string, string[]>();
    for (const row of rows) {
      byType.set(row.ResourceTypeName as string, [
        ...(byType.get(row.ResourceTypeName as string) ?? []),
        row.StorageRoot as string,
      ]);
    }
    expect([...byType.keys()].sort()).to.deep.equal([
      'FailedIngestionsQueue',
      'IngestionsStatusTable',
      'SecuredReadyForAggregationQueue',
      'SuccessfulIngestionsQueue',
      'TempStorage',
    ]);
    for (const url of rows.map((r) => new URL(r.StorageRoot as string))) {
      expect(url.origin).to.equal(fixture.emulator.url);
      expect(url.pathname).to.match(/^\/dm\/[a-z-]+$/);
      expect(url.searchParams.get('sig')).to.equal('emulator');
    }
    expect(new Set(rows.map((r) => r.StorageRoot)).size).to.equal(rows.length);
  });

  it('answers with its own URLs when another emulator runs in the same process', async () => {
    const other = await startEmulator({ databases: ['db'] });
    try {
      const origins = async (emulator: KustoEmulator): Promise<string[]> => {
        const table = await emulator.executeCommand('db', '.get ingestion resources');
        return [...new Set(table.rows.map((row) => new URL(row[1] as string).origin))];
      };
      expect(await origins(fixture.emulator)).to.deep.equal([fixture.emulator.url]);
      expect(await origins(other)).to.deep.equal([other.url]);
    } finally {
      await other.close();
    }
  });

  it("accepts the browser client's CORS properties", async () => {
    const rows = rowsOf(
      await mgmt(
        ".get ingestion resources with (EnableBlobCors='true', EnableQueueCors='true', EnableTableCors='true')",
      ),
    );
    expect(rows).to.have.length(5);
  });

  it('.get kusto identity token: one AuthorizationContext', async () => {
    const rows = rowsOf(await mgmt('.get kusto identity token'));
    expect(rows).to.have.length(1);
    expect(rows[0].AuthorizationContext).to.be.a('string').and.not.equal('');
  });

  it('refuses other .get commands, naming them', async () => {
    const failed = await failure(mgmt('.get ingestion failures'));
    expect(failed.status).to.equal(400);
    expect(failed.error['@message']).to.match(/'\.get ingestion failures' command is not supported/);
  });

  it('says the DM service is missing when the catalog has none (commands run outside startEmulator)', () => {
    const context = { catalog: new Catalog(), databaseName: 'NetDefaultDB', parameters: {}, options: {}, now: 0n };
    expect(() => executeCommand(context, '.get ingestion resources')).to.throw(/data management service/);
  });
});
