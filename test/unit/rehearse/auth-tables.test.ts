/**
 * The admin CLI reaches a running rehearsal's data through the tables the
 * auth deployment's stack outputs name: `UsersTableName` … in the default
 * stack, `<construct id>UsersTableName<hash>` for a JwtAuth inside another
 * stack, each resolved as CloudFormation resolves it.
 */
import { TABLES, type TableName } from '../../../lambdas/contract/tables';
import { authDeployments } from '../../../tools/rehearse/auth-tables';
import { TemplateResolver } from '../../../tools/rehearse/resolve';
import type { CfnTemplate } from '../../../tools/rehearse/template';

const NAMES = Object.keys(TABLES) as TableName[];

/** A stack whose tables are resources `<prefix><logical name>` with outputs keyed `key(logical name)`. */
function stackWith(prefix: string, key: (logical: string) => string, leaveOut?: TableName) {
  const template: CfnTemplate = { Resources: {}, Outputs: {} };
  for (const name of NAMES) {
    if (name === leaveOut) continue;
    const logical = TABLES[name].logicalName;
    template.Resources[`${prefix}${logical}`] = { Type: 'AWS::DynamoDB::Table' };
    (template.Outputs as NonNullable<CfnTemplate['Outputs']>)[key(logical)] = {
      Value: { Ref: `${prefix}${logical}` },
    };
  }
  return template;
}

function stack(stackName: string, template: CfnTemplate) {
  const resolver = new TemplateResolver({
    template,
    stackName,
    physicalIds: {},
    invoke: async () => ({}),
  });
  return { stackName, template, resolver };
}

it('reads the default stack’s outputs, each resolved to the physical table name', async () => {
  const deployments = await authDeployments([
    stack(
      'AuthApiStack',
      stackWith('', (logical) => `${logical}TableName`),
    ),
  ]);

  expect(deployments).toEqual([
    {
      stackName: 'AuthApiStack',
      prefix: '',
      tables: Object.fromEntries(
        NAMES.map((name) => [name, `AuthApiStack-${TABLES[name].logicalName}`]),
      ),
    },
  ]);
});

it('finds a JwtAuth inside another stack by its construct path and hashed output keys, among other outputs', async () => {
  const template = stackWith('AuthTables', (logical) => `Auth${logical}TableName1A2B3C4D`);
  (template.Outputs as NonNullable<CfnTemplate['Outputs']>).AuthApiUrl522CD824 = {
    Value: 'https://example',
  };

  const [deployment] = await authDeployments([
    stack('Notes', { Resources: {}, Outputs: { NotesRestUrl: { Value: 'x' } } }),
    stack('NotesAuth', template),
  ]);

  expect(deployment).toMatchObject({ stackName: 'NotesAuth', prefix: 'Auth' });
  expect(deployment?.tables.revokedTokens).toBe('NotesAuth-AuthTablesRevokedTokens');
  expect(deployment?.tables.adminAudit).toBe('NotesAuth-AuthTablesAdminAudit');
});

it('ignores a stack that names only some of the tables', async () => {
  const partial = stackWith('', (logical) => `${logical}TableName`, 'sessions');

  expect(await authDeployments([stack('Other', partial)])).toEqual([]);
});
