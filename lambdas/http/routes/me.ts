/**
 * GET /auth/me: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/me.ts`. Who the caller is comes from the authorizer's
 * context; the account's address from one read of its user item.
 */
import { verifiedEmailOf } from '../../auth/ports';
import type { MeBody } from '../../contract/bodies';
import type { RuntimeOf } from '../../runtime';
import { httpHandler } from '../handler';
import { authorizedCaller } from '../request';
import { json } from '../responses';

/** The runtime parts this route uses (its entry wires just these). */
export type MeRuntime = RuntimeOf<'users'>;

export function createMeHandler(runtime: MeRuntime) {
  return httpHandler(runtime.config, async (event) => {
    const caller = authorizedCaller(event);
    const found = await runtime.users().find(caller.username);
    // The name could in principle belong to someone else now: no address then.
    const user = found?.userId === caller.userId ? found : undefined;
    return json(200, {
      user_id: caller.userId,
      username: caller.username,
      session_id: caller.sessionId,
      expires_at: new Date(caller.exp * 1000).toISOString(),
      email: user?.email ?? null,
      email_verified: user !== undefined && verifiedEmailOf(user) !== undefined,
    } satisfies MeBody);
  });
}
