/**
 * A stand-in for AWS KMS on loopback, for the deployment rehearsal only: NOT
 * part of the product. It speaks the KMS JSON protocol (POST with
 * `X-Amz-Target: TrentService.<Operation>`, `application/x-amz-json-1.1`,
 * binary fields as base64) for what the functions use: `GetPublicKey`, and
 * `Sign` with `ECDSA_SHA_256` over an `ECC_NIST_P256` key, answering DER
 * signatures as real KMS does; `GenerateMac` (`HMAC_SHA_256`) over an
 * `HMAC_256` key (the refresh-token key); and, over a symmetric key,
 * `GenerateDataKeyPairWithoutPlaintext` (`ECC_NIST_P256`, the envelope
 * signing mode), `Encrypt` (the TOTP secrets) and `Decrypt` with the
 * encryption context checked. It counts the
 * calls per operation, for the tests and the bench. The functions reach it through the SDK's
 * standard `AWS_ENDPOINT_URL_KMS`, so the deployed signer code runs unchanged.
 *
 * Keys are kept in a folder (0600 files: P-256 pairs as PKCS #8 PEM, HMAC and
 * symmetric keys as 32 random bytes), so tokens issued before a restart still
 * verify after it. Ciphertexts are the stand-in's own (AES-256-GCM under the
 * symmetric key, the key id and encryption context authenticated), not KMS's. Given a
 * `credential`, it serves only requests signed with it (SigV4,
 * local/request-signature.ts), so no other local user can have it sign a
 * token; no key policy is enforced: IAM is what only AWS can check.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { LocalCredential } from '../../local/request-signature';
// KMS's refusals are the stand-ins' shared error, under KMS's name.
import {
  StandInError as KmsError,
  listenOnLoopback,
  readBody,
  type StandInProtocol,
  standInServer,
} from './stand-in-server';
import type { StandInKeySpec } from './template';

/** A key of the synthesized template, by the ids a function may use to name it. */
export interface StandInKey {
  /** The key id (what `Ref` on an `AWS::KMS::Key` gives). */
  keyId: string;
  arn: string;
  /** Alias names (`alias/...`) that point at the key. */
  aliases: string[];
  /** Default: ECC_NIST_P256 (a signing key). */
  spec?: StandInKeySpec;
}

