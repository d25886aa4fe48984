import { expect } from 'chai';
import { describeFunction } from '../lib/appFunctions';
import { HttpRouter } from '../lib/httpRouter';

function httpFunction(name: string, route: string) {
  return describeFunction({
    metadata: {
      name,
      bindings: {
        req: { type: 'httpTrigger', direction: 'in', name: 'req', route, methods: ['get'] },
        res: { type: 'http', direction: 'out', name: 'res' },
      },
    },
    callback: () => undefined,
  });
}

// ASP.NET routing (the Functions host's) orders routes by precedence, not by registration: a constrained parameter
// is more specific than a plain one, so the order in which an app registers its functions must not matter.
describe('the local host router: precedence whatever the registration order', () => {
  const byId = httpFunction('byId', 'items/{id:int}');
  const byName = httpFunction('byName', 'items/{name}');
  const rest = httpFunction('rest', 'items/{*rest}');

  for (const [label, order] of [
    ['constrained first', [byId, byName, rest]],
    ['constrained last', [rest, byName, byId]],
  ] as const) {
    describe(label, () => {
      const router = new HttpRouter(order);
      const target = (path: string) => {
        const route = router.route('GET', path);
        return route.kind === 'match' ? { fn: route.fn.name, params: route.params } : route.kind;
      };

      it('GET items/5 goes to items/{id:int}', () => {
        expect(target('items/5')).to.deep.equal({ fn: 'byId', params: { id: '5' } });
      });

      it('GET items/abc, which {id:int} refuses, goes to items/{name}', () => {
        expect(target('items/abc')).to.deep.equal({ fn: 'byName', params: { name: 'abc' } });
      });

      it('GET items/5/6 goes to the catch-all', () => {
        expect(target('items/5/6')).to.deep.equal({ fn: 'rest', params: { rest: '5/6' } });
      });
    });
  }
});
