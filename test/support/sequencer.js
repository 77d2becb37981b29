/**
 * Jest's order of test files, with the template suite first. Jest runs the
 * slowest files first when it has timings from an earlier run; a fresh clone
 * has none, and then Jest goes by file size. The template suite
 * (test/infra/templates.test.ts) is a short file that runs every template spec,
 * the longest file of the run by far: by size it would start last and leave
 * the other worker idle for its whole length.
 */
const Sequencer = require('@jest/test-sequencer').default;

const TEMPLATE_SUITE = /[\\/]test[\\/]infra[\\/]templates\.test\.ts$/;

class TemplateSuiteFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = sorted.filter((test) => TEMPLATE_SUITE.test(test.path));
    return [...first, ...sorted.filter((test) => !first.includes(test))];
  }
}

module.exports = TemplateSuiteFirst;
