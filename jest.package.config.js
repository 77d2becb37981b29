/**
 * `npm run test:package`: packs the package (`npm pack`, whose prepack builds
 * dist/), installs the tarball into a fresh CDK app that has nothing but
 * aws-cdk-lib, constructs and aws-cdk, and synthesizes it offline. Minutes of
 * esbuild and npm, so it runs as its own step of `npm run test:all`.
 * @type {import('jest').Config}
 */
const main = require('./jest.config.js');

module.exports = {
  ...main,
  roots: ['<rootDir>/test/package'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600000,
};
