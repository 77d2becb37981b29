/**
 * GET /auth/sessions: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/list-sessions.ts`.
 */
import { listSessions } from '../../auth/sessions';
import type { SessionsBody } from '../../contract/bodies';
import type { RuntimeOf } from '../../runtime';
import { httpHandler } from '../handler';
import { authorizedCaller } from '../request';
import { json } from '../responses';

/** The runtime parts this route uses (its entry wires just these). */
export type ListSessionsRuntime = RuntimeOf<'sessions'>;

export function createListSessionsHandler(runtime: ListSessionsRuntime) {
  return httpHandler(runtime.config, async (event) => {
    const { sessions, next } = await listSessions(
      { sessions: runtime.sessions() },
      authorizedCaller(event),
      { limit: event.queryStringParameters?.limit, next: event.queryStringParameters?.next },
    );
    return json(200, {
      sessions: sessions.map((session) => ({
        session_id: session.sessionId,
        created_at: session.createdAt,
        refreshed_at: session.refreshedAt,
        expires_at: session.expiresAt,
        ip: session.ip,
        user_agent: session.userAgent,
        current: session.current,
      })),
      next,
    } satisfies SessionsBody);
  });
}
