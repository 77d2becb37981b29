/**
 * `npm run admin -- …`: the process around the admin CLI (admin/cli.ts).
 * Results go to stdout; errors, progress and the JSON audit log lines to
 * stderr, so `--json` output pipes cleanly into another program.
 */
import { text } from 'node:stream/consumers';
import { writeLogsTo } from '../lambdas/log';
import { runCli } from './cli';
import type { TargetSpec } from './target';

// Files the CLI creates in a data folder (its lock) are private, as npm start's are.
process.umask(0o077);
// The AWS SDK's notice about Node 22 from 2027 says nothing about this tool.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
writeLogsTo(process.stderr);

async function openTarget(spec: TargetSpec) {
  // Loaded on demand: `--help` and a wrong command line answer at once.
  if (spec.kind === 'local') {
    const { openLocalTarget } = await import('./local-target');
    return openLocalTarget(spec.dataDir);
  }
  const { openStackTarget } = await import('./stack-target');
  return openStackTarget(spec);
}

runCli(
  process.argv.slice(2),
  {
    stdout: (chunk) => process.stdout.write(chunk),
    stderr: (chunk) => process.stderr.write(chunk),
    readStdin: () => text(process.stdin),
    interactive: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  },
  openTarget,
).then((code) => {
  process.exitCode = code;
});
