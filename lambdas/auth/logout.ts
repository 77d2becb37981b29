/**
 * Logout: ends the session of the presented access and/or refresh token.
 * Not behind the authorizer, so it works with a refresh token alone and for a
 * session that is already over (idempotent: 204 again).
 */
import type { Clock } from '../clock';
import { InvalidRequestError } from '../errors';
import type { TokenVerifier } from '../tokens/verify';
import type { ClientInfo, RevokedTokenStore, SessionStore } from './ports';
import { revokeSession, revokeTokens, type TokenRef } from './revoke-session';

export interface LogoutDeps {
  verifier: TokenVerifier;
  sessions: Pick<SessionStore, 'get' | 'remove'>;
  revokedTokens: Pick<RevokedTokenStore, 'revoke'>;
  clock: Clock;
}

export interface LogoutTokens {
  accessToken?: string;
  refreshToken?: string;
}

/**
 * A token that does not verify throws `InvalidTokenError` (401); an expired
 * but genuine one is accepted, so a user whose access token just ran out can
 * still log out. Two tokens of different sessions are a client error (400).
 */
export async function logout(
  deps: LogoutDeps,
  { accessToken, refreshToken }: LogoutTokens,
  client: ClientInfo,
): Promise<void> {
  if (accessToken === undefined && refreshToken === undefined) {
    throw new InvalidRequestError(
      'Give the access token (Authorization: Bearer) or refresh_token.',
    );
  }
  const { verifier, sessions } = deps;
  const presented: TokenRef[] = [];
  if (accessToken !== undefined) {
    const { jti, sub, sid, exp } = await verifier.verify(accessToken, 'access', {
      allowExpired: true,
    });
    presented.push({ jti, sub, sid, exp, tokenUse: 'access' });
  }
  if (refreshToken !== undefined) {
    const { jti, sub, sid, exp } = await verifier.verify(refreshToken, 'refresh', {
      allowExpired: true,
    });
    presented.push({ jti, sub, sid, exp, tokenUse: 'refresh' });
  }
  const [first, second] = presented as [TokenRef, TokenRef | undefined];
  if (second && (second.sub !== first.sub || second.sid !== first.sid)) {
    throw new InvalidRequestError('The two tokens belong to different sessions.');
  }

  const session = await sessions.get(first.sub, first.sid);
  if (session) await revokeSession(deps, session, 'logout', client, presented);
  // Session already over: the presented tokens are revoked or dead already; make sure.
  else await revokeTokens(deps, presented, 'logout', client);
}
