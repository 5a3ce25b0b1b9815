import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_CSP, consoleFileOf, consoleHeaders, loadConsoleAssets } from './console-assets';

const FILES = new Set(['index.html', 'assets/index-AbC123.js', 'assets/index-XyZ789.css']);

describe('consoleFileOf', () => {
  it.each([
    ['index.html', 'index.html'],
    ['assets/index-AbC123.js', 'assets/index-AbC123.js'],
    ['/assets/index-XyZ789.css', 'assets/index-XyZ789.css'],
    // Pages of the app: its router reads the URL.
    ['', 'index.html'],
    ['channels', 'index.html'],
    ['keys/', 'index.html'],
    // Missing files stay missing: a stale hashed name must not be answered with HTML.
    ['assets/index-Old000.js', null],
    ['assets/', null],
    ['favicon.ico', null],
    ['../package.json', null],
  ])('should answer /console/%s with %j', (path, file) => {
    expect(consoleFileOf(path, FILES)).toBe(file);
  });

  it('should answer nothing when the console was not built', () => {
    expect(consoleFileOf('channels', new Set())).toBeNull();
  });
});

describe('consoleHeaders', () => {
  it('should cache hashed assets for a year and revalidate the page', () => {
    expect(consoleHeaders('assets/index-AbC123.js')).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect(consoleHeaders('index.html')).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
    });
  });

  it('should send the strict CSP, nosniff and no framing with every file', () => {
    for (const path of FILES) {
      expect(consoleHeaders(path)).toMatchObject({
        'content-security-policy': CONSOLE_CSP,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
    }
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe|\*|https?:/);
  });
});

describe('loadConsoleAssets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should hold every built file by its path, gzipping the large text ones', () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets/index-AbC123.js'), 'console.log(1);\n'.repeat(200));
    const assets = loadConsoleAssets(dir);
    expect([...assets.keys()].sort()).toEqual(['assets/index-AbC123.js', 'index.html']);
    expect(assets.get('index.html')?.gzipped).toBeNull();
    expect(assets.get('assets/index-AbC123.js')?.gzipped?.length).toBeLessThan(3200);
  });

  it('should hold nothing when there is no index.html', () => {
    writeFileSync(join(dir, 'stray.js'), '');
    expect(loadConsoleAssets(dir).size).toBe(0);
  });
});
