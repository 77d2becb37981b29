/** Lambda entry: GET /auth/me. Answers from the authorizer's context alone, no I/O. */
import type { MeBody } from '../contract/bodies';
import { httpHandler } from '../http/handler';
import { authorizedCaller } from '../http/request';
import { json } from '../http/responses';
import { createRuntime } from '../runtime';

// Only the configuration is used, but a misconfigured function still fails at cold start.
const runtime = createRuntime();

export const handler = httpHandler(runtime.config, async (event) => {
  const caller = authorizedCaller(event);
  return json(200, {
    user_id: caller.userId,
    username: caller.username,
    session_id: caller.sessionId,
    expires_at: new Date(caller.exp * 1000).toISOString(),
  } satisfies MeBody);
});
