import { expect } from 'chai';
import { HostStartError } from '../lib';
import { applyLocalSettings } from '../lib/appSettings';
import { readHostJson } from '../lib/hostJson';
import { tempAppDirs } from './support/hostFixture';

describe('app settings and host.json', () => {
  const app = tempAppDirs();

  it('adds local.settings.json Values to the environment without overriding what is set', () => {
    const dir = app({
      'local.settings.json': {
        IsEncrypted: false,
        Values: { A: 'from file', B: 'from file', N: 3 },
        Host: { LocalHttpPort: 7123 },
      },
    });
    const env: NodeJS.ProcessEnv = { B: 'from environment' };
    const result = applyLocalSettings(dir, env);
    expect(env).to.deep.equal({ A: 'from file', B: 'from environment', N: '3' });
    expect(result).to.deep.include({ applied: ['A', 'N'], kept: ['B'], localHttpPort: 7123 });
  });

  it('adds ConnectionStrings as ConnectionStrings:<name>, where the host looks a connection up first, as Core Tools does', () => {
    const dir = app({
      'local.settings.json': {
        Values: { OrdersKusto: 'from Values' },
        ConnectionStrings: {
          OrdersKusto: 'Data Source=https://orders.westeurope.kusto.windows.net',
          AuditKusto: { ConnectionString: 'UseKustoEmulator=true', ProviderName: 'Kusto' },
          Kept: 'from file',
        },
      },
    });
    const env: NodeJS.ProcessEnv = { 'ConnectionStrings:Kept': 'from environment' };
    const result = applyLocalSettings(dir, env);
    expect(env).to.deep.equal({
      OrdersKusto: 'from Values',
      'ConnectionStrings:OrdersKusto': 'Data Source=https://orders.westeurope.kusto.windows.net',
      'ConnectionStrings:AuditKusto': 'UseKustoEmulator=true',
      'ConnectionStrings:Kept': 'from environment',
    });
    expect(result).to.deep.include({
      applied: ['OrdersKusto', 'ConnectionStrings:OrdersKusto', 'ConnectionStrings:AuditKusto'],
      kept: ['ConnectionStrings:Kept'],
    });
  });

  it('works without local.settings.json', () => {
    const env = {};
    expect(applyLocalSettings(app({}), env)).to.deep.equal({ applied: [], kept: [] });
    expect(env).to.deep.equal({});
  });

  it('rejects malformed or encrypted settings, naming the file and the setting', () => {
    const fail = (content: string | object) => {
      try {
        applyLocalSettings(app({ 'local.settings.json': content }), {});
      } catch (error) {
        expect(error).to.be.instanceOf(HostStartError);
        return (error as Error).message;
      }
      return expect.fail('expected a HostStartError');
    };
    expect(fail('{')).to.match(/local\.settings\.json is not valid JSON/);
    expect(fail({ IsEncrypted: true, Values: {} })).to.match(/is encrypted/);
    expect(fail({ Values: { X: { nested: true } } })).to.match(
      /The setting 'X' .* must be a string, number or boolean/,
    );
    expect(fail({ ConnectionStrings: ['Data Source=x'] })).to.match(
      /"ConnectionStrings" in .*local\.settings\.json must be an object of names to connection strings/,
    );
    expect(fail({ ConnectionStrings: { K: { Value: 'x' } } })).to.match(
      /The connection string 'K' in .* must be a string or \{ "ConnectionString": "<string>" \}/,
    );
  });

  it('reads the route prefix (empty allowed), log levels and the emulator section of host.json', () => {
    const dir = app({
      'host.json': {
        version: '2.0',
        logging: { logLevel: { default: 'warning', 'Function.f': 'Information' } },
        extensions: { http: { routePrefix: '' } },
        kustoFunctions: { emulator: { setupScript: 'schema.kql', database: 'db' } },
      },
    });
    expect(readHostJson(dir)).to.deep.include({
      routePrefix: '',
      logLevels: { default: 'Warning', 'Function.f': 'Information' },
      emulator: { setupScript: 'schema.kql', database: 'db', dataDir: undefined },
    });
    expect(readHostJson(app({})).routePrefix).to.equal('api');
  });

  it('rejects unknown emulator options and log levels', () => {
    expect(() => readHostJson(app({ 'host.json': { kustoFunctions: { emulator: { setup: 'x' } } } }))).to.throw(
      HostStartError,
      /kustoFunctions\.emulator\.setup" .* not a known option/,
    );
    expect(() => readHostJson(app({ 'host.json': { logging: { logLevel: { default: 'Loud' } } } }))).to.throw(
      HostStartError,
      /logging\.logLevel\.default" .* must be one of Trace, Debug/,
    );
  });
});
