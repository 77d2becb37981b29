/**
 * The ES256 signing key: a KMS asymmetric key whose private half never leaves
 * KMS. Token-issuing functions call `kms:Sign`; no function reads the public
 * key at run time: a custom resource reads it once per deployment
 * ({@link SigningPublicKey}) and the stack hands it to every function in
 * its environment.
 */
import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import { Alias, type IKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PUBLIC_KEY_READER } from '../lambdas/contract/routes';
import { AuthFunction } from './auth-function';
import type { GrantTargets } from './grants';

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
    this.key = new Key(this, 'Key', {
      description: 'ES256 (ECC_NIST_P256) key that signs the JWTs of serverless-jwt-auth',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // KMS does not rotate asymmetric keys; a new key means a new `kid` in the JWKS.
      enableKeyRotation: false,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // The alias is always removed with the stack, so a redeploy can recreate it
    // on a new key even when the old key was retained.
    this.alias = new Alias(this, 'Alias', {
      aliasName: `alias/${props.aliasName}`,
      targetKey: this.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
