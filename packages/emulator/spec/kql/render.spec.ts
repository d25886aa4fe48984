import { expect } from 'chai';
import { useEmulator } from '../support/emulatorFixture';

interface Table {
  name: string;
  kind?: string;
  _rows: unknown[][];
}

describe('emulator KQL: render reports its chart in @ExtendedProperties', () => {
  const fixture = useEmulator();

  /** The (TableId, Visualization) rows of a query's @ExtendedProperties, read through azure-kusto-data. */
  async function charts(query: string): Promise<[number, Record<string, unknown>][]> {
    const response = await fixture.client.execute('db', query);
    const tables = response.tables as unknown as Table[];
    const props = tables.find((t) => t.name === '@ExtendedProperties');
    expect(props, 'the @ExtendedProperties table').to.not.equal(undefined);
    return props!._rows
      .filter((row) => row[1] === 'Visualization')
      .map((row) => [row[0] as number, JSON.parse(row[2] as string) as Record<string, unknown>]);
  }

  it('names the chart type and the with() properties as Kusto does, rows unchanged', async () => {
    const query =
      "range x from 1 to 3 step 1 | extend y = x * 2, z = x * 3 | render timechart with (title='Growth', " +
      'xcolumn=x, ycolumns=y, z, ymin=0, accumulate=true, yaxis=log)';
    const response = await fixture.client.execute('db', query);
    expect(response.primaryResults[0]._rows).to.deep.equal([
      [1, 2, 3],
      [2, 4, 6],
      [3, 6, 9],
    ]);
    const [[tableId, chart]] = await charts(query);
    expect(tableId).to.equal(1);
    expect(chart).to.include({
      Visualization: 'timechart',
      Title: 'Growth',
      XColumn: 'x',
      YColumns: 'y,z',
      Ymin: 0,
      Ymax: 'NaN',
      Accumulate: true,
      YAxis: 'log',
      Legend: null,
    });
  });

  it('reports the chart of the result that renders, and no chart type without render', async () => {
    const rendered = await charts('print a = 1; print b = 2 | render piechart');
    expect(rendered.map(([id, chart]) => [id, chart.Visualization])).to.deep.equal([[2, 'piechart']]);
    const plain = await charts('print a = 1');
    expect(plain.map(([id, chart]) => [id, chart.Visualization])).to.deep.equal([[1, null]]);
  });
});
