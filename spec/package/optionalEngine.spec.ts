import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The engine is an optional peer of the SDK. An app installed without it (host mode needs none) works in host mode,
// and in-process mode says which package to install. The app here is laid out as npm installs one: the SDK's bundle
// under node_modules/kusto-functions, its dependency and peers beside it, and no kusto-functions-engine.
const root = path.resolve(__dirname, '../../..');

const APP = `
require('reflect-metadata');
const { HttpTrigger, KustoInput, registerFunctions } = require('kusto-functions');
class Functions {
  get(rows) {
    return { jsonBody: rows };
  }
}
const proto = Functions.prototype;
Reflect.defineMetadata('design:paramtypes', [Object], proto, 'get');
KustoInput({ database: 'db', connection: 'KustoConnectionString', kqlCommand: 'T' })(proto, 'get', 0);
HttpTrigger({ route: 'rows' })(proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get'));
const mode = process.argv[2];
try {
  registerFunctions({ bindings: mode }, Functions);
  process.stdout.write('registered');
} catch (error) {
  process.stdout.write(error.name + ': ' + error.message);
}
`;

describe('the optional engine', () => {
  let appDir: string;

  before(() => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-no-engine-'));
    const modules = path.join(appDir, 'node_modules');
    const sdk = path.join(modules, 'kusto-functions');
    fs.mkdirSync(sdk, { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(sdk, 'package.json'));
    fs.cpSync(path.join(root, 'dist/kusto-functions.js'), path.join(sdk, 'dist/kusto-functions.js'));
    const link = (name: string, target: string) => {
      fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      fs.symlinkSync(target, path.join(modules, name), 'dir');
    };
    link('kusto-functions-bindings', path.join(root, 'packages/bindings'));
    for (const peer of ['@azure/functions', 'class-transformer', 'reflect-metadata']) {
      link(peer, fs.realpathSync(path.join(root, 'node_modules', peer)));
    }
    fs.writeFileSync(path.join(appDir, 'app.js'), APP);
  });
  after(() => fs.rmSync(appDir, { recursive: true, force: true }));

  const run = (mode: string) =>
    execFileSync(process.execPath, ['app.js', mode], { cwd: appDir, encoding: 'utf8', timeout: 20_000 });

  it('is not needed in host mode', () => {
    expect(run('host')).to.equal('registered');
  });

  it('is named, with the command that installs it, when in-process mode needs it', () => {
    expect(run('in-process')).to.equal(
      "KustoConfigurationError: registerFunctions: bindings: 'in-process' runs Kusto bindings with " +
        'kusto-functions-engine, which is not installed: run npm install kusto-functions-engine.',
    );
  });
});
