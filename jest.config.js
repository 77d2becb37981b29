/**
 * Jest runs the TypeScript sources as CommonJS, transformed by esbuild
 * (test/support/esbuild-transform.js); the ES-module-only dependencies are
 * transformed too. Type errors are the job of `npm run typecheck`, not of the
 * test run. Nothing hoists `jest.mock` calls: a test that mocks a module
 * requires what depends on it after the mock.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The slower suites have their own runs, each with its config: the real
  // bundles and the compliance packs (test:bundles), the end-to-end files over
  // child processes (test:e2e), the demo page in Chromium (test:browser), the
  // rehearsal (test:rehearse) and the packed package in a fresh CDK app
  // (test:package). `npm test` stays under a minute (42–53 s on a fresh clone here, 2 cores).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/infra/bundling.test.ts',
    '<rootDir>/test/infra/compliance-checks.test.ts',
    '<rootDir>/test/e2e/',
    '<rootDir>/test/browser/',
    '<rootDir>/test/rehearsal/',
    '<rootDir>/test/package/',
  ],
  // Both cores (Jest's default leaves one idle): most files wait on I/O anyway.
  maxWorkers: '100%',
  // The template suite, the longest file, starts first even on a fresh clone.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // The package by its name, as examples/ imports it (tsconfig.json `paths`).
  moduleNameMapper: {
    '^serverless-jwt-auth$': '<rootDir>/lib/index.ts',
    '^serverless-jwt-auth/identity$': '<rootDir>/lambdas/identity.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  transform: { '^.+\\.[tj]s$': '<rootDir>/test/support/esbuild-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@middy|oauth4webapi)/)'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
