/**
 * The HMAC key of opaque refresh tokens (`tokens/opaque-refresh.ts`), loaded
 * once per instance.
 *
 * - Deployed: one KMS `GenerateMac` (an HMAC_256 key whose policy lets only
 *   the functions that issue or read refresh tokens call it) over a fixed
 *   label. Every instance derives the same 32 bytes, and KMS is called once
 *   per instance, not per token: the symmetric quota is never near.
 * - Locally: 32 random bytes in `refresh-token.key` beside the signing key
 *   (`local-key-file.ts`).
 */
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { UnavailableError } from '../errors';
import type { RefreshTokenKey } from '../tokens/opaque-refresh';
import { localKeyFile } from './local-key-file';
import { once } from './signer';

/** What KMS MACs to derive the key: changing it changes the key (every opaque token dies). */
export const REFRESH_KEY_LABEL = 'serverless-jwt-auth refresh-token key v1';

export const LOCAL_REFRESH_KEY_FILE = 'refresh-token.key';

const KEY_BYTES = 32;

export function kmsRefreshTokenKey(client: KMSClient, keyId: string): RefreshTokenKey {
  return once(async () => {
    let mac: Uint8Array | undefined;
    try {
      ({ Mac: mac } = await client.send(
        new GenerateMacCommand({
          KeyId: keyId,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: Buffer.from(REFRESH_KEY_LABEL, 'utf8'),
        }),
      ));
    } catch (cause) {
      throw new UnavailableError(undefined, {
        cause: new Error('KMS GenerateMac failed', { cause }),
      });
    }
    if (mac?.length !== KEY_BYTES) throw new Error('KMS GenerateMac returned no 32-byte MAC.');
    return mac;
  });
}

export function localRefreshTokenKey(keyDir: string): RefreshTokenKey {
  return localKeyFile(keyDir, LOCAL_REFRESH_KEY_FILE);
}
