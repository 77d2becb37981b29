/** Lambda entry: GET /auth/sessions. */
import { listSessions } from '../auth/sessions';
import type { SessionsBody } from '../contract/bodies';
import { httpHandler } from '../http/handler';
import { authorizedCaller } from '../http/request';
import { json } from '../http/responses';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = httpHandler(runtime.config, async (event) => {
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
