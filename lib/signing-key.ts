/**
 * The ES256 signing key: a KMS asymmetric key whose private half never leaves
 * KMS, and a key policy that makes `kms:Sign` the privilege of the functions
 * that issue tokens alone. CDK's default key policy gives the account root
 * `kms:*`, so any administrator or broad IAM policy of the account could mint
 * a token for any user; this one gives the account the administration of the
 * key (through IAM, so CloudFormation and administrators can still manage,
 * update and delete it) without `kms:Sign`, denies `kms:Sign` to every other
 * principal, and denies grants except those AWS services make (AWS Control
 * Tower CT.KMS.PR.3). Residual trust: whoever may call `kms:PutKeyPolicy`
 * can still rewrite this policy and grant themselves Sign (docs/deploy.md).
 *
 * No function reads the public key at run time: a custom resource reads it
 * once per deployment ({@link SigningPublicKey}) and the stack hands it to
 * every function in its environment.
 */
import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  type IRole,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Alias, type IKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PUBLIC_KEY_READER } from '../lambdas/contract/routes';
import { AuthFunction } from './auth-function';
import type { GrantTargets } from './grants';

/**
 * What the account (through IAM policies) may do with the key: manage it, its
 * policy, tags, aliases and deletion, and list or revoke grants. Never Sign,
 * never Verify, never CreateGrant (a grant could carry Sign).
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ListKeyPolicies',
  'kms:GetKeyRotationStatus',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListGrants',
  'kms:RevokeGrant',
] as const;

/** Reading the public key is harmless; the verifying functions get it through IAM. */
export const KEY_PUBLIC_ACTIONS = ['kms:GetPublicKey'] as const;

export interface SigningKeyProps {
  /** Alias name without the `alias/` prefix. */
  aliasName: string;
  /** Keep the key when the stack is deleted (KMS then waits 30 days before deleting it anyway). */
  retainData: boolean;
}

/** The KMS key that signs every token, and its alias. */
export class SigningKey extends Construct {
  readonly key: Key;
  readonly alias: Alias;

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    const account = new AccountRootPrincipal();
    this.key = new Key(this, 'Key', {
      description: 'ES256 (ECC_NIST_P256) key that signs the JWTs of serverless-jwt-auth',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // KMS does not rotate asymmetric keys; a new key means a new `kid` in the JWKS.
      enableKeyRotation: false,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // Replaces CDK's default (the account root may do `kms:*`).
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersTheKeyWithoutSigning',
            principals: [account],
            actions: [...KEY_ADMIN_ACTIONS],
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'AccountReadsThePublicKey',
            principals: [account],
            actions: [...KEY_PUBLIC_ACTIONS],
            resources: ['*'],
          }),
          // AWS Control Tower CT.KMS.PR.3: grants only through AWS services.
          new PolicyStatement({
            sid: 'DenyGrantsNotForAwsResources',
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['kms:CreateGrant'],
            resources: ['*'],
            conditions: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
          }),
        ],
      }),
    });
    // The alias is always removed with the stack, so a redeploy can recreate it
    // on a new key even when the old key was retained.
    this.alias = new Alias(this, 'Alias', {
      aliasName: `alias/${props.aliasName}`,
      targetKey: this.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * Lets exactly these roles call `kms:Sign` and denies it to every other
   * principal, whatever an IAM policy or a grant says. The roles are named by
   * ARN in conditions, not as principals: KMS refuses a policy naming a role
   * IAM has not propagated yet, and the roles are created in the same
   * deployment. The account principal delegates to IAM, so a signer needs its
   * own IAM allow as well (`lib/grants.ts` gives it from the route table).
   */
  allowSigningOnlyBy(signers: readonly IRole[]): void {
    const arns = signers.map((role) => role.roleArn);
    if (arns.length > 0) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: 'TokenIssuersSign',
          principals: [new AccountRootPrincipal()],
          actions: ['kms:Sign'],
          resources: ['*'],
          conditions: { ArnEquals: { 'aws:PrincipalArn': arns } },
        }),
      );
    }
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenySigningToEveryoneElse',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        ...(arns.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns } } } : {}),
      }),
    );
  }
}

export interface SigningPublicKeyProps {
  key: IKey;
  /** For the reader function's grants: `kms:GetPublicKey` on `key`, nothing else. */
  targets: GrantTargets;
  logRetention: RetentionDays;
  /** Keep the reader's log group when the stack is deleted (`retain=true`). */
  retainLogs: boolean;
}

/**
 * The public half of a signing key, read from KMS at deploy time by a small
 * custom resource function. `jwk` and `kid` are CloudFormation attributes:
 * the stack puts them into `SIGNING_PUBLIC_KEYS` / `SIGNING_CURRENT_KID`.
 * Public keys are not secret; the private key never leaves KMS.
 */
export class SigningPublicKey extends Construct {
  readonly reader: AuthFunction;
  readonly resource: CustomResource;
  /** The public JWK (with its RFC 7638 `kid`) as a JSON string. */
  readonly jwk: string;
  readonly kid: string;

  constructor(scope: Construct, id: string, props: SigningPublicKeyProps) {
    super(scope, id);
    this.reader = new AuthFunction(this, PUBLIC_KEY_READER.id, {
      spec: PUBLIC_KEY_READER,
      environment: {},
      targets: props.targets,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.reader.function.functionArn,
      resourceType: 'Custom::SigningPublicKey',
      properties: { KeyId: props.key.keyId },
    });
    // The reader must hold kms:GetPublicKey before CloudFormation invokes it.
    this.resource.node.addDependency(this.reader.role);
    this.jwk = this.resource.getAttString('Jwk');
    this.kid = this.resource.getAttString('Kid');
  }
}
