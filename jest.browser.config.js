/**
 * The demo page in headless Chromium (`npm run test:browser`): a real browser
 * and a server process take longer than the main suite's budget allows, so
 * this test runs on its own, with the main suite's transform and reporters.
 * @type {import('jest').Config}
 */
const main = require('./jest.config.js');

module.exports = {
  ...main,
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
};
