/**
 * The query page: `GET /` answers the page, `GET /page/<file>` its script, styles, font and Monaco's workers, all
 * built into dist/page at build time (scripts/buildPage.mjs). Nothing is fetched from elsewhere, and the page
 * queries the emulator that served it (same origin, so the origin rule lets its requests through).
 */
import type * as http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the built page lives: dist/page, next to dist/lib. */
const PAGE_DIR = join(__dirname, '..', 'page');

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'main.js': 'text/javascript; charset=utf-8',
  'main.css': 'text/css; charset=utf-8',
  'editor.worker.js': 'text/javascript; charset=utf-8',
  'kusto.worker.js': 'text/javascript; charset=utf-8',
  'codicon.ttf': 'font/ttf',
};

// Only the emulator's own files: scripts, workers and styles from here (Monaco sets inline styles); no framing, so
// no other site can overlay it (clickjacking).
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
    "worker-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** The page's file a GET path names (`/` → index.html), or undefined when the path is not the page's. */
export function pageFileOf(pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/index.html') return 'index.html';
  const match = /^\/page\/([a-z.]+)$/.exec(pathname);
  return match && match[1] in TYPES ? match[1] : undefined;
}

/**
 * Answers a GET (or HEAD) of the page's file: 200 with it, or 404 with a message saying how to build it when the
 * package was built without it.
 */
export async function servePageFile(file: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = join(PAGE_DIR, file);
  let body: Buffer;
  let tag: string;
  try {
    const info = await stat(path);
    // Revalidated on each load (the names do not change with versions); unchanged files are not sent again.
    tag = `"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`;
    if (req.headers['if-none-match'] === tag) {
      res.writeHead(304, { ETag: tag, 'Cache-Control': 'no-cache' });
      res.end();
      return;
    }
    body = await readFile(path);
  } catch {
    const message = `The query page is not built: ${path} is missing. Run \`npm run build\` in the kusto-emulator package.\n`;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) });
    res.end(message);
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[file],
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
    ETag: tag,
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
