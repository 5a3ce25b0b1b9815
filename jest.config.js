// One root config, three projects, so `jest --json` counts every test in one place.
//   unit: *.spec.ts beside the code, pure, no I/O
//   int:  apps/<app>/test/*.int-spec.ts, one app against the real Postgres and NATS
//   e2e:  test/e2e/*.e2e-spec.ts, relaymesh as real processes, official SDKs, fake upstreams
//   deploy: test/deploy/*.deploy-spec.ts, the Kubernetes manifests, alert rules, dashboards and image, offline
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

// Packages shipped as ES modules only (eventsource-parser 4): Node 22.12+ loads them with require(), but Jest's
// module loader does not without --experimental-vm-modules, so they are compiled to CommonJS like our own code.
const ESM_ONLY_PACKAGES = ['eventsource-parser'];
const swc = ['@swc/jest', { ...swcrc, swcrc: false }];

const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${ESM_ONLY_PACKAGES.join('|')})/.+\\.js$`]: swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
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
