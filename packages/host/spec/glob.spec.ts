import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { globFiles, globMatcher, isGlob } from '../lib/glob';

describe('entry point globs (package.json main)', () => {
  it('matches * and ? within one segment only', () => {
    const match = globMatcher('dist/src/functions/*.js');
    expect(match('dist/src/functions/products.js')).to.equal(true);
    expect(match('dist/src/functions/nested/products.js')).to.equal(false);
    expect(match('dist/src/functions/products.js.map')).to.equal(false);
    expect(globMatcher('a?.js')('ab.js')).to.equal(true);
    expect(globMatcher('a?.js')('a/.js')).to.equal(false);
  });

  it('matches ** across segments, none included', () => {
    const match = globMatcher('dist/**/*.js');
    expect(match('dist/a.js')).to.equal(true);
    expect(match('dist/x/y/z.js')).to.equal(true);
    expect(match('lib/a.js')).to.equal(false);
  });

  it('expands {a,b} alternatives and [..] classes', () => {
    const match = globMatcher('dist/{functions,jobs}/[a-c]*.{js,cjs}');
    expect(match('dist/functions/a1.js')).to.equal(true);
    expect(match('dist/jobs/cat.cjs')).to.equal(true);
    expect(match('dist/jobs/dog.js')).to.equal(false);
    expect(match('dist/other/a.js')).to.equal(false);
  });

  it('tells globs from plain paths', () => {
    expect(isGlob('dist/index.js')).to.equal(false);
    expect(isGlob('dist/*.js')).to.equal(true);
  });

  describe('on disk', () => {
    let root: string;
    before(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-glob-'));
      for (const file of ['dist/f/b.js', 'dist/f/a.js', 'dist/f/a.js.map', 'dist/f/deep/c.js', 'node_modules/x/a.js']) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), '');
      }
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it('lists matching files, sorted, as absolute paths', () => {
      expect(globFiles(root, 'dist/f/*.js')).to.deep.equal([
        path.join(root, 'dist/f/a.js'),
        path.join(root, 'dist/f/b.js'),
      ]);
    });

    it('never searches node_modules', () => {
      expect(globFiles(root, '**/a.js')).to.deep.equal([path.join(root, 'dist/f/a.js')]);
    });
  });
});
