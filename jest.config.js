// One root config, three projects, so `jest --json` counts every test in one place.
//   unit: *.spec.ts beside the code, pure, no I/O
//   int:  apps/<app>/test/*.int-spec.ts, one app against the real Postgres and NATS
//   e2e:  test/e2e/*.e2e-spec.ts, relaymesh as real processes, official SDKs, fake upstreams
//   deploy: test/deploy/*.deploy-spec.ts, the Kubernetes manifests, alert rules, dashboards and image, offline
const fs = require('node:fs');
const vm = require('node:vm');

// Nest 12 ships ES modules only; our CommonJS code requires them, which Jest supports only through Node's vm
// modules. `npm test` and `npx jest` get the flag from .npmrc; say so plainly to whoever starts Jest otherwise.
if (typeof vm.SyntheticModule !== 'function') {
  throw new Error(
    'Jest needs Node started with --experimental-vm-modules (Nest 12 is ES modules only): ' +
      'run it as `npx jest` or `npm test` (.npmrc sets it), or set NODE_OPTIONS=--experimental-vm-modules',
  );
}
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
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
