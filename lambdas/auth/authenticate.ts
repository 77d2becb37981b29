import { InvalidTokenError } from '../errors';
import type { AccessTokenClaims } from '../tokens/claims';
import type { TokenVerifier } from '../tokens/verify';
import type { RevokedTokenStore } from './ports';

export interface AuthenticateDeps {
  verifier: TokenVerifier;
  revokedTokens: Pick<RevokedTokenStore, 'isRevoked'>;
}

/**
 * Accepts a live access token: signature and claims first (no I/O once the key
 * is cached), then one consistent read of `RevokedTokens`. A store failure
 * propagates as `UnavailableError`: never a pass.
 */
export async function authenticateAccessToken(
  { verifier, revokedTokens }: AuthenticateDeps,
  token: string,
): Promise<AccessTokenClaims> {
  const claims = await verifier.verify(token, 'access');
  if (await revokedTokens.isRevoked(claims.jti)) throw new InvalidTokenError('revoked');
  return claims;
}
