/**
 * The public key set handed to the functions at deploy time, as an
 * environment variable holding a JSON array of public JWKs (public keys are
 * not secret). Verifiers trust every key of the array; the current signing
 * key is named separately by its `kid`, so a rotation only adds an element.
 * Parsed and checked once, at cold start: a bad value fails the instance.
 */
import { createPublicKey } from 'node:crypto';
import type { PublicJwk } from './signer';

/** Fields of an ES256 public JWK that a verifier needs; anything private is refused. */
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;
const KID = /^[\x21-\x7e]{1,128}$/;

function fail(why: string): never {
  throw new Error(`Invalid public key set: ${why}.`);
}

function parseKey(value: unknown, index: number): PublicJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`key ${index} is not a JSON object`);
  }
  const jwk = value as Record<string, unknown>;
  if ('d' in jwk) fail(`key ${index} holds private key material`);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') fail(`key ${index} is not an EC P-256 key`);
  const { x, y, kid } = jwk;
  if (
    typeof x !== 'string' ||
    !COORDINATE.test(x) ||
    typeof y !== 'string' ||
    !COORDINATE.test(y)
  ) {
    fail(`key ${index} has malformed coordinates`);
  }
  if (typeof kid !== 'string' || !KID.test(kid)) fail(`key ${index} has no valid kid`);
  if (jwk.alg !== undefined && jwk.alg !== 'ES256') fail(`key ${index} is not an ES256 key`);
  try {
    // Refuses coordinates that are not a point on the curve.
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  } catch {
    fail(`key ${index} is not a valid P-256 public key`);
  }
  return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
}

/** Parses `[jwk, …]`: at least one key, each a P-256 public key with a distinct `kid`. */
export function parsePublicKeySet(raw: string): PublicJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail('not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) fail('expected a non-empty JSON array');
  const keys = parsed.map(parseKey);
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) fail('two keys share a kid');
  return keys;
}
