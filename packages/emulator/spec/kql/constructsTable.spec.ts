import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// lib/kql/README.md's table of constructs is generated from the engine's lists (scripts/kqlConstructs.mjs); these
// specs fail when it is stale, and name each construct the table calls supported that no spec under spec/kql uses.
const packageRoot = join(__dirname, '..', '..', '..');
const script = join(packageRoot, 'scripts', 'kqlConstructs.mjs');

interface Generated {
  block: string;
  unknown: string[];
  supported: { title: string; constructs: { name: string; pattern: string }[] }[];
}

/** The script's view of the built engine: the block it would write and the supported constructs. */
function generate(): Generated {
  return JSON.parse(execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' })) as Generated;
}

/** The text of every spec source under spec/kql but this one (which names no construct on purpose). */
function specTexts(): string[] {
  const dir = join(packageRoot, 'spec', 'kql');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('constructsTable.spec.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

describe('emulator KQL README: the table of constructs', () => {
  let generated: Generated;
  before(function () {
    this.timeout(60000);
    generated = generate();
  });

  it('is the table the engine generates', () => {
    const readme = readFileSync(join(packageRoot, 'lib', 'kql', 'README.md'), 'utf8');
    const from = readme.indexOf('<!-- constructs:begin -->');
    const to = readme.indexOf('<!-- constructs:end -->');
    expect(from, 'lib/kql/README.md has the constructs:begin marker').to.be.at.least(0);
    expect(to, 'lib/kql/README.md has the constructs:end marker after the begin marker').to.be.above(from);
    const inReadme = readme.slice(from, to + '<!-- constructs:end -->'.length);
    expect(inReadme, 'lib/kql/README.md is stale: run `npm run kql-constructs -w packages/emulator`').to.equal(
      generated.block,
    );
  });

  it('calls supported only names Kusto.Language knows', () => {
    expect(generated.unknown).to.deep.equal([]);
  });

  it('has a spec under spec/kql for every supported construct', () => {
    const texts = specTexts();
    const missing = generated.supported.flatMap((category) =>
      category.constructs
        .filter((c) => !texts.some((t) => new RegExp(c.pattern, 'i').test(t)))
        .map((c) => `${category.title}: ${c.name}`),
    );
    expect(missing, 'supported constructs no spec under spec/kql uses').to.deep.equal([]);
  });
});
