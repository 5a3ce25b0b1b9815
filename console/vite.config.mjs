// The console's build: Preact through Vite, into dist/console with content-hashed names (ingress serves them
// with a year-long cache, console-assets.ts). No module-preload polyfill: it would be a script the strict CSP
// has no reason to allow, and every browser the console supports preloads modules natively.
// `npx vite --config console/vite.config.mjs` serves it with hot reload, proxying the API to a local relaymesh.
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const relaymesh = process.env.RELAYMESH_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [preact()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { '/admin': relaymesh, '/console/session': relaymesh, '/v1': relaymesh } },
});
