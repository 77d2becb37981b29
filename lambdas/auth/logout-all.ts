/**
 * Logout everywhere: every live session of the user ends.
 *
 * It first bumps the user's `credentialsVersion`, then lists the sessions: a
 * login in flight either created its session before the listing (and is
 * revoked with the rest) or re-reads the user after the bump and gives its
 * session up (see `login.ts`).
 */
import type { ClientInfo, SessionStore, UserStore } from './ports';
import type { RevokeSessionDeps } from './revoke-session';
import { revokeSessions } from './sessions';

export interface LogoutAllDeps extends RevokeSessionDeps {
  users: Pick<UserStore, 'bumpCredentialsVersion'>;
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
}

/** Revokes both tokens of every session of the caller (reason `logout_all`). */
export async function logoutAll(
  deps: LogoutAllDeps,
  caller: { userId: string; username: string },
  client: ClientInfo,
): Promise<void> {
  // False only if the name no longer belongs to this user: its sessions still end.
  await deps.users.bumpCredentialsVersion({ username: caller.username, userId: caller.userId });
  const sessions = await deps.sessions.listByUser(caller.userId);
  await revokeSessions(deps, sessions, 'logout_all', client);
}
