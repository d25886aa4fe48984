import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConnection } from '../../lib/connections/connection';
import {
  applyConnectorDetails,
  newClientRequestId,
  newClientRequestProperties,
  packageVersion,
} from '../../lib/connections/tracing';

const CLUSTER = 'https://mycluster.kusto.windows.net';

describe('kusto/tracing', () => {
  it('reads the package version from package.json', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(packageVersion()).to.equal(manifest.version);
  });

  it('makes request ids as the extension does, new for every call', () => {
    const input = newClientRequestId('input');
    const output = newClientRequestId('output');
    expect(input).to.match(
      /^AzFunctions\.InputBinding;[^;]+;[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(output).to.match(/^AzFunctions\.OutputBinding;[^;]+;[0-9a-f-]{36}$/);
    expect(newClientRequestId('input')).not.to.equal(input);
  });

  it('makes client request properties carrying the id and the connection’s query consistency', () => {
    const plain = newClientRequestProperties('input');
    expect(plain.clientRequestId).to.match(/^AzFunctions\.InputBinding;/);
    expect(plain.toJSON()).to.equal(null);
    const connection = resolveConnection('K', {
      env: { K: `Data Source=${CLUSTER};Query Consistency=strongconsistency` },
    });
    const consistent = newClientRequestProperties('input', connection);
    expect(consistent.getOption('queryconsistency')).to.equal('strongconsistency');
    expect(consistent.getHeaders()['x-ms-client-request-id']).to.equal(consistent.clientRequestId);
  });

  it('sets connector details: direction, runtime, managed identity type, app and user for tracing', () => {
    const connection = resolveConnection('K', {
      env: { K: `Data Source=${CLUSTER};TraceAppName=from-string;TraceUserName=svc-user` },
      managedServiceIdentity: 'system',
    });
    const kcsb = connection.toConnectionStringBuilder();
    applyConnectorDetails(kcsb, connection, 'output', { FUNCTIONS_WORKER_RUNTIME: 'node', WEBSITE_SITE_NAME: 'site' });
    const headers = kcsb.clientDetails().getHeaders();
    expect(headers['x-ms-app']).to.include('App.{from-string}');
    expect(headers['x-ms-app']).to.include('BindingType:{OutputBinding}').and.to.include('MSI:{SystemManagedIdentity}');
    expect(headers['x-ms-user']).to.equal('svc-user');

    const user = resolveConnection('K', {
      env: { K: `Data Source=${CLUSTER}` },
      managedServiceIdentity: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
    });
    const userKcsb = user.toConnectionStringBuilder();
    applyConnectorDetails(userKcsb, user, 'input', { WEBSITE_SITE_NAME: 'site' });
    const userApp = userKcsb.clientDetails().getHeaders()['x-ms-app'];
    expect(userApp).to.include('MSI:{UserManagedIdentity}').and.to.include('App.{site}');
    expect(userApp).to.include('FunctionsRuntime:{node}');
  });
});
