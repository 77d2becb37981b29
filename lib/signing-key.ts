/**
 * The ES256 signing key: a KMS asymmetric key whose private half never leaves
 * KMS. Token-issuing functions call `kms:Sign`; everything else may only read
 * the public key.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Alias, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

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
