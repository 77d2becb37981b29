/**
 * POST /auth/mfa/verify: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/mfa-verify.ts`.
 */
import { verifyMfa } from '../../auth/mfa/verify';
import { mfaVerifyBody } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { tokenResponse } from '../responses';
import { parseInput } from '../validation';
import { type LoginRuntime, loginDeps } from './login-deps';

/** The runtime parts this route uses (its entry wires just these). */
export type MfaVerifyRuntime = LoginRuntime & RuntimeOf<'mfa' | 'totpCipher'>;

export function createMfaVerifyHandler(runtime: MfaVerifyRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(mfaVerifyBody, event.jsonBody);
    const deps = {
      ...loginDeps(runtime),
      mfa: runtime.mfa(),
      totpCipher: runtime.totpCipher(),
      mfaChallenges: runtime.mfaChallenges(),
    };
    const pair = await verifyMfa(
      deps,
      { mfaToken: body.mfa_token, code: body.code },
      clientInfo(event),
    );
    return tokenResponse(pair);
  });
}
