/**
 * Refresh-token rotation with reuse detection (docs/design.md, "Sessions
 * and revocation"). The lock is the conditional put of the old refresh token's
 * revocation: of concurrent refreshes with one token exactly one takes it.
 */
import type { Clock } from '../clock';
import { InvalidTokenError } from '../errors';
import type { TokenIssuer, TokenPair } from '../tokens/issue';
import type { TokenVerifier } from '../tokens/verify';
import type { ClientInfo, RevokedTokenStore, SessionStore } from './ports';
import { revokeSession, revokeTokens } from './revoke-session';

export interface RefreshDeps {
  verifier: TokenVerifier;
  issuer: TokenIssuer;
  sessions: Pick<SessionStore, 'get' | 'rotate' | 'remove'>;
  revokedTokens: Pick<RevokedTokenStore, 'revoke'>;
  clock: Clock;
}

/**
 * Exchanges a refresh token for a new pair of the same session. Every refusal
 * is an `InvalidTokenError` (401): bad token, session gone, token reused
 * (which also ends the session), or lost race.
 */
export async function refresh(
  deps: RefreshDeps,
  refreshToken: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const { verifier, issuer, sessions, clock } = deps;
  const claims = await verifier.verify(refreshToken, 'refresh');
  const session = await sessions.get(claims.sub, claims.sid);
  if (!session) throw new InvalidTokenError('session_ended');

  const presented = {
    jti: claims.jti,
    sub: claims.sub,
    sid: claims.sid,
    tokenUse: 'refresh' as const,
    exp: claims.exp,
  };
  if (claims.jti !== session.refreshJti) {
    // A genuine token of this session that is no longer current was rotated
    // already: someone kept a copy. End the session for everyone.
    await revokeSession(deps, session, 'reuse_detected', client, [presented]);
    throw new InvalidTokenError('reused');
  }

  const [locked] = await revokeTokens(deps, [presented], 'rotated', client);
  // Another refresh with this token won, or it was revoked: refuse, keep the session.
  if (!locked) throw new InvalidTokenError('revoked');

  const pair = await issuer.issuePair({
    sub: session.userId,
    sid: session.sessionId,
    username: session.username,
    // The session never grows: the new refresh token ends when the first one did.
    sessionExpiresAt: session.expiresAt,
  });
  const rotated = await sessions.rotate(session.userId, session.sessionId, {
    previousRefreshJti: claims.jti,
    accessJti: pair.access.claims.jti,
    accessExp: pair.access.claims.exp,
    refreshJti: pair.refresh.claims.jti,
    refreshExp: pair.refresh.claims.exp,
    refreshedAt: clock().toISOString(),
  });
  // The session was revoked between the read and the write; the new pair is never handed out.
  if (!rotated) throw new InvalidTokenError('session_ended');

  await revokeTokens(
    deps,
    [
      {
        jti: session.accessJti,
        sub: session.userId,
        sid: session.sessionId,
        tokenUse: 'access',
        exp: session.accessExp,
      },
    ],
    'rotated',
    client,
  );
  return pair;
}
