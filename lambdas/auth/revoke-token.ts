/**
 * OAuth 2.0 token revocation (RFC 7009): the client hands over one token, of
 * either kind, and its whole session ends exactly as at logout. The answer
 * never says whether the token was good: an unknown, expired, forged or
 * already revoked token is "revoked" too (§2.2), so the endpoint tells an
 * attacker nothing a guess could not.
 */
import { InvalidTokenError } from '../errors';
import type { TokenUse } from '../tokens/claims';
import { type LogoutDeps, logout } from './logout';
import type { ClientInfo } from './ports';

/** The `token_type_hint` values of RFC 7009 §2.1 this server knows. */
export type TokenTypeHint = 'access_token' | 'refresh_token';

const USE_OF_HINT: Record<TokenTypeHint, TokenUse> = {
  access_token: 'access',
  refresh_token: 'refresh',
};

/** The kinds to try, the hinted one first; an unknown or absent hint changes nothing. */
export function searchOrder(hint: string | undefined): TokenUse[] {
  const hinted = USE_OF_HINT[hint as TokenTypeHint] as TokenUse | undefined;
  return hinted === 'refresh' ? ['refresh', 'access'] : ['access', 'refresh'];
}

/**
 * Ends the session of `token`, trying the hinted kind first and then the
 * other (§2.1: the server extends its search). Returns whether a session's
 * token was recognised; the HTTP answer is 200 either way. A store failure
 * propagates (503): the client must retry, since nothing may have been revoked.
 */
export async function revokeByToken(
  deps: LogoutDeps,
  token: string,
  hint: string | undefined,
  client: ClientInfo,
): Promise<boolean> {
  for (const use of searchOrder(hint)) {
    const tokens = use === 'access' ? { accessToken: token } : { refreshToken: token };
    try {
      await logout(deps, tokens, client);
      return true;
    } catch (error) {
      // Not a token of this kind (or not ours at all): try the other kind.
      if (error instanceof InvalidTokenError) continue;
      throw error;
    }
  }
  return false;
}
