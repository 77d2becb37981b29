/** Lambda entry: GET /auth/me. Answers from the authorizer's context alone, no I/O. */
import { httpHandler } from '../http/handler';
import { authorizedCaller } from '../http/request';
import { json } from '../http/responses';
import { createRuntime } from '../runtime';

// Nothing of the runtime is used, but a misconfigured function still fails at cold start.
createRuntime();

export const handler = httpHandler(async (event) => {
  const caller = authorizedCaller(event);
  return json(200, {
    user_id: caller.userId,
    username: caller.username,
    session_id: caller.sessionId,
    expires_at: new Date(caller.exp * 1000).toISOString(),
  });
});
