/**
 * POST /auth/mfa/totp/confirm: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/mfa-totp-confirm.ts`.
 */
import { confirmTotpEnrolment } from '../../auth/mfa/enrolment';
import type { RecoveryCodesBody } from '../../contract/bodies';
import { totpConfirmBody } from '../../contract/requests';
import { jsonHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { json } from '../responses';
import { parseInput } from '../validation';
import { type EnrolmentRuntime, enrolmentDeps } from './mfa-deps';

export function createMfaTotpConfirmHandler(runtime: EnrolmentRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(totpConfirmBody, event.jsonBody);
    const { recoveryCodes } = await confirmTotpEnrolment(
      enrolmentDeps(runtime),
      authorizedCaller(event),
      body.code,
      clientInfo(event),
    );
    return json(200, { recovery_codes: recoveryCodes } satisfies RecoveryCodesBody);
  });
}
