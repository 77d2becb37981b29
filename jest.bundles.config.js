/**
 * `npm run test:bundles`: every function bundled for real by esbuild, the
 * bundle size ceilings, and the one template validated against
 * CloudFormation's schemas; and the compliance profile against every pack it
 * runs (about 40 s per synthesis). Too slow for the core, so it runs as its
 * own step; CI (`.ci/run`) runs it after `npm test`.
 * @type {import('jest').Config}
 */
const main = require('./jest.config.js');

module.exports = {
  ...main,
  roots: ['<rootDir>/test/infra'],
  testMatch: ['**/bundling.test.ts', '**/compliance-checks.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
