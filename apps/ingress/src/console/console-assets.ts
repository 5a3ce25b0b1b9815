// The console's built files (dist/console: index.html and content-hashed assets from Vite), held in memory and
// served with the headers a browser app needs: hashed assets cached for a year (a new build has new names),
// the page itself revalidated every time, and a Content-Security-Policy that lets the page run only its own
// script and talk only to its own origin. Read once at start: the directory is small and never changes under a
// running process.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** No inline script or style, nothing from another origin, never framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

export interface ConsoleAsset {
  body: Buffer;
  gzipped: Buffer | null;
  headers: Record<string, string>;
}

/** The headers of one console file: `hashed` files (under assets/) are immutable, the rest revalidated. */
export function consoleHeaders(path: string): Record<string, string> {
  const hashed = path.startsWith('assets/');
  return {
    'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    vary: 'accept-encoding',
  };
}

/**
 * Which file a path under /console/ asks for: a file by its name; any other path is a page of the app (its
 * router reads the URL), answered with index.html. A missing asset stays missing (null), never the page.
 */
export function consoleFileOf(subpath: string, files: ReadonlySet<string>): string | null {
  const path = subpath.replace(/^\/+/, '');
  if (files.has(path)) return path;
  if (path.startsWith('assets/') || extname(path) !== '') return null;
  return files.has('index.html') ? 'index.html' : null;
}

/** Where the built console is: dist/console beside the compiled apps (or, run from source, under dist/). */
export function consoleDirectory(): string {
  const besideBuild = resolve(__dirname, '../../../../console');
  return existsSync(join(besideBuild, 'index.html'))
    ? besideBuild
    : resolve(__dirname, '../../../../dist/console');
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** Every file of the built console, keyed by its path under /console/ (empty when it was not built). */
export function loadConsoleAssets(dir: string): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  if (!existsSync(join(dir, 'index.html'))) return assets;
  for (const file of filesUnder(dir)) {
    const path = relative(dir, file).split(sep).join('/');
    const body = readFileSync(file);
    const gzipped = COMPRESSIBLE.has(extname(path)) && body.length > 1024 ? gzipSync(body) : null;
    assets.set(path, { body, gzipped, headers: consoleHeaders(path) });
  }
  return assets;
}
