import { expect } from 'chai';
import { KustoConfigurationError } from 'kusto-functions-bindings';
import { resolveConnection } from '../../lib/connections/connection';

const resolve = (dataSource: string) =>
  resolveConnection('KustoConn', { env: { KustoConn: `Data Source=${dataSource}` } });

// A loopback Data Source is trusted with plain http and no authentication, so a name that only starts like a loopback
// address (and that any DNS owner can point anywhere) must not pass for one.
describe('kusto/connection: what counts as loopback', () => {
  for (const host of ['127.0.0.1.example.com', '127.0.0.1.example.com:8080', 'localhost.example.com', '127.0.0.1x']) {
    it(`http://${host} is not loopback: plain http is refused`, () => {
      let caught: unknown;
      try {
        resolve(`http://${host}`);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(KustoConfigurationError);
      expect((caught as Error).message)
        .to.include(`http://${host}`)
        .and.to.include('not a loopback address');
    });
  }

  it('https://127.0.0.1.example.com is an ordinary cluster: authenticated, with an ingest- endpoint', () => {
    const connection = resolve('https://127.0.0.1.example.com');
    expect(connection.loopback).to.equal(false);
    expect(connection.auth.kind).to.not.equal('none');
    expect(connection.ingestUrl).to.equal('https://ingest-127.0.0.1.example.com');
  });

  for (const host of ['127.0.0.1:8080', '127.255.0.9', 'localhost:8080', '[::1]:8080']) {
    it(`http://${host} is loopback (the control)`, () => {
      const connection = resolve(`http://${host}`);
      expect(connection.loopback).to.equal(true);
      expect(connection.auth.kind).to.equal('none');
    });
  }
});
