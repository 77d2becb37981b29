/**
 * The ES256 signing keys: KMS asymmetric keys whose private halves never leave
 * KMS (one signs; during a rotation, context `signingKeys`, the others are
 * still or already trusted), each with a key policy that makes `kms:Sign`
 * the privilege of the functions that issue tokens alone. CDK's default key policy gives the account root
 * `kms:*`, so any administrator or broad IAM policy of the account could mint
 * a token for any user; this one gives the account the administration of the
 * key (through IAM, so CloudFormation and administrators can still manage,
 * update and delete it) without `kms:Sign`, denies `kms:Sign` to every other
 * principal, and denies grants except those AWS services make (AWS Control
 * Tower CT.KMS.PR.3). Residual trust: whoever may call `kms:PutKeyPolicy`
 * can still rewrite this policy and grant themselves Sign (docs/deploy.md).
 *
 * No function reads a public key at run time: a custom resource per key reads
 * it once per deployment ({@link SigningPublicKey}) and the stack hands the
 * set to every function in its environment.
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
import { Alias, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
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
  /** Alias name without the `alias/` prefix; it names the current key. */
  aliasName: string;
  /** Keep the keys when they leave the stack (KMS then waits 30 days before deleting them anyway). */
  retainData: boolean;
  /**
   * Logical names of the keys, the current (signing) one first; default
   * {@link LEGACY_KEY_NAME} alone. Each name is one KMS key, kept for as long
   * as the name is listed; a name dropped from the list drops its key.
   */
  names?: readonly string[];
}

/**
 * The name of the key every stack had before rotation existed. Its key keeps
 * the construct id (hence the logical id) of that key, so deploying this
 * version onto an existing stack replaces nothing and logs nobody out.
 */
export const LEGACY_KEY_NAME = 'k1';

/** One signing key of the set, by its logical name. */
export interface NamedKey {
  name: string;
  key: Key;
}

/** Construct id of a named key within {@link SigningKey}: the legacy key keeps `Key`. */
const keyId = (name: string) => (name === LEGACY_KEY_NAME ? 'Key' : `Key${name}`);

/**
 * The KMS keys that sign tokens (the current one) or did or will (the
 * others: still trusted by verifiers during a rotation), and the alias that
 * names the current one. Every key has the same key policy.
 */
export class SigningKey extends Construct {
  /** The current key: the one tokens are signed with. */
  readonly key: Key;
  /** Every listed key, the current one first. */
  readonly keys: readonly NamedKey[];
  readonly alias: Alias;

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    const names = props.names ?? [LEGACY_KEY_NAME];
    if (names.length === 0) throw new Error('SigningKey needs at least one key name.');
    this.keys = names.map((name) => ({
      name,
      key: createKey(this, keyId(name), props.retainData),
    }));
    this.key = (this.keys[0] as NamedKey).key;
    // The alias is always removed with the stack, so a redeploy can recreate it
    // on a new key even when the old key was retained. It follows the current
    // key (an in-place update): its logical id never changes, or CloudFormation
    // would create the same alias name again before deleting the old one.
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
    for (const { key } of this.keys) allowSigningOnlyBy(key, signers);
  }
}

/**
 * See {@link SigningKey.allowSigningOnlyBy}. Every listed key, not only the
 * current one: a deployment that switches the current key updates functions,
 * roles and key policies one by one, and a login instance still on the old
 * key must not fail meanwhile. The code signs with the current key alone.
 */
function allowSigningOnlyBy(key: Key, signers: readonly IRole[]): void {
  allowOnlyBy(key, 'kms:Sign', signers, {
    allow: 'TokenIssuersSign',
    deny: 'DenySigningToEveryoneElse',
  });
}

/**
 * Lets exactly `roles` call `action` on `key` and denies it to every other
 * principal (the roles named by ARN in conditions: see
 * {@link SigningKey.allowSigningOnlyBy}). The sids name the two statements.
 */
export function allowOnlyBy(
  key: Key,
  action: string,
  roles: readonly IRole[],
  sids: { allow: string; deny: string },
): void {
  const arns = roles.map((role) => role.roleArn);
  if (arns.length > 0) {
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: sids.allow,
        principals: [new AccountRootPrincipal()],
        actions: [action],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': arns } },
      }),
    );
  }
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: sids.deny,
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: [action],
      resources: ['*'],
      ...(arns.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns } } } : {}),
    }),
  );
}

/**
 * The key policy of a key whose one use only some functions may make: the
 * account administers it without that use (`KEY_ADMIN_ACTIONS`), plus
 * `extra`, and grants only go through AWS services.
 */
export function restrictedKeyPolicy(extra: readonly PolicyStatement[] = []): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'AccountAdministersTheKeyWithoutSigning',
        principals: [new AccountRootPrincipal()],
        actions: [...KEY_ADMIN_ACTIONS],
        resources: ['*'],
      }),
      ...extra,
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
  });
}

