/**
 * OAuth 2.0 token introspection (RFC 7662) for resource servers that cannot
 * sit behind the API's authorizer: the same check as the authorizer (the
 * signature and claims, then one strongly consistent read of RevokedTokens).
 *
 * Only a live access token is active. A refresh token, even a live one, is
 * `active: false`: it is never a credential for a resource server, and
 * calling it active would invite one to accept it.
 */
import { InvalidTokenError } from '../errors';
import { PASSWORD_AMR } from './amr';
import { type AuthenticateDeps, authenticateAccessToken } from './authenticate';

/** What an active token's introspection says (RFC 7662 §2.2 names). */
export interface ActiveToken {
  active: true;
  sub: string;
  sid: string;
  jti: string;
  exp: number;
  iat: number;
  iss: string;
  aud: string;
  /** RFC 7662 §2.2: the type of RFC 6749 §7.1, always `Bearer` here. */
  token_type: 'Bearer';
  username: string;
  /** The scopes the token holds, space-separated; absent on a token issued before scopes existed. */
  scope?: string;
  /** The client it was issued to (RFC 9068); absent on a token issued before it existed. */
  client_id?: string;
  /** How the user signed in (RFC 8176); `["pwd"]` for a token issued before it existed. */
  amr: string[];
}

export type Introspection = ActiveToken | { active: false };

/**
 * `{active: false}` for anything that is not a live access token (bad
 * signature, expired, revoked, a refresh token, garbage). A store failure
 * propagates as `UnavailableError` (503): never an `active: true` guess.
 */
export async function introspectToken(
  deps: AuthenticateDeps,
  token: string,
): Promise<Introspection> {
  try {
    const claims = await authenticateAccessToken(deps, token);
    return {
      active: true,
      sub: claims.sub,
      sid: claims.sid,
      jti: claims.jti,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      token_type: 'Bearer',
      username: claims.username,
      ...(typeof claims.scope === 'string' && claims.scope !== '' ? { scope: claims.scope } : {}),
      // A token issued before amr existed came from a password login.
      amr: Array.isArray(claims.amr) ? claims.amr : [...PASSWORD_AMR],
      ...(typeof claims.client_id === 'string' ? { client_id: claims.client_id } : {}),
    };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { active: false };
    throw error;
  }
}
