/**
 * DELETE /auth/sessions/{session_id}: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/delete-session.ts`.
 */
import { deleteSession } from '../../auth/sessions';
import { ERROR_MESSAGES } from '../../contract/errors';
import type { RuntimeOf } from '../../runtime';
import { httpHandler } from '../handler';
import { authorizedCaller, clientInfo, pathId } from '../request';
import { noContent } from '../responses';

/** The runtime parts this route uses (its entry wires just these). */
export type DeleteSessionRuntime = RuntimeOf<'revokedTokens' | 'sessions'>;

export function createDeleteSessionHandler(runtime: DeleteSessionRuntime) {
  return httpHandler(runtime.config, async (event) => {
    const deps = {
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      clock: runtime.clock,
    };
    await deleteSession(
      deps,
      authorizedCaller(event).userId,
      pathId(event, 'session_id', ERROR_MESSAGES.noSuchSession),
      clientInfo(event),
    );
    return noContent();
  });
}
