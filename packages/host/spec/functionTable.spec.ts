import { expect } from 'chai';
import { formatFunctionTable, type HostFunctionInfo } from '../lib/functionTable';
import { startFixtureHost } from './support/hostFixture';

describe('the function table', () => {
  it('lists HTTP functions with methods and URL, then the others with their trigger, as func start', () => {
    const infos: HostFunctionInfo[] = [
      { name: 'processQueue', trigger: 'queueTrigger' },
      { name: 'getItem', trigger: 'httpTrigger', url: 'http://localhost:7071/api/items/{id}', methods: ['GET'] },
      { name: 'timerFn', trigger: 'timerTrigger', schedule: '0 */5 * * * *' },
      { name: 'anyMethod', trigger: 'httpTrigger', url: 'http://localhost:7071/api/anyMethod' },
    ];
    expect(formatFunctionTable(infos)).to.deep.equal([
      '',
      'Functions:',
      '',
      '\tgetItem: [GET] http://localhost:7071/api/items/{id}',
      '',
      '\tanyMethod: http://localhost:7071/api/anyMethod',
      '',
      '\tprocessQueue: queueTrigger',
      '',
      '\ttimerFn: timerTrigger (0 */5 * * * *)',
      '',
    ]);
  });

  it("prints a started app's queue and timer functions after its HTTP ones", async () => {
    const fixture = await startFixtureHost('routingApp');
    try {
      const table = fixture.logs.filter((e) => e.category === 'startup').map((e) => e.message);
      const queue = table.indexOf('\troutingQueue: queueTrigger');
      const timer = table.indexOf('\troutingTimer: timerTrigger (0 0 0 1 1 *)');
      const lastHttp = Math.max(...table.map((line, i) => (/^\trouting\w+: .*http:\/\//.test(line) ? i : -1)));
      expect(lastHttp, table.join('\n')).to.be.greaterThan(0);
      expect(queue, table.join('\n')).to.be.greaterThan(lastHttp);
      expect(timer).to.be.greaterThan(queue);
      expect(fixture.host.functions.find((f) => f.name === 'routingQueue')).to.deep.equal({
        name: 'routingQueue',
        trigger: 'queueTrigger',
      });
    } finally {
      await fixture.close();
    }
  });
});
