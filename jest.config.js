/**
 * Jest runs the TypeScript sources through ts-jest as CommonJS. `jose` and
 * `@middy/core` ship only ES modules, so they are transformed too (allowJs).
 * Type errors are the job of `npm run typecheck`, not of the test run.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The slower suites have their own runs, each with its config: the real
  // bundles (test:bundles), the end-to-end files over child processes
  // (test:e2e), the demo page in Chromium (test:browser) and the rehearsal
  // (test:rehearse). `npm test` stays within a minute.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/infra/bundling.test.ts',
    '<rootDir>/test/e2e/',
    '<rootDir>/test/browser/',
    '<rootDir>/test/rehearsal/',
  ],
  // Both cores (Jest's default leaves one idle): most files wait on I/O anyway.
  maxWorkers: '100%',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          allowJs: true,
          isolatedModules: true,
          esModuleInterop: true,
        },
        diagnostics: false,
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@middy|oauth4webapi)/)'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
