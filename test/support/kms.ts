/**
 * A KMS double backed by a real P-256 key: `GetPublicKey` returns the real SPKI
 * DER and `Sign` returns a real DER ECDSA signature, so what the project's KMS
 * signer produces can be verified with the public key.
 */
import { sign } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { generateP256 } from './keys';

export function mockKmsWithRealKey(kms: AwsClientStub<KMSClient>) {
  const { privateKey, publicKey } = generateP256();
  kms.on(GetPublicKeyCommand).resolves({
    PublicKey: publicKey.export({ format: 'der', type: 'spki' }),
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
  });
  kms.on(SignCommand).callsFake((input: { Message?: Uint8Array }) => ({
    Signature: sign('sha256', input.Message ?? new Uint8Array(), {
      key: privateKey,
      dsaEncoding: 'der',
    }),
    SigningAlgorithm: 'ECDSA_SHA_256',
  }));
  return { privateKey, publicKey };
}
