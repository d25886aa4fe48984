import { expect } from 'chai';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

// The package boundaries hold the directions SDK ← engine ← host → emulator: a package's source may import only
// node built-ins, its own files and the packages its package.json declares; and the declared packages of ours are
// exactly the ones the direction allows.
const root = path.resolve(__dirname, '../../..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages: { dir: string; sources: string[]; allowedOurs: string[] }[] = [
  { dir: '.', sources: ['lib'], allowedOurs: ['kusto-functions-bindings', 'kusto-functions-engine'] },
  { dir: 'packages/bindings', sources: ['lib'], allowedOurs: [] },
  { dir: 'packages/emulator', sources: ['lib'], allowedOurs: [] },
  { dir: 'packages/engine', sources: ['lib'], allowedOurs: ['kusto-functions-bindings'] },
  {
    dir: 'packages/host',
    sources: ['lib'],
    allowedOurs: ['kusto-functions-bindings', 'kusto-functions-engine', 'kusto-emulator'],
  },
];
const ours = [
  'kusto-functions',
  'kusto-functions-bindings',
  'kusto-functions-engine',
  'kusto-emulator',
  'kusto-functions-host',
];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Import specifiers of a source file (static, dynamic, require), comments excluded. */
function importsOf(file: string): string[] {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const statements =
    /^(?:import|export)[^;'"`]*?\bfrom\s+'([^']+)'|^import\s+'([^']+)'|\brequire\(\s*'([^']+)'\)|\bimport\(\s*'([^']+)'\)/gm;
  return [...text.matchAll(statements)].map((m) => m.slice(1).find((s) => s !== undefined)!);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('package boundaries', () => {
  for (const pkg of packages) {
    const base = path.join(root, pkg.dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(base, 'package.json'), 'utf8')) as Manifest;
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);

    it(`${manifest.name} imports only node built-ins, its own files and what its package.json declares`, () => {
      const offences: string[] = [];
      for (const file of pkg.sources.flatMap((s) => tsFiles(path.join(base, s)))) {
        for (const specifier of importsOf(file)) {
          const where = `${path.relative(root, file)}: '${specifier}'`;
          if (specifier.startsWith('.')) {
            const target = path.resolve(path.dirname(file), specifier);
            if (
              !target.startsWith(base + path.sep) ||
              (pkg.dir === '.' && target.includes(`${path.sep}packages${path.sep}`))
            )
              offences.push(`${where} reaches outside the package`);
            continue;
          }
          if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
          if (!declared.has(packageOf(specifier))) offences.push(`${where} is not declared in package.json`);
        }
      }
      expect(offences).to.deep.equal([]);
    });

    it(`${manifest.name} depends on no package of ours but ${pkg.allowedOurs.join(', ') || 'none'}`, () => {
      expect([...declared].filter((d) => ours.includes(d)).sort()).to.deep.equal([...pkg.allowedOurs].sort());
    });
  }
});
