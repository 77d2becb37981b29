/**
 * `--stack NAME`: a deployed stack, with the operator's own AWS credentials
 * (the usual chain: environment, `--profile` / AWS_PROFILE, SSO, instance
 * role; `--region` or the configured region). The table names come from the
 * stack's outputs (`UsersTableName`, `SessionsTableName`,
 * `RevokedTokensTableName`), and the operator's identity from STS
 * GetCallerIdentity: its ARN is the `actor` of every audit record. The IAM
 * permissions this needs are listed in docs/operations.md.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { lockoutReader } from '../lambdas/auth/lockout';
import { createPasswordHasher, OWASP_SCRYPT } from '../lambdas/auth/passwords';
import { systemClock } from '../lambdas/clock';
import { TABLES, type TableName } from '../lambdas/contract/tables';
import { createAdminAuditStore } from '../lambdas/store/admin-audit';
import { createDocumentClient } from '../lambdas/store/dynamo';
import { createLoginAttemptStore } from '../lambdas/store/login-attempts';
import { createMfaStore } from '../lambdas/store/mfa';
import { createRecoveryStore } from '../lambdas/store/recovery';
import { createRevokedTokenStore } from '../lambdas/store/revoked-tokens';
import { createSessionStore } from '../lambdas/store/sessions';
import { createUserRoleStore } from '../lambdas/store/user-roles';
import { createUserStore } from '../lambdas/store/users';
import { cliClient } from './operator';
import { AdminError, type Target } from './target';

/**
 * Timeouts for calls from an operator's machine to a region: wider than a
 * Lambda's (the network is the internet), still bounded.
 */
const OPERATOR_CLIENT = {
  maxAttempts: 3,
  requestHandler: {
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    throwOnRequestTimeout: true,
    socketTimeout: 10_000,
  },
} as const;

/** The stack output that names a table: `<logical name>TableName` (lib/jwt-auth.ts). */
export function tableOutputKey(table: TableName): string {
  return `${TABLES[table].logicalName}TableName`;
}

export interface StackSpec {
  stackName: string;
  region?: string;
  profile?: string;
}

/** Turns an SDK failure into a sentence the operator can act on. */
function explain(action: string, spec: StackSpec, error: unknown): AdminError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new AdminError(
      `No usable AWS credentials to ${action} (${message}); sign in (aws sso login, or set AWS_PROFILE / --profile).`,
    );
  }
  if (/region is missing/i.test(message)) {
    return new AdminError(
      'No AWS region: pass --region, or set AWS_REGION or a region in your profile.',
    );
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) {
    return new AdminError(
      `No stack named ${spec.stackName}${spec.region ? ` in ${spec.region}` : ''}; check --stack and --region.`,
    );
  }
  return new AdminError(`Could not ${action}: ${name}: ${message}`);
}

/** Opens the deployed stack `spec.stackName` as a target. */
export async function openStackTarget(spec: StackSpec): Promise<Target> {
  const config = {
    ...OPERATOR_CLIENT,
    ...(spec.region ? { region: spec.region } : {}),
    ...(spec.profile ? { profile: spec.profile } : {}),
  };
  const cloudFormation = new CloudFormationClient(config);
  const sts = new STSClient(config);
  try {
    const [stacks, identity] = await Promise.all([
      cloudFormation
        .send(new DescribeStacksCommand({ StackName: spec.stackName }))
        .catch((error: unknown) => {
          throw explain(`read the stack ${spec.stackName}`, spec, error);
        }),
      sts.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
        throw explain('identify you (sts:GetCallerIdentity)', spec, error);
      }),
    ]);
    const outputs = new Map(
      (stacks.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
    );
    const tableName = (table: TableName): string => {
      const value = outputs.get(tableOutputKey(table));
      if (!value) {
        throw new AdminError(
          `The stack ${spec.stackName} has no output ${tableOutputKey(table)}: is it a serverless-jwt-auth stack?`,
        );
      }
      return value;
    };
    const tables = {
      users: tableName('users'),
      sessions: tableName('sessions'),
      revokedTokens: tableName('revokedTokens'),
    };
    // A stack deployed before the lockout by address (or before any lockout) has no such output:
    // its lockout is not tracked here.
    const loginAttempts = outputs.get(tableOutputKey('loginAttempts'));
    // Nor one deployed before the audit table: the audit log line is then the only record.
    const adminAudit = outputs.get(tableOutputKey('adminAudit'));
    // Nor one deployed before recovery by e-mail: users set-email then says it cannot.
    const recovery = outputs.get(tableOutputKey('recovery'));
    const region = spec.region ?? (await cloudFormation.config.region());
    const client = createDocumentClient({ config });
    return {
      description: `stack ${spec.stackName} (${region})`,
      operator: { actor: identity.Arn ?? 'unknown IAM principal', client: cliClient() },
      deps: {
        users: createUserStore(client, tables.users),
        userRoles: createUserRoleStore(client, tables.users),
        mfa: createMfaStore(client, tables.users),
        sessions: createSessionStore(client, tables.sessions),
        revokedTokens: createRevokedTokenStore(client, tables.revokedTokens),
        ...(adminAudit ? { auditLog: createAdminAuditStore(client, adminAudit) } : {}),
        // No mail: an operator's machine is not the stack's sender (set-email --verified only).
        ...(recovery
          ? { recovery: createRecoveryStore(client, { recovery, users: tables.users }) }
          : {}),
        // The stack's default thresholds: `lockedUntil` is exact unless the stack changed them.
        ...(loginAttempts
          ? {
              lockouts: lockoutReader({
                loginAttempts: createLoginAttemptStore(client, loginAttempts),
                clock: systemClock,
              }),
            }
          : {}),
        // Always the production cost: a test variable must never weaken a deployed hash.
        passwords: createPasswordHasher(OWASP_SCRYPT),
        clock: systemClock,
      },
      async close() {
        client.destroy();
      },
    };
  } finally {
    cloudFormation.destroy();
    sts.destroy();
  }
}
