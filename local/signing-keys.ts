/**
 * Local mode's answer to the stack's `signingKeys`: several key files in the
 * data folder (`LOCAL_SIGNING_KEYS`, the signing one first), each created on
 * first use, handed to the handlers exactly as the stack hands over its KMS
 * keys (`SIGNING_PUBLIC_KEYS`, `SIGNING_CURRENT_KID`), plus the file that
 * signs. So a key rotation runs end to end on one machine: add a key, switch,
 * drop the old one, restarting `npm start` each time.
 */
import { createPublicKey } from 'node:crypto';
import { ENV, type Env } from '../lambdas/config';
import { loadOrCreateLocalKey } from '../lambdas/signing/local-signer';
import { toPublicJwk } from '../lambdas/signing/signer';
import { StartupError } from './startup-error';

/** The handlers' key set variables for these key files of `dataDir` (created if missing). */
export async function localKeySetEnvironment(
  dataDir: string,
  files: readonly string[],
): Promise<Env> {
  const keys = [];
  // One after the other: each may create its file.
  for (const file of files) {
    const privateKey = await loadOrCreateLocalKey(dataDir, file);
    keys.push(await toPublicJwk(createPublicKey(privateKey).export({ format: 'jwk' })));
  }
  const [current] = keys;
  if (!current) throw new Error('At least one local signing key is needed.');
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new StartupError(
      `Two of the key files ${files.join(', ')} hold the same key; list each key once in LOCAL_SIGNING_KEYS.`,
    );
  }
  return {
    [ENV.localKeyFile]: files[0],
    [ENV.publicKeys]: JSON.stringify(keys),
    [ENV.currentKid]: current.kid,
  };
}
