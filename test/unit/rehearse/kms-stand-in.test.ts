/**
 * The KMS stand-in speaks the KMS JSON protocol well enough for the project's
 * own KMS signer, through the real SDK client: its JWS signatures (DER from
 * "KMS", converted to r‖s) verify with the stand-in's key, by key id, ARN or
 * alias, and the key survives a restart on the same folder. It signs only
 * for a client holding the rehearsal's per-start credential. Its symmetric
 * key encrypts and decrypts the TOTP secrets for the project's KMS cipher,
 * bound to the user, for that client alone too.
 */
import { verify } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { UnavailableError } from '../../../lambdas/errors';
import { createKmsSigner } from '../../../lambdas/signing/kms-signer';
import { kmsRefreshTokenKey } from '../../../lambdas/signing/refresh-token-key';
import { kmsTotpSecretCipher } from '../../../lambdas/signing/totp-secret-cipher';
import { newLocalCredential } from '../../../local/request-signature';
import {
  type KmsStandIn,
  standInKeyId,
  startKmsStandIn,
} from '../../../tools/rehearse/kms-stand-in';

const keyId = standInKeyId('Stack/SigningKey');
const KEY = {
  keyId,
  arn: `arn:aws:kms:us-east-1:000000000000:key/${keyId}`,
  aliases: ['alias/jwt'],
};

const credential = newLocalCredential();
let dir: string;
let kms: KmsStandIn;
let client: KMSClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kms-stand-in-'));
  kms = await startKmsStandIn({ keys: [KEY], keyDir: dir, credential });
  client = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: credential });
});

afterAll(async () => {
  client?.destroy();
  await kms?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the KMS stand-in', () => {
  it.each([
    ['another credential', newLocalCredential()],
    ['the right access key id with another secret', { ...credential, secretAccessKey: 'guess' }],
  ])(
    'refuses to sign, or even to say its key, for a client with %s (another local user)',
    async (_, other) => {
      const stranger = new KMSClient({
        endpoint: kms.endpoint,
        region: 'us-east-1',
        credentials: other,
        maxAttempts: 1,
      });
      try {
        await expect(
          stranger.send(
            new SignCommand({
              KeyId: keyId,
              Message: new Uint8Array(32),
              MessageType: 'DIGEST',
              SigningAlgorithm: 'ECDSA_SHA_256',
            }),
          ),
        ).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 403 }) });
        await expect(
          stranger.send(new GetPublicKeyCommand({ KeyId: keyId })),
        ).rejects.toMatchObject({
          $metadata: expect.objectContaining({ httpStatusCode: 403 }),
        });
      } finally {
        stranger.destroy();
      }
    },
  );

  it('gives the project’s KMS signer ES256 signatures that verify with the stand-in’s key', async () => {
    for (const name of [KEY.keyId, KEY.arn, 'alias/jwt']) {
      const signer = createKmsSigner({ client, keyId: name });
      const input = new TextEncoder().encode('header.payload');

      const signature = await signer.sign(input);

      expect(signature).toHaveLength(64);
      expect(
        verify(
          'sha256',
          input,
          { key: kms.publicKey(keyId), dsaEncoding: 'ieee-p1363' },
          signature,
        ),
      ).toBe(true);
      const jwk = kms.publicKey(keyId).export({ format: 'jwk' });
      expect(await signer.publicKey()).toMatchObject({
        kty: 'EC',
        crv: 'P-256',
        x: jwk.x,
        y: jwk.y,
      });
    }
  });

  it('answers Sign with a DER signature and GetPublicKey with the SPKI, like KMS', async () => {
    const message = Buffer.from('abc');
    const signed = await client.send(
      new SignCommand({
        KeyId: keyId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(signed.Signature?.[0]).toBe(0x30); // SEQUENCE { r, s }
    expect(signed.KeyId).toBe(KEY.arn);
    expect(
      verify('sha256', message, kms.publicKey(keyId), Buffer.from(signed.Signature ?? [])),
    ).toBe(true);

    const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: 'alias/jwt' }));
    expect(publicKey).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(
      Buffer.from(publicKey.PublicKey ?? []).equals(
        kms.publicKey(keyId).export({ format: 'der', type: 'spki' }),
      ),
    ).toBe(true);
  });

  it('refuses an unknown key with KMS’s NotFoundException, which the signer reports as unavailable', async () => {
    await expect(
      client.send(new GetPublicKeyCommand({ KeyId: 'alias/other' })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(
      createKmsSigner({ client, keyId: 'alias/other' }).sign(new Uint8Array([1])),
    ).rejects.toBeInstanceOf(UnavailableError);
  });

  it('keeps its key across a restart, in a file only its owner can read', async () => {
    const again = await startKmsStandIn({ keys: [KEY], keyDir: dir });
    try {
      expect(again.publicKey(keyId).equals(kms.publicKey(keyId))).toBe(true);
    } finally {
      await again.close();
    }
    expect((await stat(join(dir, `${keyId}.pem`))).mode & 0o777).toBe(0o600);
  });
});

