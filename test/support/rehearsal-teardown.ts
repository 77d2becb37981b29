/** Global teardown of `npm run test:rehearse`: removes the assembly the setup synthesized. */
import { rmSync } from 'node:fs';
import { REHEARSAL_ASSEMBLY_ENV } from './server-process';

export default function teardown(): void {
  const outdir = process.env[REHEARSAL_ASSEMBLY_ENV];
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}
