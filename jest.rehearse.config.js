/**
 * `npm run test:rehearse`: the end-to-end suite against the deployment
 * rehearsal. The stack is synthesized once (real bundling, so it takes longer
 * than the whole unit suite's budget allows) by the global setup; each test
 * file then starts `npm run rehearse` on that assembly, on a free port with a
 * fresh DATA_DIR. Only the files written for several targets
 * (`describe.each(E2E_TARGETS)`) are run here, and test/rehearsal/.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '**/test/e2e/{jwks,errors,token-lifecycle,recovery,mfa}.test.ts',
    // The rehearsal's own tests: mistakes in the stack that only it can see.
    '**/test/rehearsal/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/support/rehearsal-setup.ts',
  globalTeardown: '<rootDir>/test/support/rehearsal-teardown.ts',
  setupFiles: ['<rootDir>/test/support/rehearsal-target.js'],
  testTimeout: 60000,
};