describe('the KMS stand-in’s HMAC key', () => {
  const macKeyId = standInKeyId('Stack/RefreshTokenKey');
  const MAC_KEY = {
    keyId: macKeyId,
    arn: `arn:aws:kms:us-east-1:000000000000:key/${macKeyId}`,
    aliases: [],
    spec: 'HMAC_256' as const,
  };
  let macDir: string;
  let macKms: KmsStandIn;
  let macClient: KMSClient;

  beforeAll(async () => {
    macDir = await mkdtemp(join(tmpdir(), 'kms-stand-in-mac-'));
    macKms = await startKmsStandIn({ keys: [KEY, MAC_KEY], keyDir: macDir });
    macClient = new KMSClient({ endpoint: macKms.endpoint, region: 'us-east-1' });
  });

  afterAll(async () => {
    macClient?.destroy();
    await macKms?.close();
    await rm(macDir, { recursive: true, force: true });
  });

  it('derives the same refresh-token key for every instance, and counts the calls', async () => {
    const first = await kmsRefreshTokenKey(macClient, macKeyId)();
    const second = await kmsRefreshTokenKey(macClient, MAC_KEY.arn)();

    expect(first).toHaveLength(32);
    expect(Buffer.from(second)).toEqual(Buffer.from(first));
    expect(macKms.calls()).toEqual({ GenerateMac: 2 });
  });

  it('refuses to MAC with the signing key, or to sign with the HMAC key', async () => {
    await expect(kmsRefreshTokenKey(macClient, keyId)()).rejects.toThrow(UnavailableError);
    await expect(
      createKmsSigner({ client: macClient, keyId: macKeyId }).sign(new Uint8Array([1])),
    ).rejects.toThrow(UnavailableError);
  });
});

