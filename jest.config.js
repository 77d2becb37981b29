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
  // The browser test and the rehearsal have their own runs (npm run test:browser,
  // npm run test:rehearse: jest.browser.config.js, jest.rehearse.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/browser/',
    '<rootDir>/test/rehearsal/',
  ],
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
