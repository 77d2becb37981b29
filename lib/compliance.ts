/**
 * The compliance profile (context `compliance=true`): what NIST 800-53 R5,
 * HIPAA Security, PCI DSS 3.2.1 and AWS Control Tower's proactive controls ask
 * of this stack, applied to the parts already built, so the default template
 * stays exactly as it is without the profile.
 *
 * - Logs: one customer-managed key encrypts every log group of the deployment;
 *   its key policy lets CloudWatch Logs of this region use it for this
 *   account's log groups. Retention is at least a year (`lib/config.ts`
 *   refuses less).
 * - Alarms: the alarm topic is encrypted with a key whose policy lets
 *   CloudWatch alarms of this account publish (without it, alarms silently
 *   stop notifying).
 * - Backups: an AWS Backup plan for every table, daily, kept 35 days, in a
 *   vault with its own key; vault and key outlive the stack.
 * - WAF logging, when the web ACL is on, to `aws-waf-logs-…` with the
 *   Authorization header redacted.
 * - VPC placement, when context `vpcId` is given (`compliance-vpc.ts`).
 * - Every remaining finding acknowledged with its reason
 *   (`compliance-findings.ts`); `compliance-checks.ts` runs the packs.
 */

import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnLogGroup, LogGroup } from 'aws-cdk-lib/aws-logs';
import type { CfnTopic, Topic } from 'aws-cdk-lib/aws-sns';
import { CfnLoggingConfiguration } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { TableName } from '../lambdas/contract/tables';
import type { AuthFunction } from './auth-function';
import { acknowledgeComplianceFindings } from './compliance-findings';
import { ComplianceVpc, vpcIdsOf } from './compliance-vpc';
import type { StackConfig } from './config';
import type { WebAcl } from './waf';

/** How long each daily recovery point is kept. */
export const BACKUP_RETENTION_DAYS = 35;

/** The header WAF logs never show: it carries the bearer token. */
export const WAF_REDACTED_HEADER = 'authorization';

/** WAF delivers logs only to log groups whose name starts with this. */
export const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

export interface ComplianceParts {
  config: StackConfig;
  tables: Record<TableName, Table>;
  api: RestApi;
  /** The TOKEN authorizer's function. */
  authorizer: AuthFunction;
  /** Every function of the stack: the API's, the authorizer and the deploy-time ones. */
  functions: readonly AuthFunction[];
  /** The functions CloudFormation invokes (custom resources), not the API. */
  customResourceFunctions: readonly AuthFunction[];
  alarmTopic: Topic;
  webAcl?: WebAcl;
}

/**
 * Applies the profile when `compliance` is true; call it once, after every
 * other part of the deployment exists in `scope` (it encrypts every log group
 * it finds there).
 */
export function applyComplianceProfile(
  scope: Construct,
  parts: ComplianceParts,
): ComplianceProfile | undefined {
  return parts.config.compliance ? new ComplianceProfile(scope, 'Compliance', parts) : undefined;
}

/** The keys, backup plan, WAF logging and VPC placement of the profile. */
export class ComplianceProfile extends Construct {
  readonly logsKey: Key;
  readonly alarmTopicKey: Key;
  readonly backupKey: Key;
  readonly backupVault: BackupVault;
  readonly backupPlan: BackupPlan;
  readonly wafLogs?: LogGroup;
  readonly network?: ComplianceVpc;

  constructor(scope: Construct, id: string, parts: ComplianceParts) {
    super(scope, id);
    const { config } = parts;
    const stack = Stack.of(this);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.logsKey = this.key('LogsKey', 'encrypts the log groups', removalPolicy);
    this.logsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsUsesTheKeyForThisAccountsLogGroups',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt*',
          'kms:Decrypt*',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:Describe*',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    this.alarmTopicKey = this.key('AlarmTopicKey', 'encrypts the alarm topic', removalPolicy);
    this.alarmTopicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    (parts.alarmTopic.node.defaultChild as CfnTopic).kmsMasterKeyId = this.alarmTopicKey.keyArn;

    // Backups outlive the stack whatever `retain` says: they are what a restore needs.
    this.backupKey = this.key('BackupKey', 'encrypts the backup vault', RemovalPolicy.RETAIN);
    this.backupVault = new BackupVault(this, 'BackupVault', {
      encryptionKey: this.backupKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupPlan = new BackupPlan(this, 'BackupPlan', {
      backupVault: this.backupVault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(BACKUP_RETENTION_DAYS),
        }),
      ],
    });
    const backupSelection = this.backupPlan.addSelection('Tables', {
      resources: Object.values(parts.tables).map((table) =>
        BackupResource.fromDynamoDbTable(table),
      ),
    });

    if (parts.webAcl) this.wafLogs = this.wafLogging(parts.webAcl, config, removalPolicy);

    const vpcIds = vpcIdsOf(config);
    if (vpcIds) {
      const network = new ComplianceVpc(this, 'Network', {
        ids: vpcIds,
        sendsEmail: config.emailFrom !== undefined,
      });
      for (const fn of parts.functions) network.place(fn);
      this.network = network;
    }

    this.limitGrantsOfEveryKey(scope);
    this.encryptEveryLogGroup(scope);

    acknowledgeComplianceFindings({
      api: parts.api,
      authorizer: parts.authorizer,
      functions: parts.functions,
      customResourceFunctions: parts.customResourceFunctions,
      backupSelection,
      inVpc: this.network !== undefined,
    });
  }

  /** A symmetric key with yearly rotation and Control Tower's grant statement. */
  private key(id: string, purpose: string, removalPolicy: RemovalPolicy): Key {
    const key = new Key(this, id, {
      description: `serverless-jwt-auth: ${purpose}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    key.addToResourcePolicy(grantsOnlyForAwsServices());
    return key;
  }

  /** WAF's full request log, less the bearer token, in a log group of the stack. */
  private wafLogging(webAcl: WebAcl, config: StackConfig, removalPolicy: RemovalPolicy): LogGroup {
    const logs = new LogGroup(this, 'WafLogs', {
      logGroupName: `${WAF_LOG_GROUP_PREFIX}serverless-jwt-auth-${config.stageName}`,
      retention: config.logRetention,
      removalPolicy,
    });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: webAcl.acl.attrArn,
      // WAF wants the log group's ARN without CDK's trailing `:*`.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: WAF_REDACTED_HEADER } }],
    });
    return logs;
  }

  /** Control Tower's grant statement on the deployment's other keys (signing, refresh tokens). */
  private limitGrantsOfEveryKey(deployment: Construct): void {
    const own: readonly Key[] = [this.logsKey, this.alarmTopicKey, this.backupKey];
    for (const construct of deployment.node.findAll()) {
      if (construct instanceof Key && !own.includes(construct)) {
        construct.addToResourcePolicy(grantsOnlyForAwsServices());
      }
    }
  }

  /** Every log group of the deployment, whoever created it, encrypted with the logs key. */
  private encryptEveryLogGroup(deployment: Construct): void {
    for (const construct of deployment.node.findAll()) {
      if (construct instanceof CfnLogGroup) construct.kmsKeyId = this.logsKey.keyArn;
    }
  }
}

/**
 * AWS Control Tower CT.KMS.PR.3: no grant on the key except those AWS
 * services create for their resources.
 */
function grantsOnlyForAwsServices(): PolicyStatement {
  return new PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: {
        'kms:GrantIsForAWSResource': 'false',
        'aws:PrincipalIsAWSService': 'false',
      },
    },
  });
}
