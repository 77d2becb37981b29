/**
 * The cloud assembly the rehearsal serves: synthesized here with the CDK CLI
 * (`cdk synth`, exactly what `cdk deploy` runs first, bundling included), or
 * an existing one read as it is.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LOCAL_HOST } from '../../local/config';
import { LOCAL_EMAIL_FROM } from '../../local/handler-env';
import { LOCAL_SETTINGS } from '../../local/settings';
import { type CfnTemplate, RehearsalError } from './template';

/** The repository root: the CDK app (`cdk.json`) and its `cdk` command. */
export const PROJECT_ROOT = resolve(__dirname, '../..');

export interface AssemblyStack {
  stackName: string;
  template: CfnTemplate;
}

/** The stacks of a cloud assembly the rehearsal serves (all of them, or the one chosen). */
export interface AssemblyStacks {
  /** Absolute folder of the assembly (asset paths are relative to it). */
  dir: string;
  stacks: AssemblyStack[];
}

/**
 * Context a synthesis of the project's own stack gets unless it is given: a
 * sender, so that the e-mail routes are deployed and their messages reach
 * the SES stand-in (the outbox), and the page their links open, npm start's
 * demo page on its default port. No SES identity is checked here.
 */
export const REHEARSAL_EMAIL_CONTEXT = {
  emailFrom: LOCAL_EMAIL_FROM,
  emailLinkBaseUrl: `http://${LOCAL_HOST}:${LOCAL_SETTINGS.port.default}/`,
} as const;

/** `context` (`key=value`) with each {@link REHEARSAL_EMAIL_CONTEXT} value it does not set. */
export function withRehearsalContext(context: readonly string[]): string[] {
  const given = new Set(context.map((value) => value.split('=')[0]));
  const defaults = Object.entries(REHEARSAL_EMAIL_CONTEXT)
    .filter(([key]) => !given.has(key))
    .map(([key, value]) => `${key}=${value}`);
  return [...defaults, ...context];
}

/**
 * Runs `cdk synth` into `outdir` with the given context values (`key=value`),
 * and for the project's own stack {@link REHEARSAL_EMAIL_CONTEXT}.
 * The bundles are self-contained, the AWS SDK included, as deployed.
 */
export function synthesize(
  outdir: string,
  context: readonly string[] = [],
  appDir: string = PROJECT_ROOT,
): Promise<void> {
  const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  const values = appDir === PROJECT_ROOT ? withRehearsalContext(context) : context;
  const args = ['synth', '--quiet', '--output', outdir, ...values.flatMap((c) => ['-c', c])];
  return new Promise((done, fail) => {
    const child = execFile(
      cdk,
      args,
      { cwd: appDir, maxBuffer: 64 * 1024 * 1024 },
      (error, _out, err) =>
        error ? fail(new RehearsalError(`cdk synth failed:\n${err || error.message}`)) : done(),
    );
    child.stdin?.end();
  });
}

interface Manifest {
  artifacts?: Record<
    string,
    {
      type?: string;
      displayName?: string;
      properties?: { templateFile?: string; stackName?: string };
    }
  >;
}

/** Reads the assembly in `dir`: the stack `stackName`, or every stack in the manifest's order. */
export async function readAssembly(dir: string, stackName?: string): Promise<AssemblyStacks> {
  const absolute = resolve(dir);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(absolute, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new RehearsalError(
      `${absolute} is not a cloud assembly (no manifest.json): run cdk synth first.`,
    );
  }
  const named = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => ({
      name: artifact.properties?.stackName ?? artifact.displayName ?? id,
      file: artifact.properties?.templateFile ?? `${id}.template.json`,
    }));
  const chosen = stackName ? named.filter((stack) => stack.name === stackName) : named;
  if (chosen.length === 0) {
    throw new RehearsalError(
      `No stack ${stackName ?? ''} in ${absolute}: ${named.map((stack) => stack.name).join(', ') || 'none found'}.`,
    );
  }
  const stacks = await Promise.all(
    chosen.map(async (stack) => ({
      stackName: stack.name,
      template: JSON.parse(await readFile(join(absolute, stack.file), 'utf8')) as CfnTemplate,
    })),
  );
  return { dir: absolute, stacks };
}
