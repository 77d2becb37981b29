/**
 * The tables of each serverless-jwt-auth deployment in an assembly, so the
 * admin CLI can reach a running rehearsal's data with `--local=DATA_DIR` as it
 * reaches `npm start`'s. They are read from the outputs `JwtAuth` writes, one
 * per table (`UsersTableName` in the default stack; `<construct
 * id>UsersTableName<hash>` inside another stack), and resolved as
 * CloudFormation resolves them.
 */
import { tableOutputKey } from '../../admin/stack-target';
import { TABLES, type TableName, type TableNames } from '../../lambdas/contract/tables';
import type { TemplateResolver } from './resolve';
import type { CfnTemplate } from './template';

export interface AuthDeployment {
  stackName: string;
  /** The construct path of the `JwtAuth` in the output keys (`''` for the default stack). */
  prefix: string;
  tables: TableNames;
}

/** `<prefix><logical name>TableName`, with the 8-hex hash CDK adds to a nested construct's output. */
function outputPattern(table: TableName): RegExp {
  return new RegExp(`^([A-Za-z0-9]*?)${tableOutputKey(table)}(?:[0-9A-F]{8})?$`);
}

/** Every deployment whose outputs name all its tables, in the assembly's order of stacks. */
export async function authDeployments(
  stacks: readonly { stackName: string; template: CfnTemplate; resolver: TemplateResolver }[],
): Promise<AuthDeployment[]> {
  const found: AuthDeployment[] = [];
  const names = Object.keys(TABLES) as TableName[];
  for (const { stackName, template, resolver } of stacks) {
    const byPrefix = new Map<string, Partial<TableNames>>();
    for (const [key, output] of Object.entries(template.Outputs ?? {})) {
      for (const name of names) {
        const prefix = outputPattern(name).exec(key)?.[1];
        if (prefix === undefined) continue;
        const tables = byPrefix.get(prefix) ?? {};
        tables[name] = await resolver.resolveString(
          output.Value,
          `stack ${stackName}, output ${key}`,
        );
        byPrefix.set(prefix, tables);
      }
    }
    for (const [prefix, tables] of byPrefix) {
      if (names.every((name) => tables[name] !== undefined)) {
        found.push({ stackName, prefix, tables: tables as TableNames });
      }
    }
  }
  return found;
}
