// Compiles every TypeScript source of the monorepo to dist/ with SWC (about a second for the whole tree),
// rewriting the @relaymesh/<lib> path aliases to relative requires so `node dist/...` runs with no loader.
// Type checking is a separate step (`npm run typecheck`, tsc --noEmit) so builds stay fast.
// Then the web console (console/, Preact) is bundled by Vite into dist/console, which ingress serves at /console.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist');
const sourceDirs = ['apps', 'libs', 'embedded', 'scripts', 'bench'];
const skip = /(\.spec|\.int-spec|\.e2e-spec|\.d)\.ts$/;
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));

function* walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__fixtures__') continue;
      yield* walk(full);
    } else if (entry.name.endsWith('.ts') && !skip.test(entry.name)) {
      yield full;
    }
  }
}

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  const files = sourceDirs.flatMap((d) => [...walk(path.join(root, d))]);
  await Promise.all(
    files.map(async (file) => {
      const out = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
      const { code, map } = await swc.transformFile(file, {
        ...swcrc,
        swcrc: false,
        filename: file,
        outputPath: out,
        jsc: {
          ...swcrc.jsc,
          baseUrl: root,
          paths: {
            '@relaymesh/telemetry/register': ['libs/telemetry/src/register'],
            '@relaymesh/*': ['libs/*/src'],
          },
        },
      });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
      if (map) fs.writeFileSync(`${out}.map`, map);
    }),
  );
  console.log(`build: ${files.length} files compiled to dist/`);
  await buildConsole();
}

/** The console's bundle, with the gzipped size of the JavaScript it ships (the budget is 300 KB). */
async function buildConsole() {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'console/vite.config.mjs') });
  const assets = path.join(outDir, 'console/assets');
  const scripts = fs.readdirSync(assets).filter((name) => name.endsWith('.js'));
  const gzipped = scripts.reduce(
    (sum, name) => sum + zlib.gzipSync(fs.readFileSync(path.join(assets, name))).length,
    0,
  );
  console.log(
    `build: console bundled to dist/console (${(gzipped / 1024).toFixed(1)} KB of JS gzipped)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
