/**
 * The KMS key behind opaque refresh tokens: an HMAC_256 key
 * (GENERATE_VERIFY_MAC) from which each function that issues or reads refresh
 * tokens derives the same HMAC key with one `kms:GenerateMac` per instance
 * (`lambdas/signing/refresh-token-key.ts`). Whoever may call GenerateMac on
 * it could mint a refresh token for any session, so its policy is the signing
 * key's: the account administers it without using it, and `kms:GenerateMac`
 * is denied to every principal but those functions.
 *
 * KMS never rotates HMAC keys; replacing this one ends every session holding
 * an opaque refresh token (docs/deploy.md).
 */
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { type Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { AuthFunction } from './auth-function';
import { allowOnlyBy, restrictedKey } from './signing-key';

/**
 * CloudFormation updates the functions one by one. Every function that issues
 * tokens (`kms:Sign`) is made to wait for every other function that reads
 * refresh tokens, so during a deployment a refresh token of a format new to
 * this version only ever reaches functions already updated: login after
 * refresh, logout and revocation; refresh after logout and revocation. (A
 * rollback undoes this order's guarantee: docs/deploy.md.)
 */
export function orderRefreshTokenUpdates(functions: readonly AuthFunction[]): void {
  const readers = functions.filter((fn) => fn.spec.readsRefreshTokens);
  for (const issuer of functions.filter((fn) => fn.spec.key.includes('kms:Sign'))) {
    for (const reader of readers) {
      if (reader !== issuer) issuer.function.node.addDependency(reader.function);
    }
  }
}

export interface RefreshTokenKeyProps {
  /** Keep the key when the stack is deleted (sessions outlive a redeploy, as with the tables). */
  retainData: boolean;
}

export class RefreshTokenKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: RefreshTokenKeyProps) {
    super(scope, id);
    this.key = restrictedKey(this, 'Key', {
      description: 'HMAC key of the opaque refresh tokens of serverless-jwt-auth',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      // KMS cannot rotate HMAC keys.
      enableKeyRotation: false,
      retainData: props.retainData,
    });
  }

  /** `kms:GenerateMac` for exactly these roles, denied to every other principal. */
  allowOnlyBy(roles: readonly IRole[]): void {
    allowOnlyBy(this.key, 'kms:GenerateMac', roles, {
      allow: 'RefreshTokenFunctionsGenerateMac',
      deny: 'DenyGenerateMacToEveryoneElse',
    });
  }
}
