/**
 * Ending a session: revoke its current access and refresh tokens (and any
 * other token of it the caller presented), then delete its Sessions item.
 * Revocations come first, so a failure half-way leaves the item in place and
 * a retry finishes the job.
 */
import { type Clock, epochSeconds } from '../clock';
import { UnavailableError } from '../errors';
import { CLOCK_TOLERANCE_SECONDS, type TokenUse } from '../tokens/claims';
import type {
  ClientInfo,
  RevocationReason,
  RevokedTokenStore,
  SessionRecord,
  SessionStore,
} from './ports';

/**
 * A token that expired longer ago than this is refused on `exp` by every
 * verifier (whose clock tolerance is a few seconds), so no revocation is
 * written for it.
 */
export const EXPIRED_MARGIN_SECONDS = 60;

export interface RevocationDeps {
  revokedTokens: Pick<RevokedTokenStore, 'revoke'>;
  clock: Clock;
}

/** One token to revoke. */
export interface TokenRef {
  jti: string;
  sub: string;
  sid: string;
  tokenUse: TokenUse;
  /** The token's `exp`, epoch seconds. */
  exp: number;
}

/**
 * Revokes `tokens` with `reason`, skipping the ones already dead on `exp` and
 * duplicates. Returns, per token in order, whether this call revoked it
 * (false: revoked before, or skipped).
 */
export async function revokeTokens(
  { revokedTokens, clock }: RevocationDeps,
  tokens: readonly TokenRef[],
  reason: RevocationReason,
  client: ClientInfo,
): Promise<boolean[]> {
  const now = clock();
  const seen = new Set<string>();
  return Promise.all(
    tokens.map(async (token) => {
      if (seen.has(token.jti)) return false;
      seen.add(token.jti);
      if (token.exp + EXPIRED_MARGIN_SECONDS < epochSeconds(now)) return false;
      return revokedTokens.revoke({
        jti: token.jti,
        sub: token.sub,
        sid: token.sid,
        tokenUse: token.tokenUse,
        reason,
        // The verifier still accepts the token this long after `exp`: so must the revocation.
        expiresAt: token.exp + CLOCK_TOLERANCE_SECONDS,
        revokedAt: now.toISOString(),
        ...client,
      });
    }),
  );
}

/**
 * The session's tokens as revocable tokens: its current pair (which is also
 * the last rotation's successor, the pair a grace replay would sign again) and
 * the refresh token that rotation replaced, in case its own revocation failed.
 */
export function sessionTokens(session: SessionRecord): TokenRef[] {
  const common = { sub: session.userId, sid: session.sessionId };
  const previous = session.lastRotation?.previousRefreshJti;
  return [
    { ...common, jti: session.accessJti, tokenUse: 'access', exp: session.accessExp },
    { ...common, jti: session.refreshJti, tokenUse: 'refresh', exp: session.refreshExp },
    // Every refresh token of a session ends with it.
    ...(previous
      ? [{ ...common, jti: previous, tokenUse: 'refresh' as const, exp: session.refreshExp }]
      : []),
  ];
}

export interface RevokeSessionDeps extends RevocationDeps {
  sessions: Pick<SessionStore, 'get' | 'remove'>;
}

/**
 * A refresh racing the revocation can rotate the session between our read and
 * our delete; each round revokes the pair it saw. One racing refresh costs one
 * extra round; running out of rounds takes a client refreshing in a tight loop.
 */
const MAX_ROUNDS = 5;

/**
 * Revokes the session's current tokens plus `alsoRevoke` with `reason`, and
 * deletes its item. Idempotent: revoking an already revoked token is a no-op.
 *
 * The delete only succeeds while the item still holds the tokens just
 * revoked. If a concurrent refresh rotated them in between, the item is read
 * again and its new pair revoked too, so no token of the session outlives
 * the revocation.
 */
export async function revokeSession(
  deps: RevokeSessionDeps,
  session: SessionRecord,
  reason: RevocationReason,
  client: ClientInfo,
  alsoRevoke: readonly TokenRef[] = [],
): Promise<void> {
  let current: SessionRecord | undefined = session;
  let extra = alsoRevoke;
  for (let round = 0; current && round < MAX_ROUNDS; round++) {
    await revokeTokens(deps, [...sessionTokens(current), ...extra], reason, client);
    extra = [];
    if (await deps.sessions.remove(current.userId, current.sessionId, current.refreshJti)) return;
    current = await deps.sessions.get(current.userId, current.sessionId);
  }
  // Still rotating after every round: fail closed and let the client retry.
  if (current) throw new UnavailableError();
}