export interface KmsStandIn {
  endpoint: string;
  /** The public key of `keyId` (tests compare it with the JWKS). */
  publicKey(keyId: string): KeyObject;
  /** Calls answered so far, per operation (`Sign`, `GenerateMac`, ...), failed ones included. */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

/** Reads `file`, creating it exclusively with `create()` on first use (two starts at once end with one key). */
async function loadOrCreateFile(file: string, create: () => string): Promise<string> {
  try {
    const handle = await open(file, 'wx', 0o600);
    const content = create();
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(file, 'utf8');
  }
}

type KeyMaterial =
  | { spec: 'ECC_NIST_P256'; privateKey: KeyObject }
  | { spec: 'HMAC_256' | 'SYMMETRIC_DEFAULT'; secret: Buffer };

async function loadOrCreate(dir: string, key: StandInKey): Promise<KeyMaterial> {
  const spec = key.spec ?? 'ECC_NIST_P256';
  if (spec === 'ECC_NIST_P256') {
    const pem = await loadOrCreateFile(join(dir, `${key.keyId}.pem`), () =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    );
    return { spec, privateKey: createPrivateKey(pem) };
  }
  const text = await loadOrCreateFile(join(dir, `${key.keyId}.key`), () =>
    randomBytes(32).toString('base64'),
  );
  return { spec, secret: Buffer.from(text, 'base64') };
}

/** The encryption context as KMS binds it: the same pairs in any order are the same context. */
function contextOf(body: Record<string, unknown>): string {
  const context = body.EncryptionContext;
  if (context === undefined) return '{}';
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new KmsError('ValidationException', 'EncryptionContext must be a map of strings.');
  }
  const entries = Object.entries(context as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return JSON.stringify(entries);
}

function base64Field(body: Record<string, unknown>, name: string): Buffer {
  const value = body[name];
  if (typeof value !== 'string' || !value) {
    throw new KmsError('ValidationException', `${name} is required.`);
  }
  return Buffer.from(value, 'base64');
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new KmsError('SerializationException', 'The request body is not a JSON object.');
}

/** KMS's JSON 1.1: the error type and message in the body. */
const JSON_1_1: StandInProtocol = {
  contentType: 'application/x-amz-json-1.1',
  internalType: 'KMSInternalException',
  refusal: (type, message) => ({ body: { __type: type, message } }),
};

/** Starts the stand-in with one P-256 signing key per entry of `keys`, persisted in `keyDir`. */
export async function startKmsStandIn(options: {
  keys: readonly StandInKey[];
  keyDir: string;
  /** The credential every request must be signed with; absent: any is accepted (tests). */
  credential?: LocalCredential;
}): Promise<KmsStandIn> {
  await mkdir(options.keyDir, { recursive: true, mode: 0o700 });
  const materials = new Map<string, KeyMaterial>();
  const byName = new Map<string, StandInKey>();
  const counts: Record<string, number> = {};
  for (const key of options.keys) {
    materials.set(key.keyId, await loadOrCreate(options.keyDir, key));
    for (const name of [key.keyId, key.arn, ...key.aliases]) byName.set(name, key);
  }

  function keyOf(body: Record<string, unknown>): StandInKey {
    const name = body.KeyId;
    if (typeof name !== 'string' || !name) {
      throw new KmsError('ValidationException', 'KeyId is required.');
    }
    const key = byName.get(name);
    if (!key) throw new KmsError('NotFoundException', `Key '${name}' does not exist`);
    return key;
  }

  const wrongUsage = (key: StandInKey, operation: string) =>
    new KmsError(
      'InvalidKeyUsageException',
      `${operation} is not valid for ${key.spec ?? 'ECC_NIST_P256'} key ${key.arn}.`,
    );
  const privateKeyOf = (key: StandInKey, operation: string): KeyObject => {
    const material = materials.get(key.keyId) as KeyMaterial;
    if (material.spec !== 'ECC_NIST_P256') throw wrongUsage(key, operation);
    return material.privateKey;
  };
  const secretOf = (key: StandInKey, spec: StandInKeySpec, operation: string): Buffer => {
    const material = materials.get(key.keyId) as KeyMaterial;
    if (material.spec !== spec || !('secret' in material)) throw wrongUsage(key, operation);
    return material.secret;
  };

  /** The stand-in's ciphertext: key id, IV, GCM tag, ciphertext; key id and context authenticated. */
  function encrypt(key: StandInKey, context: string, plaintext: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', secretOf(key, 'SYMMETRIC_DEFAULT', 'Encrypt'), iv);
    cipher.setAAD(Buffer.from(`${key.keyId}\n${context}`));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(key.keyId);
    return Buffer.concat([Buffer.from([id.length]), id, iv, cipher.getAuthTag(), sealed]);
  }

  function decrypt(blob: Buffer, context: string): { key: StandInKey; plaintext: Buffer } {
    const invalid = () => new KmsError('InvalidCiphertextException', 'The ciphertext is invalid.');
    const idLength = blob[0] ?? 0;
    const key = byName.get(blob.subarray(1, 1 + idLength).toString());
    if (!key || blob.length < 1 + idLength + 28) throw invalid();
    const iv = blob.subarray(1 + idLength, 13 + idLength);
    const tag = blob.subarray(13 + idLength, 29 + idLength);
    const decipher = createDecipheriv(
      'aes-256-gcm',
      secretOf(key, 'SYMMETRIC_DEFAULT', 'Decrypt'),
      iv,
    );
    decipher.setAAD(Buffer.from(`${key.keyId}\n${context}`));
    decipher.setAuthTag(tag);
    try {
      return {
        key,
        plaintext: Buffer.concat([decipher.update(blob.subarray(29 + idLength)), decipher.final()]),
      };
    } catch {
      throw invalid();
    }
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetPublicKey(body) {
      const key = keyOf(body);
      return {
        KeyId: key.arn,
        PublicKey: createPublicKey(privateKeyOf(key, 'GetPublicKey'))
          .export({ format: 'der', type: 'spki' })
          .toString('base64'),
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ECDSA_SHA_256'],
      };
    },
    Sign(body) {
      const key = keyOf(body);
      if (body.SigningAlgorithm !== 'ECDSA_SHA_256') {
        throw new KmsError(
          'InvalidKeyUsageException',
          `Signing algorithm ${String(body.SigningAlgorithm)} is not valid for key ${key.arn}.`,
        );
      }
      const messageType = body.MessageType ?? 'RAW';
      if (messageType !== 'RAW') {
        throw new KmsError('ValidationException', 'The stand-in signs RAW messages only.');
      }
      if (typeof body.Message !== 'string' || !body.Message) {
        throw new KmsError('ValidationException', 'Message is required.');
      }
      const message = Buffer.from(body.Message, 'base64');
      // Real KMS refuses a RAW message above 4096 bytes.
      if (message.length > 4096) {
        throw new KmsError('ValidationException', 'Message must be at most 4096 bytes.');
      }
      const signature = sign('sha256', message, {
        key: privateKeyOf(key, 'Sign'),
        dsaEncoding: 'der',
      });
      return {
        KeyId: key.arn,
        Signature: signature.toString('base64'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      };
    },
    GenerateMac(body) {
      const key = keyOf(body);
      if (body.MacAlgorithm !== 'HMAC_SHA_256') {
        throw new KmsError('ValidationException', 'The stand-in MACs with HMAC_SHA_256 only.');
      }
      const mac = createHmac('sha256', secretOf(key, 'HMAC_256', 'GenerateMac'))
        .update(base64Field(body, 'Message'))
        .digest();
      return { KeyId: key.arn, Mac: mac.toString('base64'), MacAlgorithm: 'HMAC_SHA_256' };
    },
    GenerateDataKeyPairWithoutPlaintext(body) {
      const key = keyOf(body);
      if (body.KeyPairSpec !== 'ECC_NIST_P256') {
        throw new KmsError('ValidationException', 'The stand-in makes ECC_NIST_P256 pairs only.');
      }
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const privateDer = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      return {
        KeyId: key.arn,
        KeyPairSpec: 'ECC_NIST_P256',
        PublicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        PrivateKeyCiphertextBlob: encrypt(key, contextOf(body), privateDer).toString('base64'),
      };
    },
    Encrypt(body) {
      const key = keyOf(body);
      const algorithm = body.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
      if (algorithm !== 'SYMMETRIC_DEFAULT') {
        throw new KmsError(
          'ValidationException',
          'The stand-in encrypts with SYMMETRIC_DEFAULT only.',
        );
      }
      const plaintext = base64Field(body, 'Plaintext');
      // Real KMS refuses a plaintext above 4096 bytes.
      if (plaintext.length > 4096) {
        throw new KmsError('ValidationException', 'Plaintext must be at most 4096 bytes.');
      }
      return {
        KeyId: key.arn,
        CiphertextBlob: encrypt(key, contextOf(body), plaintext).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt(body) {
      const { key, plaintext } = decrypt(base64Field(body, 'CiphertextBlob'), contextOf(body));
      if (typeof body.KeyId === 'string' && byName.get(body.KeyId) !== key) {
        throw new KmsError('IncorrectKeyException', 'The ciphertext is not under that key.');
      }
      return {
        KeyId: key.arn,
        Plaintext: plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
  };

  const server = standInServer(JSON_1_1, async (request) => {
    const target = request.headers['x-amz-target'];
    const operation =
      request.method === 'POST' && typeof target === 'string' && target.startsWith('TrentService.')
        ? operations[target.slice('TrentService.'.length)]
        : undefined;
    if (operation) {
      const name = (target as string).slice('TrentService.'.length);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    if (!operation) {
      throw new KmsError('UnknownOperationException', `Unsupported operation: ${String(target)}`);
    }
    return operation(await readJson(request));
  });
  const listening = await listenOnLoopback(server, options.credential);
  return {
    ...listening,
    publicKey(keyId) {
      const material = materials.get(keyId);
      if (material?.spec !== 'ECC_NIST_P256') throw new Error(`No stand-in signing key ${keyId}.`);
      return createPublicKey(material.privateKey);
    },
    calls: () => ({ ...counts }),
  };
}

/** A stable key id in KMS's UUID shape, derived from the key's place in the template. */
export function standInKeyId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
