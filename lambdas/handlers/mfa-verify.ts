/** Lambda entry: POST /auth/mfa/verify. */
import { createMfaVerifyHandler } from '../http/routes/mfa-verify';
import { createRuntime } from '../runtime';

export const handler = createMfaVerifyHandler(createRuntime());
