/**
 * DELETE /auth/mfa/totp: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/mfa-totp-remove.ts`.
 */
import { removeTotp } from '../../auth/mfa/enrolment';
import { totpRemovalBody } from '../../contract/requests';
import { jsonHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { noContent } from '../responses';
import { parseInput } from '../validation';
import { type EnrolmentRuntime, enrolmentDeps } from './mfa-deps';

export function createMfaTotpRemoveHandler(runtime: EnrolmentRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(totpRemovalBody, event.jsonBody);
    await removeTotp(
      enrolmentDeps(runtime),
      authorizedCaller(event),
      { password: body.current_password, code: body.code },
      clientInfo(event),
    );
    return noContent();
  });
}
