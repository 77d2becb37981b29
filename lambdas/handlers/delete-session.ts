/** Lambda entry: DELETE /auth/sessions/{session_id}. */
import { deleteSession } from '../auth/sessions';
import { systemClock } from '../clock';
import { httpHandler } from '../http/handler';
import { authorizedCaller, clientInfo, pathParameter } from '../http/request';
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
    pathParameter(event, 'session_id'),
    clientInfo(event),
  );
  return noContent();
});
