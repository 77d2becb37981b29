/**
 * Logout: ends the session of the presented access and/or refresh token.
 * Not behind the authorizer, so it works with a refresh token alone and for a
 * session that is already over (idempotent: 204 again).
 *
 * Only a token that is still the session's own ends it: its current access
 * token (expired or not, so logging out after expiry keeps working), its
 * current refresh token, or the refresh token the last rotation replaced
 * within the grace window. A superseded token (a leaked old one) revokes
 * nothing: it is dead already, and must not be a lever to end the live
 * session.
 */
import type { Clock } from '../clock';
import { InvalidRequestError } from '../errors';
import { sameReference } from '../tokens/opaque-refresh';
import type { TokenVerifier } from '../tokens/verify';
import { withinGrace } from './grace';
import type { ClientInfo, RevokedTokenStore, SessionRecord, SessionStore } from './ports';
import { revokeSession, revokeTokens, type TokenRef } from './revoke-session';

export interface LogoutDeps {
  verifier: TokenVerifier;
  sessions: Pick<SessionStore, 'get' | 'remove'>;
  revokedTokens: Pick<RevokedTokenStore, 'revoke'>;
  clock: Clock;
  /** The refresh grace window (seconds): its predecessor refresh token is still the session's own. */
  refreshGraceSeconds: number;
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
  if (!session) {
    // Session already over: the presented tokens are revoked or dead already; make sure.
    await revokeTokens(deps, presented, 'logout', client);
    return;
  }
  if (!presented.some((token) => isSessionsOwn(deps, session, token))) return;
  await revokeSession(deps, session, 'logout', client, presented);
}

/** Whether `token` is still one of the session's own: its current pair, or the grace-window predecessor. */
function isSessionsOwn(
  deps: Pick<LogoutDeps, 'refreshGraceSeconds' | 'clock'>,
  session: SessionRecord,
  token: TokenRef,
): boolean {
  if (token.tokenUse === 'access') return token.jti === session.accessJti;
  return sameReference(token.jti, session.refreshJti) || withinGrace(deps, session, token.jti);
}
