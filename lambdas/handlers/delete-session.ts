/** Lambda entry: DELETE /auth/sessions/{session_id}. */
import { deleteSession } from '../auth/sessions';
import { systemClock } from '../clock';
import { ERROR_MESSAGES } from '../contract/errors';
import { httpHandler } from '../http/handler';
import { authorizedCaller, clientInfo, pathId } from '../http/request';
import { noContent } from '../http/responses';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = httpHandler(runtime.config, async (event) => {
  const deps = {
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: systemClock,
  };
  await deleteSession(
    deps,
    authorizedCaller(event).userId,
    pathId(event, 'session_id', ERROR_MESSAGES.noSuchSession),
    clientInfo(event),
  );
  return noContent();
});
