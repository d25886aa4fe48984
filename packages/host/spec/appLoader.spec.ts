import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HostStartError } from '../lib';
import { resolveEntryPoints } from '../lib/appLoader';
import { tempAppDirs } from './support/hostFixture';

describe('finding an app entry points', () => {
  const app = tempAppDirs();

  const failure = (fn: () => unknown): Error => {
    try {
      fn();
    } catch (error) {
      expect(error).to.be.instanceOf(HostStartError);
      return error as Error;
    }
    return expect.fail('expected a HostStartError');
  };

  it('reads package.json main relative to the app directory', () => {
    const dir = app({ 'package.json': { main: 'index.js' }, 'index.js': '' });
    expect(resolveEntryPoints(dir, undefined, '/')).to.deep.equal({
      files: [path.join(dir, 'index.js')],
      source: 'package.json main',
    });
  });

  it('expands a glob main into every matching file, in order', () => {
    const dir = app({ 'package.json': { main: 'dist/functions/*.js' } });
    fs.mkdirSync(path.join(dir, 'dist/functions'), { recursive: true });
    for (const f of ['b.js', 'a.js', 'a.js.map']) fs.writeFileSync(path.join(dir, 'dist/functions', f), '');
    expect(resolveEntryPoints(dir, undefined, '/').files).to.deep.equal([
      path.join(dir, 'dist/functions/a.js'),
      path.join(dir, 'dist/functions/b.js'),
    ]);
  });

  it('lets --script, relative to the current directory, override main', () => {
    const dir = app({ 'package.json': { main: 'missing.js' }, 'other.js': '' });
    expect(resolveEntryPoints(dir, 'other.js', dir)).to.deep.equal({
      files: [path.join(dir, 'other.js')],
      source: '--script',
    });
  });

  it('says what to do when there is no package.json, no main, a missing file or a glob matching nothing', () => {
    expect(failure(() => resolveEntryPoints(app({}), undefined, '/')).message).to.match(
      /has no package\.json.*--script/,
    );
    expect(failure(() => resolveEntryPoints(app({ 'package.json': {} }), undefined, '/')).message).to.match(
      /has no "main".*dist\/src\/functions\/\*\.js/,
    );
    expect(
      failure(() => resolveEntryPoints(app({ 'package.json': { main: 'dist/index.js' } }), undefined, '/')).message,
    ).to.match(/package\.json main 'dist\/index\.js' does not exist.*Build the app first/);
    expect(
      failure(() => resolveEntryPoints(app({ 'package.json': { main: 'dist/*.js' } }), undefined, '/')).message,
    ).to.match(/package\.json main 'dist\/\*\.js' matches no files/);
  });
});
