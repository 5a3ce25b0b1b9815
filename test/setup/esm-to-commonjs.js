// Jest transform for the ES-module packages our CommonJS code requires (Nest 12 and what it imports; the list
// is in jest.config.js): SWC turns them into CommonJS, as it does our own TypeScript, so Jest runs them on
// any Node it supports. (Node itself requires them natively; Jest can do that only on Node >= 24.9 with
// --experimental-vm-modules.) CommonJS has no `import.meta`: `import.meta.url` becomes the file's own URL,
// which is all these packages use it for (createRequire).
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const swc = require('@swc/core');

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
// Not `require(...)`: a module may name its own `require` (createRequire(import.meta.url)).
const FILE_URL = "process.getBuiltinModule('node:url').pathToFileURL(__filename).href";
const OWN_SOURCE = readFileSync(__filename, 'utf8');

module.exports = {
  process(source, filename) {
    // Our own .js files (scripts, set-up files) are CommonJS already.
    if (!filename.includes('/node_modules/')) return { code: source };
    const { code, map } = swc.transformSync(source.replace(IMPORT_META_URL, FILE_URL), {
      filename,
      swcrc: false,
      sourceMaps: true,
      jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
      module: { type: 'commonjs', strictMode: true },
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update(OWN_SOURCE).update(filename).update(source).digest('hex');
  },
};
