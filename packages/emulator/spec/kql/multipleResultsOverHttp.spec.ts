import { expect } from 'chai';
import { rowsOf, useEmulator } from '../support/emulatorFixture';

// fork, facet, consume and top-nested end to end: azure-kusto-data against the emulator over HTTP.
describe('several results, top-nested and consume through azure-kusto-data', () => {
  const fixture = useEmulator();
  const data = 'datatable(Region: string, Amount: long) ["east", 10, "east", 30, "west", 7, "north", 4]';

  it('returns one primary result per fork leg and facet table, in order', async () => {
    const fork = await fixture.client.execute(
      'db',
      `${data} | fork (summarize n = count()) Top=(top-nested 1 of Region by sum(Amount))`,
    );
    expect(fork.primaryResults.map((t) => t.name)).to.deep.equal(['PrimaryResult', 'Top']);
    expect(rowsOf({ primaryResults: [fork.primaryResults[0]] })).to.deep.equal([{ n: 4 }]);
    expect(rowsOf({ primaryResults: [fork.primaryResults[1]] })).to.deep.equal([
      { Region: 'east', aggregated_Region: 40 },
    ]);
    const facet = await fixture.client.execute('db', `${data} | facet by Region with (take 1)`);
    expect(facet.primaryResults).to.have.length(2);
    expect(rowsOf({ primaryResults: [facet.primaryResults[0]] })).to.deep.equal([{ Region: 'east', Amount: 10 }]);
  });

  it('answers consume with an empty result', async () => {
    const response = await fixture.client.execute('db', `${data} | consume`);
    expect(response.primaryResults).to.have.length(1);
    expect(response.primaryResults[0].rows().next().done).to.equal(true);
  });
});
