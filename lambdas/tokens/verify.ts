/**
 * Verifying access and refresh tokens with the public key alone. Everything is
 * pinned: algorithm ES256, the `typ` of the expected kind, `iss`, `aud` and
 * `token_use`; `jti`, `sid` and `exp` are required. Every failure is an
 * {@link InvalidTokenError} whose `reason` says why.
 */
import { errors, importJWK, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Clock, systemClock } from '../clock';
import type { TokenSettings } from '../config';
import { InvalidTokenError, type TokenFailure } from '../errors';
import type { PublicKeySource } from '../signing/signer';
import { CLOCK_TOLERANCE_SECONDS, type ClaimsFor, TOKEN_TYP, type TokenUse } from './claims';

/** Longer than any token this service issues; a longer string is not one of ours. */
const MAX_TOKEN_LENGTH = 4096;

export interface TokenVerifierDeps {
  keys: PublicKeySource;
  settings: Pick<
    TokenSettings,
    'issuer' | 'acceptedIssuers' | 'audience' | 'refreshTokenTtlSeconds'
  >;
  clock?: Clock;
}

export interface VerifyOptions {
  /**
   * Accept a token whose signature and claims are good but whose `exp` has
   * passed (logout of a session whose access token just expired).
   */
  allowExpired?: boolean;
}

export interface TokenVerifier {
  verify<U extends TokenUse>(token: string, use: U, options?: VerifyOptions): Promise<ClaimsFor<U>>;
}

function reasonFor(error: unknown): TokenFailure | undefined {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'typ') return 'wrong_type';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not_yet_valid';
    return 'claim_invalid';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'bad_algorithm';
  }
  if (error instanceof errors.JOSEError) return 'malformed';
  return undefined;
}

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

/** Checks what jose does not: the claim types and `token_use` of the expected kind. */
function checkShape<U extends TokenUse>(payload: JWTPayload, use: U): ClaimsFor<U> {
  const { sub, sid, jti, token_use: tokenUse, username } = payload;
  if (tokenUse !== use) throw new InvalidTokenError('wrong_type');
  if (!isNonEmptyString(sub) || !isNonEmptyString(sid) || !isNonEmptyString(jti)) {
    throw new InvalidTokenError('claim_invalid');
  }
  if (use === 'access' && !isNonEmptyString(username)) {
    throw new InvalidTokenError('claim_invalid');
  }
  return payload as unknown as ClaimsFor<U>;
}

export function createTokenVerifier({
  keys,
  settings,
  clock = systemClock,
}: TokenVerifierDeps): TokenVerifier {
  let cachedKey: { kid: string; key: ReturnType<typeof importJWK> } | undefined;

  const resolveKey: JWTVerifyGetKey = async (header) => {
    const jwk = await keys.publicKey();
    if (header.kid !== jwk.kid) throw new InvalidTokenError('unknown_key');
    if (cachedKey?.kid !== jwk.kid) cachedKey = { kid: jwk.kid, key: importJWK(jwk, 'ES256') };
    return cachedKey.key;
  };

  return {
    async verify(token, use, options = {}) {
      if (token.length === 0) throw new InvalidTokenError('missing');
      if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('malformed');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, resolveKey, {
          algorithms: ['ES256'],
          typ: TOKEN_TYP[use],
          // The current issuer, plus any kept for tokens issued under an earlier one.
          issuer: [settings.issuer, ...(settings.acceptedIssuers ?? [])],
          audience: settings.audience,
          requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
          // Rejects an `iat` in the future ("not yet valid") and any token older than a session.
          maxTokenAge: settings.refreshTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: clock(),
        }));
      } catch (error) {
        if (error instanceof InvalidTokenError) throw error;
        const reason = reasonFor(error);
        if (!reason) throw error; // not a token problem: a key fetch failed, say
        if (reason === 'expired' && options.allowExpired && error instanceof errors.JWTExpired) {
          return checkShape(error.payload, use);
        }
        throw new InvalidTokenError(reason, undefined, { cause: error });
      }
      return checkShape(payload, use);
    },
  };
}
