/**
 * A copy of the rehearsal's synthesized assembly (REHEARSAL_ASSEMBLY_DIR)
 * whose templates a test edits: a mistake made on purpose, or a setting
 * deployed otherwise. The bundles are linked, not copied.
 */
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CfnTemplate } from '../../tools/rehearse/template';
import { REHEARSAL_ASSEMBLY_ENV } from './server-process';

const copies: string[] = [];

/** A copy of the assembly whose templates `change` edits; removed by {@link removeAssemblyCopies}. */
export async function assemblyCopy(change: (template: CfnTemplate) => void): Promise<string> {
  const original = process.env[REHEARSAL_ASSEMBLY_ENV] as string;
  const copy = await mkdtemp(`${original}-copy-`);
  copies.push(copy);
  for (const entry of await readdir(original)) {
    if (entry.startsWith('asset.')) await symlink(join(original, entry), join(copy, entry));
    else if (entry.endsWith('.template.json')) {
      const template = JSON.parse(await readFile(join(original, entry), 'utf8')) as CfnTemplate;
      change(template);
      await writeFile(join(copy, entry), JSON.stringify(template));
    } else if (entry.endsWith('.json')) {
      await writeFile(join(copy, entry), await readFile(join(original, entry)));
    }
  }
  return copy;
}

export async function removeAssemblyCopies(): Promise<void> {
  await Promise.all(copies.splice(0).map((copy) => rm(copy, { recursive: true, force: true })));
}

/** The resources of `template` of `type` whose logical id `match` accepts. */
export const resourcesOfType = (
  template: CfnTemplate,
  type: string,
  match: (id: string) => boolean = () => true,
) => Object.entries(template.Resources).filter(([id, r]) => r.Type === type && match(id));