describe('the KMS stand-in’s symmetric key (TOTP secrets)', () => {
  const totpKeyId = standInKeyId('Stack/TotpSecretKey');
  const TOTP_KEY = {
    keyId: totpKeyId,
    arn: `arn:aws:kms:us-east-1:000000000000:key/${totpKeyId}`,
    aliases: [],
    spec: 'SYMMETRIC_DEFAULT' as const,
  };
  const secret = Uint8Array.from({ length: 20 }, (_, index) => index + 1);
  let totpDir: string;
  let totpKms: KmsStandIn;
  let totpClient: KMSClient;

  beforeAll(async () => {
    totpDir = await mkdtemp(join(tmpdir(), 'kms-stand-in-totp-'));
    totpKms = await startKmsStandIn({ keys: [KEY, TOTP_KEY], keyDir: totpDir, credential });
    totpClient = new KMSClient({
      endpoint: totpKms.endpoint,
      region: 'us-east-1',
      credentials: credential,
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    totpClient?.destroy();
    await totpKms?.close();
    await rm(totpDir, { recursive: true, force: true });
  });

  it('encrypts and decrypts for the project’s KMS cipher, by key id or ARN, and counts the calls', async () => {
    const before = totpKms.calls();
    const cipher = kmsTotpSecretCipher(totpClient, totpKeyId);

    const sealed = await cipher.encrypt(secret, 'user-1');
    const again = await cipher.encrypt(secret, 'user-1');

    expect(sealed).toMatch(/^kms1\./);
    expect(sealed).not.toBe(again);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
    expect(await cipher.decrypt(sealed, 'user-1')).toEqual(secret);
    expect(await kmsTotpSecretCipher(totpClient, TOTP_KEY.arn).decrypt(again, 'user-1')).toEqual(
      secret,
    );
    const calls = totpKms.calls();
    expect((calls.Encrypt ?? 0) - (before.Encrypt ?? 0)).toBe(2);
    expect((calls.Decrypt ?? 0) - (before.Decrypt ?? 0)).toBe(2);
  });

  it('binds a ciphertext to its encryption context: another user’s id does not decrypt it', async () => {
    const cipher = kmsTotpSecretCipher(totpClient, totpKeyId);
    const sealed = await cipher.encrypt(secret, 'user-1');

    await expect(cipher.decrypt(sealed, 'user-2')).rejects.toBeInstanceOf(UnavailableError);
    await expect(
      totpClient.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from(sealed.slice('kms1.'.length), 'base64'),
          EncryptionContext: { userId: 'user-1' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('refuses to encrypt with the signing key, and a plaintext above 4096 bytes, as KMS does', async () => {
    await expect(kmsTotpSecretCipher(totpClient, keyId).encrypt(secret, 'user-1')).rejects.toThrow(
      UnavailableError,
    );
    await expect(
      totpClient.send(new EncryptCommand({ KeyId: totpKeyId, Plaintext: new Uint8Array(4097) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it.each([
    ['another credential', newLocalCredential()],
    ['the right access key id with another secret', { ...credential, secretAccessKey: 'guess' }],
  ])(
    'neither encrypts nor decrypts for a client with %s (another local user)',
    async (_, other) => {
      const sealed = await kmsTotpSecretCipher(totpClient, totpKeyId).encrypt(secret, 'user-1');
      const before = totpKms.calls();
      const stranger = new KMSClient({
        endpoint: totpKms.endpoint,
        region: 'us-east-1',
        credentials: other,
        maxAttempts: 1,
      });
      try {
        const refused = { $metadata: expect.objectContaining({ httpStatusCode: 403 }) };
        await expect(
          stranger.send(new EncryptCommand({ KeyId: totpKeyId, Plaintext: secret })),
        ).rejects.toMatchObject(refused);
        await expect(
          stranger.send(
            new DecryptCommand({
              CiphertextBlob: Buffer.from(sealed.slice('kms1.'.length), 'base64'),
              EncryptionContext: { purpose: 'serverless-jwt-auth totp secret', userId: 'user-1' },
            }),
          ),
        ).rejects.toMatchObject(refused);
        // Refused before any operation ran.
        expect(totpKms.calls()).toEqual(before);
      } finally {
        stranger.destroy();
      }
    },
  );

  it('keeps the key across a restart (a stored secret still decrypts), in a file only its owner can read', async () => {
    const sealed = await kmsTotpSecretCipher(totpClient, totpKeyId).encrypt(secret, 'user-1');
    const again = await startKmsStandIn({ keys: [KEY, TOTP_KEY], keyDir: totpDir });
    const client = new KMSClient({ endpoint: again.endpoint, region: 'us-east-1' });
    try {
      expect(await kmsTotpSecretCipher(client, totpKeyId).decrypt(sealed, 'user-1')).toEqual(
        secret,
      );
    } finally {
      client.destroy();
      await again.close();
    }
    expect((await stat(join(totpDir, `${totpKeyId}.key`))).mode & 0o777).toBe(0o600);
  });
});
