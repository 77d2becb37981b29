/**
 * A stand-in for AWS KMS on loopback, for the deployment rehearsal only: NOT
 * part of the product. It speaks the KMS JSON protocol (POST with
 * `X-Amz-Target: TrentService.<Operation>`, `application/x-amz-json-1.1`,
 * binary fields as base64) for what the functions use: `GetPublicKey`, and
 * `Sign` with `ECDSA_SHA_256` over an `ECC_NIST_P256` key, answering DER
 * signatures as real KMS does. The functions reach it through the SDK's
 * standard `AWS_ENDPOINT_URL_KMS`, so the deployed signer code runs unchanged.
 *
 * Keys are P-256 pairs kept as PKCS #8 PEM files (0600) in a folder, so tokens
 * signed before a restart still verify after it. Given a `credential`, it
 * serves only requests signed with it (SigV4, local/request-signature.ts), so
 * no other local user can have it sign a token; no key policy is enforced:
 * IAM is what only AWS can check.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type LocalCredential, requireSignature } from '../../local/request-signature';

/** A key of the synthesized template, by the ids a function may use to name it. */
export interface StandInKey {
  /** The key id (what `Ref` on an `AWS::KMS::Key` gives). */
  keyId: string;
  arn: string;
  /** Alias names (`alias/...`) that point at the key. */
  aliases: string[];
}

export interface KmsStandIn {
  endpoint: string;
  /** The public key of `keyId` (tests compare it with the JWKS). */
  publicKey(keyId: string): KeyObject;
  close(): Promise<void>;
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Loads the key's PEM file, creating it exclusively on first use (two starts at once end with one key). */
async function loadOrCreate(dir: string, keyId: string): Promise<KeyObject> {
  const file = join(dir, `${keyId}.pem`);
  try {
    const handle = await open(file, 'wx', 0o600);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    try {
      await handle.writeFile(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    } finally {
      await handle.close();
    }
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return createPrivateKey(await readFile(file, 'utf8'));
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new KmsError('SerializationException', 'The request body is not a JSON object.');
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

/** Starts the stand-in with one P-256 signing key per entry of `keys`, persisted in `keyDir`. */
export async function startKmsStandIn(options: {
  keys: readonly StandInKey[];
  keyDir: string;
  /** The credential every request must be signed with; absent: any is accepted (tests). */
  credential?: LocalCredential;
}): Promise<KmsStandIn> {
  await mkdir(options.keyDir, { recursive: true, mode: 0o700 });
  const privateKeys = new Map<string, KeyObject>();
  const byName = new Map<string, StandInKey>();
  for (const key of options.keys) {
    privateKeys.set(key.keyId, await loadOrCreate(options.keyDir, key.keyId));
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

  const privateKeyOf = (key: StandInKey) => privateKeys.get(key.keyId) as KeyObject;

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetPublicKey(body) {
      const key = keyOf(body);
      return {
        KeyId: key.arn,
        PublicKey: createPublicKey(privateKeyOf(key))
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
      const signature = sign('sha256', message, { key: privateKeyOf(key), dsaEncoding: 'der' });
      return {
        KeyId: key.arn,
        Signature: signature.toString('base64'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      };
    },
  };

  const server = createServer((request, response) => {
    const handle = async () => {
      const target = request.headers['x-amz-target'];
      const operation =
        request.method === 'POST' &&
        typeof target === 'string' &&
        target.startsWith('TrentService.')
          ? operations[target.slice('TrentService.'.length)]
          : undefined;
      if (!operation) {
        throw new KmsError('UnknownOperationException', `Unsupported operation: ${String(target)}`);
      }
      return operation(await readJson(request));
    };
    handle().then(
      (body) => reply(response, 200, body),
      (error: unknown) => {
        const known = error instanceof KmsError;
        reply(response, known ? error.status : 500, {
          __type: known ? error.type : 'KMSInternalException',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  });
  if (options.credential) requireSignature(server, options.credential);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    publicKey(keyId) {
      const key = privateKeys.get(keyId);
      if (!key) throw new Error(`No stand-in key ${keyId}.`);
      return createPublicKey(key);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A stable key id in KMS's UUID shape, derived from the key's place in the template. */
export function standInKeyId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
