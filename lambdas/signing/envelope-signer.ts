/**
 * ES256 signing in envelope mode (context `signingMode=envelope`): the private
 * key of a P-256 pair that KMS generated at deploy time
 * (`key-pair-resource.ts`) arrives encrypted under a symmetric KMS key; it is
 * decrypted once per instance (one `kms:Decrypt`, with its encryption
 * context) and every token is then signed in process: no KMS call per token.
 * The trade-off (the key in function memory, no CloudTrail entry per
 * signature) is in docs/deploy.md.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { UnavailableError } from '../errors';
import { ENVELOPE_ENCRYPTION_CONTEXT } from './envelope-context';
import { once, type PublicJwk, type TokenSigner, toPublicJwk } from './signer';

export interface EnvelopeSignerOptions {
  client: KMSClient;
  /** The symmetric KMS key the private key is encrypted under. */
  keyId: string;
  /** The private key (PKCS #8 DER) as KMS encrypted it, base64. */
  ciphertext: string;
  /** The pair's public half, handed over at deploy time. */
  publicKey: PublicJwk;
}

export function createEnvelopeSigner({
  client,
  keyId,
  ciphertext,
  publicKey,
}: EnvelopeSignerOptions): TokenSigner {
  const privateKey = once(async (): Promise<KeyObject> => {
    let plaintext: Uint8Array | undefined;
    try {
      ({ Plaintext: plaintext } = await client.send(
        new DecryptCommand({
          KeyId: keyId,
          CiphertextBlob: Buffer.from(ciphertext, 'base64'),
          EncryptionContext: { ...ENVELOPE_ENCRYPTION_CONTEXT },
        }),
      ));
    } catch (cause) {
      throw new UnavailableError(undefined, { cause: new Error('KMS Decrypt failed', { cause }) });
    }
    if (!plaintext) throw new Error('KMS Decrypt returned no plaintext.');
    const key = createPrivateKey({ key: Buffer.from(plaintext), format: 'der', type: 'pkcs8' });
    // A ciphertext and a public key of two different pairs would sign unverifiable tokens.
    const derived = await toPublicJwk(createPublicKey(key).export({ format: 'jwk' }));
    if (derived.kid !== publicKey.kid) {
      throw new Error('The envelope private key does not match the current public key.');
    }
    return key;
  });
  return {
    publicKey: async () => publicKey,
    async sign(signingInput) {
      return sign('sha256', signingInput, { key: await privateKey(), dsaEncoding: 'ieee-p1363' });
    },
  };
}
