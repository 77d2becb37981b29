/**
 * The two adapters of `TotpSecretCipher` (auth/ports.ts): how a TOTP secret
 * is kept encrypted on the user's item.
 *
 * - Deployed: KMS `Encrypt`/`Decrypt` under a symmetric key only the MFA
 *   functions may use, with the user's id in the encryption context, so a
 *   ciphertext copied onto another user's item does not decrypt, and every
 *   decryption is in CloudTrail. One KMS call per enrolment or code check;
 *   the symmetric request quota is far above the login throttles.
 * - Locally: AES-256-GCM under `totp-secret.key` in the data folder (0600,
 *   `local-key-file.ts`), the user's id as additional authenticated data.
 *
 * Each ciphertext names its scheme (`kms1.` or `local1.`), so a data folder's
 * secrets are never handed to KMS by mistake, nor the reverse.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { TotpSecretCipher } from '../auth/ports';
import { UnavailableError } from '../errors';
import { localKeyFile } from './local-key-file';

export const LOCAL_TOTP_KEY_FILE = 'totp-secret.key';

/** What the encryption context says a ciphertext is, besides whose. */
const PURPOSE = 'serverless-jwt-auth totp secret';

const KMS_PREFIX = 'kms1.';
const LOCAL_PREFIX = 'local1.';

function kmsFailure(operation: string, cause: unknown): UnavailableError {
  return new UnavailableError(undefined, {
    cause: new Error(`KMS ${operation} failed`, { cause }),
  });
}

function withPrefix(ciphertext: string, prefix: string): string {
  if (!ciphertext.startsWith(prefix)) throw new Error(`Not a ${prefix} TOTP secret.`);
  return ciphertext.slice(prefix.length);
}

export function kmsTotpSecretCipher(client: KMSClient, keyId: string): TotpSecretCipher {
  const context = (userId: string) => ({ purpose: PURPOSE, userId });
  return {
    async encrypt(secret, userId) {
      let blob: Uint8Array | undefined;
      try {
        ({ CiphertextBlob: blob } = await client.send(
          new EncryptCommand({
            KeyId: keyId,
            Plaintext: secret,
            EncryptionContext: context(userId),
          }),
        ));
      } catch (cause) {
        throw kmsFailure('Encrypt', cause);
      }
      if (!blob) throw kmsFailure('Encrypt', 'no ciphertext');
      return `${KMS_PREFIX}${Buffer.from(blob).toString('base64')}`;
    },
    async decrypt(ciphertext, userId) {
      const blob = Buffer.from(withPrefix(ciphertext, KMS_PREFIX), 'base64');
      let plaintext: Uint8Array | undefined;
      try {
        ({ Plaintext: plaintext } = await client.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: blob,
            EncryptionContext: context(userId),
          }),
        ));
      } catch (cause) {
        throw kmsFailure('Decrypt', cause);
      }
      if (!plaintext) throw kmsFailure('Decrypt', 'no plaintext');
      return plaintext;
    },
  };
}

export function localTotpSecretCipher(keyDir: string): TotpSecretCipher {
  const key = localKeyFile(keyDir, LOCAL_TOTP_KEY_FILE);
  return {
    async encrypt(secret, userId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await key(), iv);
      cipher.setAAD(Buffer.from(userId, 'utf8'));
      const body = Buffer.concat([cipher.update(secret), cipher.final()]);
      return `${LOCAL_PREFIX}${[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.')}`;
    },
    async decrypt(ciphertext, userId) {
      const [iv, tag, body] = withPrefix(ciphertext, LOCAL_PREFIX)
        .split('.')
        .map((part) => Buffer.from(part, 'base64url'));
      // A malformed ciphertext fails here too: Node checks the IV and tag.
      const decipher = createDecipheriv('aes-256-gcm', await key(), iv as Buffer);
      decipher.setAAD(Buffer.from(userId, 'utf8'));
      decipher.setAuthTag(tag as Buffer);
      return Uint8Array.from(Buffer.concat([decipher.update(body as Buffer), decipher.final()]));
    },
  };
}
