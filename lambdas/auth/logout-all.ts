/** Logout everywhere: every live session of the user ends. */
import type { ClientInfo, SessionStore } from './ports';
import { type RevokeSessionDeps, revokeSession } from './revoke-session';

export interface LogoutAllDeps extends RevokeSessionDeps {
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
}

/** Revokes both tokens of every session of `userId` (reason `logout_all`). */
export async function logoutAll(
  deps: LogoutAllDeps,
  userId: string,
  client: ClientInfo,
): Promise<void> {
  const sessions = await deps.sessions.listByUser(userId);
  await Promise.all(sessions.map((session) => revokeSession(deps, session, 'logout_all', client)));
}
