/**
 * POST /auth/mfa/totp: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/mfa-totp-begin.ts`.
 */
import { beginTotpEnrolment } from '../../auth/mfa/enrolment';
import type { TotpSecretBody } from '../../contract/bodies';
import { totpEnrolmentBody } from '../../contract/requests';
import { jsonHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { json } from '../responses';
import { parseInput } from '../validation';
import { type EnrolmentRuntime, enrolmentDeps } from './mfa-deps';

export function createMfaTotpBeginHandler(runtime: EnrolmentRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(totpEnrolmentBody, event.jsonBody);
    const enrolment = await beginTotpEnrolment(
      enrolmentDeps(runtime),
      authorizedCaller(event),
      body.current_password,
      clientInfo(event),
    );
    return json(200, {
      secret: enrolment.secret,
      otpauth_uri: enrolment.otpauthUri,
    } satisfies TotpSecretBody);
  });
}
