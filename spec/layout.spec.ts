import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

// A spec file whose name misses the `.spec.ts` suffix would silently never run: fail instead.
describe('spec layout', () => {
  it('names every file under spec/ (outside spec/support) *.spec.ts', () => {
    const root = path.resolve(__dirname, '../../spec');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'support' && entry.name !== 'fixtures') walk(full);
        } else if (!entry.name.endsWith('.spec.ts')) {
          offenders.push(path.relative(root, full));
        }
      }
    };
    walk(root);
    expect(offenders).to.deep.equal([]);
  });
});
