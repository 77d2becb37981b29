/**
 * ES256 signing with a key pair kept in a local folder (local mode only). The
 * pair is generated on first use and reused afterwards, so tokens survive a
 * restart. The file is readable by its owner alone.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once, type TokenSigner, toPublicJwk } from './signer';

export const LOCAL_KEY_FILE = 'signing-key.pem';

function hasErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

async function readKey(file: string): Promise<KeyObject> {
  return createPrivateKey(await readFile(file, 'utf8'));
}

/**
 * Reads the private key `fileName` from `keyDir`, creating it (mode 0600) if
 * there is none. Several files make a key set to rehearse a rotation
 * (`LOCAL_SIGNING_KEYS`, docs/local-mode.md).
 */
export async function loadOrCreateLocalKey(
  keyDir: string,
  fileName: string = LOCAL_KEY_FILE,
): Promise<KeyObject> {
  const file = join(keyDir, fileName);
  try {
    return await readKey(file);
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
  }
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  try {
    // `wx`: never overwrite; if two processes start at once, both end up with the first key.
    await writeFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      flag: 'wx',
      mode: 0o600,
    });
    return privateKey;
  } catch (error) {
    if (!hasErrorCode(error, 'EEXIST')) throw error;
    return readKey(file);
  }
}

/** Signs with the key file `fileName` (default {@link LOCAL_KEY_FILE}) of `keyDir`. */
export function createLocalSigner(keyDir: string, fileName: string = LOCAL_KEY_FILE): TokenSigner {
  const privateKey = once(() => loadOrCreateLocalKey(keyDir, fileName));
  return {
    publicKey: once(async () =>
      toPublicJwk(createPublicKey(await privateKey()).export({ format: 'jwk' })),
    ),
    async sign(signingInput) {
      // ieee-p1363 is exactly JWS's r‖s form.
      return sign('sha256', signingInput, { key: await privateKey(), dsaEncoding: 'ieee-p1363' });
    },
  };
}
