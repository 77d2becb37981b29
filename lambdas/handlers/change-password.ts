/** Lambda entry: POST /auth/password. */
import { changePassword } from '../auth/change-password';
import { systemClock } from '../clock';
import { changePasswordBody } from '../contract/requests';
import { jsonHandler } from '../http/handler';
import { authorizedCaller, clientInfo } from '../http/request';
import { noContent } from '../http/responses';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = jsonHandler(runtime.config, async (event) => {
  const deps = {
    users: runtime.users(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    passwords: runtime.passwords(),
    loginAttempts: runtime.loginAttempts(),
    lockout: runtime.config.lockout,
    clock: systemClock,
  };
  const body = parseInput(changePasswordBody, event.jsonBody);
  await changePassword(
    deps,
    authorizedCaller(event),
    { currentPassword: body.current_password, newPassword: body.new_password },
    clientInfo(event),
  );
  return noContent();
});
