/**
 * The findings that remain under the compliance profile, each acknowledged on
 * the narrowest construct with a reason that names the trade-off, as
 * `nag-suppressions.ts` does for AwsSolutions. Any other finding of the packs
 * `compliance-checks.ts` runs fails `cdk synth`. docs/deploy.md ("Compliance
 * profile") lists the same findings in one table; a test keeps them in step.
 */
import { Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { BackupSelection } from 'aws-cdk-lib/aws-backup';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { AuthFunction } from './auth-function';

/** The cdk-nag packs of the profile, by their plugin names. */
export const NAG_COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/** The plugin name of `@cdklabs/cdk-validator-cfnguard` (AWS Control Tower's proactive controls). */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/**
 * A finding: a rule of the three compliance packs (`nag`), of AwsSolutions
 * (`awsSolutions`, the rule id with its policy) or of Control Tower
 * (`controlTower`), and why it is accepted.
 */
export type ComplianceFinding =
  | { nag: string; reason: string }
  | { awsSolutions: string; reason: string }
  | { controlTower: string; controlId: string; reason: string };

/** One reason for the two packs' rules that want the functions in a VPC. */
const OUTSIDE_VPC =
  'Without context vpcId the functions run in the Lambda service network and reach only AWS APIs, over TLS with IAM-signed calls. VPC placement (context vpcId) adds the endpoints that cost about $29/month and slower cold starts; docs/deploy.md explains both.';

export const COMPLIANCE_FINDINGS = {
  inlinePolicies: {
    nag: 'IAMNoInlinePolicy',
    reason:
      'Each function has a role of its own whose one inline policy CDK derives from the route table (exactly its tables and signing keys). A customer-managed policy would hold the same statements for the same single role, as a second resource to keep in step, with nothing gained in reuse or review.',
  },
  concurrency: {
    nag: 'LambdaConcurrency',
    reason:
      'Reserved concurrency is opt-in (context authorizerReservedConcurrency, passwordHashingReservedConcurrency): each reservation is withheld from every other function of the account and also caps the function, and new accounts cannot reserve any. The stage and per-route throttles bound the request rate instead.',
  },
  apiDeadLetters: {
    nag: 'LambdaDLQ',
    reason:
      'API Gateway invokes these functions synchronously and returns their failure to the caller, who retries; Lambda sends only asynchronous invocations to a dead-letter queue, so one would always stay empty.',
  },
  customResourceDeadLetters: {
    nag: 'LambdaDLQ',
    reason:
      'The deploy-time functions (the public key reader, the envelope key creator) answer CloudFormation custom resources: a failure fails the deployment at once and CloudFormation rolls back, and an event parked in a dead-letter queue could never answer the deployment it belonged to.',
  },
  outsideVpc: {
    nag: 'LambdaInsideVPC',
    reason: OUTSIDE_VPC,
  },
  responseCache: {
    nag: 'APIGWCacheEnabledAndEncrypted',
    reason:
      'A response cache would serve an answer computed before a logout or revocation to a caller whose token is already revoked; every request must reach the authorizer and the revocation list, which is the point of this service.',
  },
  backendCertificate: {
    nag: 'APIGWSSLEnabled',
    reason:
      'A stage client certificate authenticates API Gateway to HTTP back ends; every integration here is a Lambda invocation, which API Gateway signs with IAM, so a certificate would have nothing to present itself to.',
  },
  backupRole: {
    awsSolutions:
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    reason:
      'The role AWS Backup assumes to back up the tables; AWS maintains this policy for exactly that service and keeps it current as Backup needs new actions, which a copied policy would miss.',
  },
  vpcAccessRole: {
    awsSolutions:
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason:
      'With VPC placement, Lambda creates and deletes the network interfaces through the function role; AWS maintains this policy for exactly that, and its EC2 actions support no resource-level scoping a copy could add.',
  },
  apiInvokePermissions: {
    controlTower: 'lambda_function_public_access_prohibited_check',
    controlId: 'CT.LAMBDA.PR.2',
    reason:
      "API Gateway's invoke permissions name their source (this API's methods; for the authorizer, the account's API authorizers, with SourceAccount too), but the rule accepts only literal strings or plain references, and those ARNs need the account and region an account-agnostic template learns at deploy time.",
  },

  controlTowerOutsideVpc: {
    controlTower: 'lambda_inside_vpc_check',
    controlId: 'CT.LAMBDA.PR.3',
    reason: OUTSIDE_VPC,
  },
} as const satisfies Record<string, ComplianceFinding>;

export type ComplianceFindingName = keyof typeof COMPLIANCE_FINDINGS;

/** The acknowledgement ids of a finding: one per pack it belongs to. */
export function findingIds(finding: ComplianceFinding): string[] {
  if ('nag' in finding)
    return NAG_COMPLIANCE_PACKS.map((pack) => `${pack}::${pack}-${finding.nag}`);
  if ('awsSolutions' in finding) return [`AwsSolutions::AwsSolutions-${finding.awsSolutions}`];
  return [`${CONTROL_TOWER_PLUGIN}::${finding.controlTower}`];
}

function acknowledge(scope: IConstruct, name: ComplianceFindingName): void {
  const finding: ComplianceFinding = COMPLIANCE_FINDINGS[name];
  for (const id of findingIds(finding)) {
    Validations.of(scope).acknowledge({ id, reason: finding.reason });
  }
}

export interface ComplianceFindingTargets {
  api: RestApi;
  /** The TOKEN authorizer's function: API Gateway's permission to invoke it lives there. */
  authorizer: AuthFunction;
  /** Every function of the stack. */
  functions: readonly AuthFunction[];
  /** Functions invoked by CloudFormation, not by the API. */
  customResourceFunctions: readonly AuthFunction[];
  backupSelection: BackupSelection;
  /** Whether the functions are placed in a VPC. */
  inVpc: boolean;
}

/** Acknowledges the profile's remaining findings where they occur. */
export function acknowledgeComplianceFindings(targets: ComplianceFindingTargets): void {
  const { api } = targets;
  acknowledge(api.deploymentStage, 'responseCache');
  acknowledge(api.deploymentStage, 'backendCertificate');
  // The routes' invoke permissions are children of the API's methods, the
  // authorizer's of its function; no other permission lives there.
  acknowledge(api, 'apiInvokePermissions');
  acknowledge(targets.authorizer.function, 'apiInvokePermissions');
  acknowledge(targets.backupSelection, 'backupRole');

  for (const fn of targets.functions) {
    acknowledge(fn.role, 'inlinePolicies');
    const cfn = fn.function.node.defaultChild as CfnFunction;
    if (cfn.reservedConcurrentExecutions === undefined) acknowledge(fn.function, 'concurrency');
    acknowledge(
      fn.function,
      targets.customResourceFunctions.includes(fn) ? 'customResourceDeadLetters' : 'apiDeadLetters',
    );
    if (targets.inVpc) {
      acknowledge(fn.role, 'vpcAccessRole');
    } else {
      acknowledge(fn.function, 'outsideVpc');
      acknowledge(fn.function, 'controlTowerOutsideVpc');
    }
  }
}
