import { expect } from 'chai';
import { rowsOf, useEmulator } from '../support/emulatorFixture';

// fork, facet, consume, top-nested and evaluate plugins whose columns depend on the data, end to end: azure-kusto-data against the emulator over HTTP.
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

  it('answers bag_unpack and pivot with the columns the data gives', async () => {
    const unpacked = await fixture.client.execute(
      'db',
      `datatable(d:dynamic) [dynamic({"Name": "John", "Age":20}), dynamic({ "Name": "Dave", "Height": 170, "Age":40})]
       | evaluate bag_unpack(d)`,
    );
    expect(unpacked.primaryResults[0].columns.map((col) => `${col.name}:${col.type}`)).to.deep.equal([
      'Age:long',
      'Height:long',
      'Name:string',
    ]);
    expect(rowsOf(unpacked)).to.deep.equal([
      { Age: 20, Height: null, Name: 'John' },
      { Age: 40, Height: 170, Name: 'Dave' },
    ]);
    const pivoted = await fixture.client.execute('db', `${data} | evaluate pivot(Region, sum(Amount))`);
    expect(rowsOf(pivoted)).to.deep.equal([{ east: 40, west: 7, north: 4 }]);
  });
});
