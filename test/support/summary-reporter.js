/**
 * Prints Jest's real counts as one plain line, `N passed, N failed`, after
 * every run: CI reads that line rather than Jest's own summary.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    // stderr, like Jest's own summary, so the line comes after it in a terminal.
    process.stderr.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = SummaryReporter;
