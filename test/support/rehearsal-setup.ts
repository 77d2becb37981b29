/**
 * Global setup of `npm run test:rehearse`: synthesizes the stack once, with
 * real bundling, into a folder of `cdk.out` (inside the project, so that the
 * bundles find the AWS SDK in its node_modules, as the Lambda runtime
 * provides it). Every test file then serves that one assembly.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, synthesize } from '../../tools/rehearse/assembly';
import { REHEARSAL_ASSEMBLY_ENV } from './server-process';

export default async function setup(): Promise<void> {
  const parent = join(PROJECT_ROOT, 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, 'rehearsal-test-'));
  const started = Date.now();
  await synthesize(outdir);
  process.stderr.write(`\nrehearsal: synthesized the stack in ${Date.now() - started} ms\n`);
  process.env[REHEARSAL_ASSEMBLY_ENV] = outdir;
}
