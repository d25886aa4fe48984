import { expect } from 'chai';
import { isKustoEmulatorSetting, readAppSetting, readSetting } from '../lib/appSettings';

describe('binding/appSettings', () => {
  it('reads a connection as the host does: ConnectionStrings first, then the setting itself', () => {
    const env = { Kusto: 'plain', 'ConnectionStrings:Kusto': 'section', CUSTOMCONNSTR_Kusto: 'app service' };
    expect(readSetting('Kusto', env)).to.deep.equal({ key: 'ConnectionStrings:Kusto', value: 'section' });
    expect(readSetting('Kusto', { Kusto: 'plain' })).to.deep.equal({ key: 'Kusto', value: 'plain' });
  });

  it('reads a %Name% setting as the name resolver does: the name, or with : written __, never a connection string', () => {
    expect(readAppSetting('Orders:Query', { Orders__Query: 'q' })).to.deep.equal({ key: 'Orders__Query', value: 'q' });
    expect(readAppSetting('OrdersQuery', { 'ConnectionStrings:OrdersQuery': 'q' })).to.equal(undefined);
    expect(readAppSetting('Empty', { Empty: '' })).to.deep.equal({ key: 'Empty', value: '' });
  });

  it('recognises UseKustoEmulator=true in any case, with spaces and a final ;, and nothing else', () => {
    for (const value of ['UseKustoEmulator=true', ' usekustoemulator = TRUE; ']) {
      expect(isKustoEmulatorSetting(value), value).to.equal(true);
    }
    for (const value of [
      'UseKustoEmulator=false',
      'UseKustoEmulator=true;Database=db',
      'UseDevelopmentStorage=true',
      '',
    ]) {
      expect(isKustoEmulatorSetting(value), value).to.equal(false);
    }
  });
});
