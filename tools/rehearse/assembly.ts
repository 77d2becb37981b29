/**
 * The cloud assembly the rehearsal serves: synthesized here with the CDK CLI
 * (`cdk synth`, exactly what `cdk deploy` runs first, bundling included), or
 * an existing one read as it is.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CfnTemplate, RehearsalError } from './template';

/** The repository root: the CDK app (`cdk.json`) and its `cdk` command. */
export const PROJECT_ROOT = resolve(__dirname, '../..');

export interface Assembly {
  /** Absolute folder of the assembly (asset paths are relative to it). */
  dir: string;
  stackName: string;
  template: CfnTemplate;
}

/**
 * Runs `cdk synth` into `outdir` with the given context values (`key=value`).
 * The bundles are self-contained, the AWS SDK included, as deployed.
 */
export function synthesize(outdir: string, context: readonly string[] = []): Promise<void> {
  const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '--quiet', '--output', outdir, ...context.flatMap((c) => ['-c', c])];
  return new Promise((done, fail) => {
    const child = execFile(
      cdk,
      args,
      { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 },
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

/** Reads the assembly in `dir`; `stackName` picks a stack when it holds several. */
export async function readAssembly(dir: string, stackName?: string): Promise<Assembly> {
  const absolute = resolve(dir);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(absolute, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new RehearsalError(
      `${absolute} is not a cloud assembly (no manifest.json): run cdk synth first.`,
    );
  }
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  const named = stacks.map(([id, artifact]) => ({
    name: artifact.properties?.stackName ?? artifact.displayName ?? id,
    file: artifact.properties?.templateFile ?? `${id}.template.json`,
  }));
  const chosen = stackName ? named.find((stack) => stack.name === stackName) : named[0];
  if (!chosen || (!stackName && named.length > 1)) {
    throw new RehearsalError(
      `Choose one stack of ${absolute} with --stack: ${named.map((stack) => stack.name).join(', ') || 'none found'}.`,
    );
  }
  const template = JSON.parse(await readFile(join(absolute, chosen.file), 'utf8')) as CfnTemplate;
  return { dir: absolute, stackName: chosen.name, template };
}
