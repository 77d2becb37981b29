/**
 * Global setup of `npm run test:rehearse`: synthesizes the stack once, with
 * real bundling, into a folder of `cdk.out` (inside the project, so that the
 * bundles find the AWS SDK in its node_modules, as the Lambda runtime
 * provides it). Every test file then serves that one assembly.
 *
 * `REHEARSAL_CONTEXT` (REHEARSAL_CONTEXT_ENV, space-separated `key=value`) synthesizes another
 * configuration: `npm run test:rehearse:envelope` runs the contract with
 * `signingMode=envelope`, where KMS signs nothing per token.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, synthesize } from '../../tools/rehearse/assembly';
import { REHEARSAL_ASSEMBLY_ENV, REHEARSAL_CONTEXT_ENV } from './server-process';

export default async function setup(): Promise<void> {
  const parent = join(PROJECT_ROOT, 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, 'rehearsal-test-'));
  const context = (process.env[REHEARSAL_CONTEXT_ENV] ?? '').split(' ').filter(Boolean);
  const started = Date.now();
  await synthesize(outdir, context);
  process.stderr.write(
    `\nrehearsal: synthesized the stack${context.length ? ` (${context.join(' ')})` : ''} in ${Date.now() - started} ms\n`,
  );
  process.env[REHEARSAL_ASSEMBLY_ENV] = outdir;
}
