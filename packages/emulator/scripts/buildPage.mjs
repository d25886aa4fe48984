// Builds the query page into dist/page: the page's script and styles (Monaco, monaco-kusto, Chart.js bundled in),
// and Monaco's two web workers (the editor's and the Kusto language service's) as files of their own, so the
// emulator serves everything the page needs (no CDN) and the published package carries only these files.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'page');
const require = createRequire(join(root, 'package.json'));

/** Newest modification time under a folder (the page's own sources). */
async function newest(dir) {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return latest;
}

// Skipped when the built page is newer than its sources and this script: Monaco takes a while to bundle, and the
// root build runs on every `npm test`. The dependencies' versions are pinned by the lockfile.
const built = await stat(join(outdir, 'main.js')).then(
  (s) => s.mtimeMs,
  () => 0,
);
const sources = Math.max(await newest(join(root, 'page')), (await stat(fileURLToPath(import.meta.url))).mtimeMs);
if (built > sources && !process.argv.includes('--force')) process.exit(0);

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: {
    main: join(root, 'page', 'main.ts'),
    'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
    'kusto.worker': require.resolve('@kusto/monaco-kusto/release/esm/kusto.worker.js'),
  },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  legalComments: 'none',
  outdir,
  loader: { '.ttf': 'file' },
  assetNames: '[name]',
  // The Kusto language service's Bridge.NET runtime picks `global` when it sees a CommonJS `module`.
  define: { global: 'globalThis' },
  // Bridge.NET reads files only under Node; never in a browser.
  external: ['fs'],
  logLevel: 'error',
});
await copyFile(join(root, 'page', 'index.html'), join(outdir, 'index.html'));
