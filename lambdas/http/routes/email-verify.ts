/**
 * POST /auth/email/verify: the handler over an injected runtime; its Lambda
 * entry is `lambdas/handlers/email-verify.ts`. No bearer token: the token of
 * the message's link is the proof. 204, or 400 `invalid_grant`.
 */
import { verifyEmail } from '../../auth/email';
import { emailVerifyBody } from '../../contract/requests';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { noContent } from '../responses';
import { parseInput } from '../validation';
import {
  type EmailDomainRuntime,
  emailDeps,
  emailOn,
  noEmailRoute,
  recoveryLimitDeps,
} from './email-deps';

export function createEmailVerifyHandler(runtime: EmailDomainRuntime) {
  if (!emailOn(runtime)) return noEmailRoute(runtime);
  return jsonHandler(runtime.config, async (event) => {
    const { token } = parseInput(emailVerifyBody, event.jsonBody);
    await verifyEmail(emailDeps(runtime), token, {
      deps: recoveryLimitDeps(runtime),
      client: clientInfo(event),
    });
    return noContent();
  });
}
