/**
 * Refresh-token rotation with a grace window and reuse detection (docs/api.md,
 * "Refresh" and "Refresh grace window").
 *
 * The lock is the Sessions item's conditional update (`refreshJti` = the
 * presented token) that also records the successor pair's identity: of
 * concurrent refreshes with one token exactly one rotates, and the others read
 * the successor from the item and sign that same pair again, so two tabs or a
 * retry never look like a stolen token. No request waits for another: a loser
 * reads the item once, after the winner's write.
 *
 * A refresh token is a JWT (issued before opaque ones, or with
 * `refreshTokenFormat=jwt`) or opaque (`tokens/opaque-refresh.ts`); either way
 * the session names its current one by `refreshJti` (a `jti`, or an opaque
 * token's reference) and the comparisons below are the same, in constant time.
 * The successor is derived from the presented token, so a replay in the
 * window rebuilds an opaque successor exactly.
 *
 * Order of the writes, so that a failure at any step leaves no live token the
 * session does not know about: the old access token is revoked BEFORE the
 * rotation write (until then it is the item's current one), and the old
 * refresh token after it (from then on the item names it as the previous one,
 * and ending the session revokes it).
 *
 * Each rotation reads the user again and resolves its roles into the new
 * access token's `scope` and `roles` (`roles.ts`), so a role granted reaches
 * the user within one access-token lifetime; the rotation write records them,
 * and a replay signs exactly what the rotation issued.
 */
import type { Clock } from '../clock';
import { InvalidTokenError } from '../errors';
import type { SessionClaims } from '../tokens/claims';
import type { TokenIssuer, TokenPair } from '../tokens/issue';
import { sameReference } from '../tokens/opaque-refresh';
import type { TokenVerifier } from '../tokens/verify';
import { withinGrace } from './grace';
import {
  amrOf,
  type ClientInfo,
  type RevokedTokenStore,
  rolesOf,
  type SessionRecord,
  type SessionStore,
  type UserStore,
} from './ports';
import { revokeSession, revokeTokens, type TokenRef } from './revoke-session';
import { type RoleScopes, sessionClaimsOf } from './roles';

export interface RefreshDeps {
  verifier: TokenVerifier;
  issuer: TokenIssuer;
  sessions: Pick<SessionStore, 'get' | 'rotate' | 'remove'>;
  revokedTokens: Pick<RevokedTokenStore, 'revoke' | 'isRevoked'>;
  /** Read at every rotation: the user's roles as they are now. */
  users: Pick<UserStore, 'find'>;
  /** Role → scopes (setting `roles`). */
  roleScopes: RoleScopes;
  clock: Clock;
  /**
   * How long (seconds) the refresh token a rotation replaced still answers
   * with that rotation's pair; 0 = strict, any second use is reuse.
   */
  refreshGraceSeconds: number;
}

/**
 * Exchanges a refresh token for the session's next pair. Every refusal is an
 * `InvalidTokenError` (401): bad token, session gone or being ended, a
 * concurrent refresh won in strict mode, or reuse (which also ends the
 * session).
 */
export async function refresh(
  deps: RefreshDeps,
  refreshToken: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const { verifier, sessions, revokedTokens } = deps;
  const claims = await verifier.verify(refreshToken, 'refresh');
  const [session, revoked] = await Promise.all([
    sessions.get(claims.sub, claims.sid),
    revokedTokens.isRevoked(claims.jti),
  ]);
  if (!session) throw new InvalidTokenError('session_ended');

  const presented: TokenRef = {
    jti: claims.jti,
    sub: claims.sub,
    sid: claims.sid,
    tokenUse: 'refresh',
    exp: claims.exp,
  };
  if (sameReference(claims.jti, session.refreshJti)) {
    if (!revoked) return rotate(deps, session, presented, refreshToken, client);
    // The current token as read, yet revoked: either a concurrent refresh
    // rotated the session between the two reads (it revokes the token it
    // replaced right after its rotation write), which the window covers, or
    // the session is being ended (revocations come before the item's delete).
    // Read again to tell them apart; never rotate a revoked token back to life.
    const current = await sessions.get(claims.sub, claims.sid);
    if (current && withinGrace(deps, current, claims.jti)) {
      return signSuccessor(deps, current, refreshToken);
    }
    throw new InvalidTokenError('revoked');
  }
  // Rotated away a moment ago (two tabs, a retry): the same successor again.
  if (withinGrace(deps, session, claims.jti)) return signSuccessor(deps, session, refreshToken);

  // An older token, or the previous one after the window: someone kept a copy.
  // End the session for everyone.
  await revokeSession(deps, session, 'reuse_detected', client, [presented]);
  throw new InvalidTokenError('reused');
}

