/**
 * ES256 signing with an AWS KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY).
 * The private key never leaves KMS; the public key is fetched once per instance.
 */
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { UnavailableError } from '../errors';
import { derToJose } from './der';
import { once, type PublicJwk, type TokenSigner, toPublicJwk } from './signer';

export interface KmsSignerOptions {
  client: KMSClient;
  /** Key id, ARN or alias. */
  keyId: string;
  /**
   * The key's public half as handed over at deploy time: then the signer
   * never calls `kms:GetPublicKey`, and needs `kms:Sign` alone.
   */
  publicKey?: PublicJwk;
}

function unavailable(action: string, cause: unknown): UnavailableError {
  return new UnavailableError(undefined, { cause: new Error(`KMS ${action} failed`, { cause }) });
}

/**
 * A signer backed by KMS. A function given only `kms:GetPublicKey` can still use
 * it as a {@link PublicKeySource}: `sign` is the only call that needs `kms:Sign`.
 */
export function createKmsSigner({
  client,
  keyId,
  publicKey: known,
}: KmsSignerOptions): TokenSigner {
  const publicKey = once(async () => {
    if (known) return known;
    let der: Uint8Array | undefined;
    try {
      ({ PublicKey: der } = await client.send(new GetPublicKeyCommand({ KeyId: keyId })));
    } catch (cause) {
      throw unavailable('GetPublicKey', cause);
    }
    if (!der) throw new Error('KMS GetPublicKey returned no key.');
    const jwk = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    });
    return toPublicJwk(jwk);
  });

  return {
    publicKey,
    async sign(signingInput) {
      let signature: Uint8Array | undefined;
      try {
        // RAW lets KMS hash the input itself; a JWS signing input is far below its 4 KiB limit.
        ({ Signature: signature } = await client.send(
          new SignCommand({
            KeyId: keyId,
            Message: signingInput,
            MessageType: 'RAW',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        ));
      } catch (cause) {
        throw unavailable('Sign', cause);
      }
      if (!signature) throw new Error('KMS Sign returned no signature.');
      return derToJose(signature);
    },
  };
}
