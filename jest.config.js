// One root config, three projects, so `jest --json` counts every test in one place.
//   unit: *.spec.ts beside the code, pure, no I/O
//   int:  apps/<app>/test/*.int-spec.ts, one app against the real Postgres and NATS
//   e2e:  test/e2e/*.e2e-spec.ts, relaymesh as real processes, official SDKs, fake upstreams
//   deploy: test/deploy/*.deploy-spec.ts, the Kubernetes manifests, alert rules, dashboards and image, offline
const fs = require('node:fs');
const path = require('node:path');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

/**
 * The installed packages that ship ES modules (`"type": "module"`), Nest 12 among them, nested ones too: our
 * CommonJS code requires them, so Jest transforms them to CommonJS as well (test/setup/esm-to-commonjs.js);
 * every other package is left as it is, as by default.
 */
function esModulePackages(dir = path.join(__dirname, 'node_modules'), found = new Set()) {
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? fs.readdirSync(path.join(dir, entry)).map((n) => `${entry}/${n}`)
      : [entry];
    for (const name of names) {
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8'));
        if (manifest.type === 'module') found.add(name.replace(/[.+]/g, '\\$&'));
      } catch {
        continue; // not a package
      }
      esModulePackages(path.join(dir, name, 'node_modules'), found);
    }
  }
  return found;
}

const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
    '^.+\\.m?js$': '<rootDir>/test/setup/esm-to-commonjs.js',
  },
  // Ignored: a file whose innermost node_modules/<package> is not one of them.
  transformIgnorePatterns: [
    `/node_modules/(?!.*/node_modules/)(?!(${[...esModulePackages()].join('|')})/)`,
  ],
  moduleNameMapper: {
    '^@relaymesh/telemetry/register$': '<rootDir>/libs/telemetry/src/register',
    '^@relaymesh/([^/]+)$': '<rootDir>/libs/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,embedded,bench,scripts,console}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'int',
      testMatch: [
        '<rootDir>/apps/*/test/**/*.int-spec.ts',
        '<rootDir>/libs/*/test/**/*.int-spec.ts',
      ],
      // testTimeout is a global option; per project, the timeout is set in a setup file.
      setupFilesAfterEnv: ['<rootDir>/test/setup/int-timeout.js'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testEnvironment: '<rootDir>/test/setup/e2e-environment.js',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.js'],
    },
    {
      ...shared,
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.deploy-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/deploy-timeout.js'],
    },
  ],
};