/** Rotates the session away from `presented`, its current refresh token. */
async function rotate(
  deps: RefreshDeps,
  session: SessionRecord,
  presented: TokenRef,
  presentedToken: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const { issuer, sessions, clock } = deps;
  const user = await deps.users.find(session.username);
  // Users are never deleted, and a name never changes hands; anything else is no session of ours.
  if (user?.userId !== session.userId) throw new InvalidTokenError('session_ended');
  const claims = sessionClaimsOf(rolesOf(user), deps.roleScopes);
  const successor = await issuer.newPairClaims(
    {
      sub: session.userId,
      sid: session.sessionId,
      username: session.username,
      // The session never grows: the new refresh token ends when the first one did.
      sessionExpiresAt: session.expiresAt,
      claims,
      // How the user signed in stays with the session: a refresh never adds or drops a factor.
      amr: amrOf(session),
    },
    presentedToken,
  );
  const oldAccess: TokenRef = {
    jti: session.accessJti,
    sub: session.userId,
    sid: session.sessionId,
    tokenUse: 'access',
    exp: session.accessExp,
  };
  // While the item still names it: once rotated, nothing would find it again.
  await revokeTokens(deps, [oldAccess], 'rotated', client);

  const now = clock();
  const rotated = await sessions.rotate(session.userId, session.sessionId, {
    previousRefreshJti: presented.jti,
    accessJti: successor.access.jti,
    accessExp: successor.access.exp,
    refreshJti: successor.refresh.jti,
    refreshExp: successor.refresh.exp,
    issuedAt: successor.access.iat,
    refreshedAt: now.toISOString(),
    rotatedAt: now.getTime(),
    claims,
  });
  if (!rotated) {
    // A concurrent refresh with this token won: its successor, if the window
    // allows; or the session ended meanwhile. Either way this one leaves it alone.
    const current = await sessions.get(session.userId, session.sessionId);
    if (current && withinGrace(deps, current, presented.jti)) {
      return signSuccessor(deps, current, presentedToken);
    }
    throw new InvalidTokenError(current ? 'revoked' : 'session_ended');
  }

  const [pair] = await Promise.all([
    issuer.signPair(successor),
    revokeTokens(deps, [presented], 'rotated', client),
  ]);
  return pair;
}

/** The session's current pair (the last rotation's successor of `presentedToken`), signed again. */
async function signSuccessor(
  { issuer }: Pick<RefreshDeps, 'issuer'>,
  session: SessionRecord,
  presentedToken: string,
) {
  const rotation = session.lastRotation as NonNullable<SessionRecord['lastRotation']>;
  const claims = await issuer.pairClaims(
    {
      sub: session.userId,
      sid: session.sessionId,
      username: session.username,
      // What the rotation issued; a record stored before claims existed has none.
      ...(rotation.claims ? { claims: replayed(rotation.claims) } : {}),
      amr: amrOf(session),
    },
    {
      accessJti: session.accessJti,
      accessExp: session.accessExp,
      refreshJti: session.refreshJti,
      refreshExp: session.refreshExp,
      iat: rotation.issuedAt,
    },
    presentedToken,
  );
  return issuer.signPair(claims);
}

/** Recorded claims as stored: a store may drop an empty string or list. */
function replayed(claims: Partial<SessionClaims>): SessionClaims {
  return { scope: claims.scope ?? '', roles: claims.roles ?? [] };
}
