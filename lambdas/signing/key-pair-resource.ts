/**
 * Deploy-time only, envelope mode: the CloudFormation custom resource that has
 * KMS generate the signing key pair (`GenerateDataKeyPairWithoutPlaintext`,
 * ECC_NIST_P256) under the envelope key. Neither this function nor the
 * template ever sees the private key in plain text: only its ciphertext and
 * the public key are returned (`Ciphertext`, `Jwk`, `Kid`).
 *
 * The pair is created once. Its physical id carries the ciphertext and the
 * public key, so an update (or a retried create of the same resource) answers
 * with that same pair instead of generating another, and a delete has nothing
 * to delete. A new pair is a new resource (a new name in `signingKeys`).
 */
import { createPublicKey } from 'node:crypto';
import { GenerateDataKeyPairWithoutPlaintextCommand, KMSClient } from '@aws-sdk/client-kms';
import { ENVELOPE_ENCRYPTION_CONTEXT } from './envelope-context';
import { type PublicKeyResourceEvent, respond } from './public-key-resource';
import { toPublicJwk } from './signer';

/** Bounded well below the function timeout, so a hung KMS still gets a FAILED answer out. */
const KMS_TIMEOUT_MS = 5000;
const PREFIX = 'pair';

const kms = new KMSClient({ maxAttempts: 3 });

async function dataOf(ciphertext: string, publicKeyDer: string) {
  const jwk = await toPublicJwk(
    createPublicKey({
      key: Buffer.from(publicKeyDer, 'base64url'),
      format: 'der',
      type: 'spki',
    }).export({ format: 'jwk' }),
  );
  return { Ciphertext: ciphertext, Jwk: JSON.stringify(jwk), Kid: jwk.kid };
}

/** `pair.<ciphertext base64>.<public key DER base64url>`, the same pair on every later request. */
function fromPhysicalId(physicalId: string | undefined) {
  const [prefix, ciphertext, publicKey, extra] = (physicalId ?? '').split('.');
  if (prefix !== PREFIX || !ciphertext || !publicKey || extra !== undefined) return undefined;
  return { ciphertext: Buffer.from(ciphertext, 'base64url').toString('base64'), publicKey };
}

/** Handles one custom resource request, with `client` as the KMS client. */
export async function handleKeyPairResource(
  event: PublicKeyResourceEvent,
  client: KMSClient = kms,
): Promise<void> {
  const existing = fromPhysicalId(event.PhysicalResourceId);
  const physicalId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
  try {
    if (event.RequestType === 'Delete') {
      // KMS keeps nothing for a data key pair: the ciphertext was the only copy.
      return await respond(event, { Status: 'SUCCESS', PhysicalResourceId: physicalId });
    }
    if (existing) {
      return await respond(event, {
        Status: 'SUCCESS',
        PhysicalResourceId: physicalId,
        Data: await dataOf(existing.ciphertext, existing.publicKey),
      });
    }
    const keyId = event.ResourceProperties.KeyId;
    if (!keyId) throw new Error('The KeyId property is required.');
    const pair = await client.send(
      new GenerateDataKeyPairWithoutPlaintextCommand({
        KeyId: keyId,
        KeyPairSpec: 'ECC_NIST_P256',
        EncryptionContext: { ...ENVELOPE_ENCRYPTION_CONTEXT },
      }),
      { abortSignal: AbortSignal.timeout(KMS_TIMEOUT_MS) },
    );
    if (!pair.PrivateKeyCiphertextBlob || !pair.PublicKey) {
      throw new Error('KMS GenerateDataKeyPairWithoutPlaintext returned no pair.');
    }
    const ciphertext = Buffer.from(pair.PrivateKeyCiphertextBlob);
    const publicKey = Buffer.from(pair.PublicKey).toString('base64url');
    await respond(event, {
      Status: 'SUCCESS',
      PhysicalResourceId: `${PREFIX}.${ciphertext.toString('base64url')}.${publicKey}`,
      Data: await dataOf(ciphertext.toString('base64'), publicKey),
    });
  } catch (error) {
    console.error(
      JSON.stringify({ level: 'error', message: 'key pair creation failed', error: String(error) }),
    );
    await respond(event, {
      Status: 'FAILED',
      PhysicalResourceId: physicalId,
      Reason: `Could not create the envelope signing key pair: ${String(error)}`.slice(0, 400),
    });
  }
}

export const handler = (event: PublicKeyResourceEvent) => handleKeyPairResource(event);
