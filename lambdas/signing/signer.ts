/**
 * The signing key behind one interface, whether it lives in KMS or in a local
 * file. Token code sees only this: it never holds private key material.
 *
 * Verifiers trust a key SET, not one key: the current signing key and, during
 * a rotation, the previous one, each found by its `kid`. Tokens are always
 * signed by the current key alone. Nothing here imports jose, so the
 * authorizer's bundle carries no JOSE library at all.
 */
import { createHash } from 'node:crypto';

/** A public ES256 key as published in the JWKS. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** One public key: the one a signer signs with. Needs no permission to sign. */
export interface PublicKeySource {
  /** The current public key; fetched once and cached for the life of the instance. */
  publicKey(): Promise<PublicJwk>;
}

/** Every public key verifiers trust, each with its `kid`; the JWKS serves them all. */
export interface PublicKeySet {
  publicKeys(): Promise<readonly PublicJwk[]>;
}

export interface TokenSigner extends PublicKeySource {
  /** Signs the JWS signing input with ES256 and returns the raw `r‖s` signature (64 bytes). */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/** A fixed set, e.g. the keys handed to the functions at deploy time. */
export function staticKeySet(keys: readonly PublicJwk[]): PublicKeySet {
  const frozen = Object.freeze([...keys]);
  return { publicKeys: async () => frozen };
}

/** The set of one key of a signer (local mode, or a KMS key read at run time). */
export function keySetOf(source: PublicKeySource | PublicKeySet): PublicKeySet {
  if ('publicKeys' in source) return source;
  return { publicKeys: async () => [await source.publicKey()] };
}

interface EcPublicCoordinates {
  kty?: unknown;
  crv?: unknown;
  x?: unknown;
  y?: unknown;
}

/** RFC 7638 JWK thumbprint of an EC key: SHA-256 of its required members in lexical order. */
function ecThumbprint(x: string, y: string): string {
  const canonical = JSON.stringify({ crv: 'P-256', kty: 'EC', x, y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * Turns an EC P-256 public JWK into the published form. The `kid` is the
 * RFC 7638 thumbprint, so every instance derives the same id from the same key.
 */
export async function toPublicJwk(jwk: EcPublicCoordinates): Promise<PublicJwk> {
  if (
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string' ||
    !jwk.x ||
    !jwk.y
  ) {
    throw new Error('The signing key is not an EC P-256 key.');
  }
  const { x, y } = jwk;
  return { kty: 'EC', crv: 'P-256', x, y, kid: ecThumbprint(x, y), alg: 'ES256', use: 'sig' };
}

/** Memoises an async factory; a failed attempt is forgotten so the next call retries. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
