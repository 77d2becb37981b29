/**
 * The KMS key the TOTP secrets are encrypted under
 * (`lambdas/signing/totp-secret-cipher.ts`): symmetric, rotated yearly by
 * KMS (old ciphertexts still decrypt). Its policy is the signing key's: the
 * account administers it without using it; `kms:Encrypt` is allowed to the
 * enrolment function alone and `kms:Decrypt` to the functions that check a
 * code, and each is denied to every other principal.
 */
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { type Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { TotpKeyAction } from '../lambdas/contract/routes';
import type { AuthFunction } from './auth-function';
import { allowOnlyBy, restrictedKey } from './signing-key';

export interface TotpSecretKeyProps {
  /** Keep the key when the stack is deleted: without it no enrolled user could log in. */
  retainData: boolean;
}

const SIDS: Record<TotpKeyAction, { allow: string; deny: string }> = {
  'kms:Encrypt': { allow: 'EnrolmentFunctionEncrypts', deny: 'DenyEncryptToEveryoneElse' },
  'kms:Decrypt': { allow: 'CodeCheckingFunctionsDecrypt', deny: 'DenyDecryptToEveryoneElse' },
};

export class TotpSecretKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: TotpSecretKeyProps) {
    super(scope, id);
    this.key = restrictedKey(this, 'Key', {
      description: 'Encrypts the TOTP secrets of serverless-jwt-auth',
      keySpec: KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: KeyUsage.ENCRYPT_DECRYPT,
      enableKeyRotation: true,
      retainData: props.retainData,
    });
  }

  /** Each action for exactly the functions whose spec asks for it, denied to everyone else. */
  allowOnlyBy(functions: readonly AuthFunction[]): void {
    for (const action of Object.keys(SIDS) as TotpKeyAction[]) {
      const roles: IRole[] = functions
        .filter((fn) => fn.spec.totpKey?.includes(action))
        .map((fn) => fn.role);
      allowOnlyBy(this.key, action, roles, SIDS[action]);
    }
  }
}
