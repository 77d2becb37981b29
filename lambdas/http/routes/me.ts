/**
 * GET /auth/me: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/me.ts`. Answers from the authorizer's context alone, no I/O.
 */
import type { MeBody } from '../../contract/bodies';
import type { Runtime } from '../../runtime';
import { httpHandler } from '../handler';
import { authorizedCaller } from '../request';
import { json } from '../responses';

// Only the configuration is used, but a misconfigured function still fails at cold start.
export function createMeHandler(runtime: Runtime) {
  return httpHandler(runtime.config, async (event) => {
    const caller = authorizedCaller(event);
    return json(200, {
      user_id: caller.userId,
      username: caller.username,
      session_id: caller.sessionId,
      expires_at: new Date(caller.exp * 1000).toISOString(),
    } satisfies MeBody);
  });
}
