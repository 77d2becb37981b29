/**
 * Test keys and hand-made tokens. Keys are generated per run; no token string
 * is ever committed.
 */
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenSettings } from '../../lambdas/config';
import { createLocalSigner } from '../../lambdas/signing/local-signer';
import type { TokenSigner } from '../../lambdas/signing/signer';
import { isOpaqueRefreshToken, referenceOfToken } from '../../lambdas/tokens/opaque-refresh';

export const TEST_SETTINGS: TokenSettings = {
  issuer: 'https://auth.test',
  audience: 'test-api',
  clientId: 'test-client',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
};

/** A fixed instant: 2026-01-01T00:00:00Z. */
export const FROZEN_NOW = new Date('2026-01-01T00:00:00Z');
export const frozenClock = () => FROZEN_NOW;

export function generateP256(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** A real local signer whose key lives in a fresh temporary folder. */
export async function createTestSigner(): Promise<{ signer: TokenSigner; keyDir: string }> {
  const keyDir = await mkdtemp(join(tmpdir(), 'jwt-auth-key-'));
  return { signer: createLocalSigner(keyDir), keyDir };
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export type ForgedSignature =
  | { alg: 'ES256'; key: KeyObject }
  | { alg: 'HS256'; secret: Buffer | string }
  | { alg: 'none' };

/** Builds a compact JWS with any header and payload: for the attacks a verifier must refuse. */
export function forgeJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signature: ForgedSignature,
): string {
  const input = `${segment({ ...header, alg: signature.alg })}.${segment(payload)}`;
  switch (signature.alg) {
    case 'none':
      return `${input}.`;
    case 'HS256':
      return `${input}.${createHmac('sha256', signature.secret).update(input).digest('base64url')}`;
    case 'ES256':
      return `${input}.${sign('sha256', Buffer.from(input), {
        key: signature.key,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64url')}`;
  }
}

/**
 * What a test reads of a token of either kind: a JWT's payload, or what an
 * opaque refresh token says (its reference, the key of its revocation, as `jti`).
 */
export function claimsOfToken(token: string): Record<string, string | number> {
  if (!isOpaqueRefreshToken(token))
    return decodeJwt(token).payload as Record<string, string | number>;
  const [, sub = '', sid = '', exp = ''] = token.split('.');
  return { sub, sid, exp: Number(exp), jti: referenceOfToken(token) ?? '', token_use: 'refresh' };
}

/** The three segments of a compact JWS, decoded. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Buffer;
} {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
    signature: Buffer.from(signature, 'base64url'),
  };
}
