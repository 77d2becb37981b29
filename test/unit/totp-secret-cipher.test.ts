/**
 * The TOTP secrets' two ciphers: KMS with the user in the encryption context
 * (on a client mock), and the local AES-GCM key in the data folder. Neither
 * stores the secret in plain text, and neither decrypts another user's.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { UnavailableError } from '../../lambdas/errors';
import {
  kmsTotpSecretCipher,
  LOCAL_TOTP_KEY_FILE,
  localTotpSecretCipher,
} from '../../lambdas/signing/totp-secret-cipher';

const SECRET = Uint8Array.from(randomBytes(20));
const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';

describe('KMS TOTP secret cipher', () => {
  const kms = mockClient(KMSClient);
  // A stand-in for KMS: AES-GCM under a key of the test, the encryption context authenticated.
  const kmsKey = randomBytes(32);
  const aad = (context?: Record<string, string>) => Buffer.from(JSON.stringify(context ?? {}));

  beforeEach(() => {
    kms.on(EncryptCommand).callsFake(({ Plaintext, EncryptionContext }) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', kmsKey, iv).setAAD(aad(EncryptionContext));
      const body = Buffer.concat([cipher.update(Plaintext), cipher.final()]);
      return { CiphertextBlob: Buffer.concat([iv, cipher.getAuthTag(), body]) };
    });
    kms.on(DecryptCommand).callsFake(({ CiphertextBlob, EncryptionContext }) => {
      const blob = Buffer.from(CiphertextBlob);
      const decipher = createDecipheriv('aes-256-gcm', kmsKey, blob.subarray(0, 12))
        .setAAD(aad(EncryptionContext))
        .setAuthTag(blob.subarray(12, 28));
      try {
        return { Plaintext: Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]) };
      } catch {
        throw Object.assign(new Error('invalid ciphertext'), {
          name: 'InvalidCiphertextException',
        });
      }
    });
  });

  afterEach(() => kms.reset());

  it('encrypts under the key with the user in the encryption context, and decrypts it back', async () => {
    const cipher = kmsTotpSecretCipher(new KMSClient({}), 'alias/totp');

    const ciphertext = await cipher.encrypt(SECRET, ALICE);

    expect(ciphertext).toMatch(/^kms1\./);
    expect(ciphertext).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(kms).toHaveReceivedCommandWith(EncryptCommand, {
      KeyId: 'alias/totp',
      EncryptionContext: { purpose: 'serverless-jwt-auth totp secret', userId: ALICE },
    });
    await expect(cipher.decrypt(ciphertext, ALICE)).resolves.toEqual(SECRET);
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, {
      KeyId: 'alias/totp',
      EncryptionContext: { purpose: 'serverless-jwt-auth totp secret', userId: ALICE },
    });
  });

  it('fails closed (503) for another user’s ciphertext or when KMS cannot be reached', async () => {
    const cipher = kmsTotpSecretCipher(new KMSClient({}), 'alias/totp');
    const ciphertext = await cipher.encrypt(SECRET, ALICE);

    await expect(cipher.decrypt(ciphertext, BOB)).rejects.toBeInstanceOf(UnavailableError);
    kms.on(EncryptCommand).rejects(new Error('connect ETIMEDOUT'));
    await expect(cipher.encrypt(SECRET, ALICE)).rejects.toBeInstanceOf(UnavailableError);
  });

  it('never hands a local ciphertext to KMS', async () => {
    const cipher = kmsTotpSecretCipher(new KMSClient({}), 'alias/totp');

    await expect(cipher.decrypt('local1.a.b.c', ALICE)).rejects.toThrow(
      /Not a kms1\. TOTP secret|Not a local1\. TOTP secret/,
    );
    expect(kms).not.toHaveReceivedCommand(DecryptCommand);
  });
});

describe('local TOTP secret cipher', () => {
  it('encrypts under a 0600 key in the data folder, bound to the user, and reads it after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'totp-cipher-'));

    const ciphertext = await localTotpSecretCipher(dir).encrypt(SECRET, ALICE);

    expect(ciphertext).toMatch(/^local1\./);
    expect(ciphertext).not.toContain(Buffer.from(SECRET).toString('base64url'));
    expect((await stat(join(dir, LOCAL_TOTP_KEY_FILE))).mode & 0o777).toBe(0o600);
    await expect(localTotpSecretCipher(dir).decrypt(ciphertext, ALICE)).resolves.toEqual(SECRET);
    await expect(localTotpSecretCipher(dir).decrypt(ciphertext, BOB)).rejects.toThrow();
    await expect(localTotpSecretCipher(dir).decrypt('kms1.AAAA', ALICE)).rejects.toThrow(
      /Not a kms1\. TOTP secret|Not a local1\. TOTP secret/,
    );
  });

  it('refuses a malformed ciphertext: a part missing, empty or cut short', async () => {
    const cipher = localTotpSecretCipher(await mkdtemp(join(tmpdir(), 'totp-cipher-')));
    const [iv, tag, body = ''] = (await cipher.encrypt(SECRET, ALICE)).slice(7).split('.');

    for (const malformed of [
      'local1.',
      `local1.${iv}`,
      `local1.${iv}.${tag}`,
      `local1.${iv}.${tag}.`,
      `local1.${iv}.${tag}.${body.slice(2)}`,
      'local1.a.b.c',
    ]) {
      await expect(cipher.decrypt(malformed, ALICE)).rejects.toThrow();
    }
  });
});
