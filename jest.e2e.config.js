/**
 * `npm run test:e2e`: the end-to-end files, each against `npm start` run as a
 * child process (real ports, real data folders, restarts, start-up failures).
 * Child processes take longer than the main suite's one-minute budget allows,
 * so they run as their own step; CI (`.ci/run`) runs it after `npm test`.
 * @type {import('jest').Config}
 */
const main = require('./jest.config.js');

module.exports = {
  ...main,
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
};
