/** Lambda entry: POST /auth/mfa/totp. */
import { createMfaTotpBeginHandler } from '../http/routes/mfa-totp-begin';
import { createRuntime } from '../runtime';

export const handler = createMfaTotpBeginHandler(createRuntime());
