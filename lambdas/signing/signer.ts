/**
 * The signing key behind one interface, whether it lives in KMS or in a local
 * file. Token code sees only this: it never holds private key material.
 */
import { calculateJwkThumbprint, type JWK } from 'jose';

/** A public ES256 key as published in the JWKS. */
export interface PublicJwk extends JWK {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** Where verifiers get public keys. Needs no permission to sign. */
export interface PublicKeySource {
  /** The current public key; fetched once and cached for the life of the instance. */
  publicKey(): Promise<PublicJwk>;
}

export interface TokenSigner extends PublicKeySource {
  /** Signs the JWS signing input with ES256 and returns the raw `r‖s` signature (64 bytes). */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/**
 * Turns an EC P-256 public JWK into the published form. The `kid` is the
 * RFC 7638 thumbprint, so every instance derives the same id from the same key.
 */
export async function toPublicJwk(jwk: JWK): Promise<PublicJwk> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new Error('The signing key is not an EC P-256 key.');
  }
  const core = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as const;
  return { ...core, kid: await calculateJwkThumbprint(core), alg: 'ES256', use: 'sig' };
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
