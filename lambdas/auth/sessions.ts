/** A user's own sessions: list them, end one. */
import { NotFoundError } from '../errors';
import type { ClientInfo, SessionRecord, SessionStore } from './ports';
import { type RevokeSessionDeps, revokeSession } from './revoke-session';

export interface SessionSummary {
  sessionId: string;
  createdAt: string;
  /** `null` until the first refresh. */
  refreshedAt: string | null;
  /** ISO 8601 end of the session. */
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session of the token making the request. */
  current: boolean;
}

function summarise(session: SessionRecord, currentSessionId: string): SessionSummary {
  return {
    sessionId: session.sessionId,
    createdAt: session.createdAt,
    refreshedAt: session.refreshedAt ?? null,
    expiresAt: new Date(session.expiresAt * 1000).toISOString(),
    ip: session.ip ?? null,
    userAgent: session.userAgent ?? null,
    current: session.sessionId === currentSessionId,
  };
}

/** The user's live sessions, newest first. */
export async function listSessions(
  { sessions }: { sessions: Pick<SessionStore, 'listByUser'> },
  caller: { userId: string; sessionId: string },
): Promise<SessionSummary[]> {
  const live = await sessions.listByUser(caller.userId);
  return live
    .map((session) => summarise(session, caller.sessionId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export interface DeleteSessionDeps extends RevokeSessionDeps {
  sessions: Pick<SessionStore, 'get' | 'remove'>;
}

/**
 * Ends one of the caller's sessions (reason `session_revoked`). The key is
 * userId + sessionId, so another user's session id is simply not found (404).
 */
export async function deleteSession(
  deps: DeleteSessionDeps,
  userId: string,
  sessionId: string,
  client: ClientInfo,
): Promise<void> {
  const session = await deps.sessions.get(userId, sessionId);
  if (!session) throw new NotFoundError('No such session.');
  await revokeSession(deps, session, 'session_revoked', client);
}