/** What differs between the keys of {@link restrictedKey}. */
export interface RestrictedKeyProps {
  description: string;
  /** Default: symmetric (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`). */
  keySpec?: KeySpec;
  keyUsage?: KeyUsage;
  enableKeyRotation: boolean;
  /** Keep the key when it leaves the stack. */
  retainData: boolean;
  /** Statements beside the administration and the grant rule: see {@link restrictedKeyPolicy}. */
  extra?: readonly PolicyStatement[];
}

/**
 * A KMS key under {@link restrictedKeyPolicy} (which replaces CDK's default,
 * where the account root may do `kms:*`): its one use is then allowed with
 * {@link allowOnlyBy}.
 */
export function restrictedKey(scope: Construct, id: string, props: RestrictedKeyProps): Key {
  return new Key(scope, id, {
    description: props.description,
    keySpec: props.keySpec,
    keyUsage: props.keyUsage,
    enableKeyRotation: props.enableKeyRotation,
    removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    policy: restrictedKeyPolicy(props.extra),
  });
}

/** One ES256 KMS key with the policy described at the top of this file. */
function createKey(scope: Construct, id: string, retainData: boolean): Key {
  return restrictedKey(scope, id, {
    description: 'ES256 (ECC_NIST_P256) key that signs the JWTs of serverless-jwt-auth',
    keySpec: KeySpec.ECC_NIST_P256,
    keyUsage: KeyUsage.SIGN_VERIFY,
    // KMS does not rotate asymmetric keys; a new key means a new `kid` in the JWKS
    // (context `signingKeys`, docs/deploy.md "Rotating the signing key").
    enableKeyRotation: false,
    retainData,
    extra: [
      new PolicyStatement({
        sid: 'AccountReadsThePublicKey',
        principals: [new AccountRootPrincipal()],
        actions: [...KEY_PUBLIC_ACTIONS],
        resources: ['*'],
      }),
    ],
  });
}

export interface SigningPublicKeyProps {
  /** The keys whose public halves to read, the current one first. */
  keys: readonly NamedKey[];
  /** For the reader function's grants: `kms:GetPublicKey` on the keys, nothing else. */
  targets: GrantTargets;
  logRetention: RetentionDays;
  /** Keep the reader's log group when the stack is deleted (`retain=true`). */
  retainLogs: boolean;
}

/** The public half of one named key, as CloudFormation attributes. */
export interface NamedPublicKey {
  name: string;
  resource: CustomResource;
  /** The public JWK (with its RFC 7638 `kid`) as a JSON string. */
  jwk: string;
  kid: string;
}

/** Construct id of a named key's custom resource: the legacy key's keeps `Resource`. */
const resourceId = (name: string) => (name === LEGACY_KEY_NAME ? 'Resource' : `Resource${name}`);

/**
 * The public halves of the signing keys, read from KMS at deploy time by one
 * small custom resource function, one custom resource per key. `jwk` and
 * `kid` are CloudFormation attributes: the stack puts them into
 * `SIGNING_PUBLIC_KEYS` / `SIGNING_CURRENT_KID`. Public keys are not secret;
 * the private keys never leave KMS.
 */
export class SigningPublicKey extends Construct {
  readonly reader: AuthFunction;
  /** Every key's public half, the current one first. */
  readonly keys: readonly NamedPublicKey[];
  /** The current key's custom resource. */
  readonly resource: CustomResource;
  /** The current key's public JWK (with its RFC 7638 `kid`) as a JSON string. */
  readonly jwk: string;
  readonly kid: string;
  /** `SIGNING_PUBLIC_KEYS`: the JSON array of every key's public JWK, the current one first. */
  readonly jwks: string;

  constructor(scope: Construct, id: string, props: SigningPublicKeyProps) {
    super(scope, id);
    this.reader = new AuthFunction(this, PUBLIC_KEY_READER.id, {
      spec: PUBLIC_KEY_READER,
      environment: {},
      targets: props.targets,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
    });
    this.keys = props.keys.map(({ name, key }) => {
      const resource = new CustomResource(this, resourceId(name), {
        serviceToken: this.reader.function.functionArn,
        resourceType: 'Custom::SigningPublicKey',
        properties: { KeyId: key.keyId },
      });
      // The reader must hold kms:GetPublicKey before CloudFormation invokes it.
      resource.node.addDependency(this.reader.role);
      return {
        name,
        resource,
        jwk: resource.getAttString('Jwk'),
        kid: resource.getAttString('Kid'),
      };
    });
    const current = this.keys[0];
    if (!current) throw new Error('SigningPublicKey needs at least one key.');
    ({ resource: this.resource, jwk: this.jwk, kid: this.kid } = current);
    this.jwks = `[${this.keys.map((key) => key.jwk).join(',')}]`;
  }
}
