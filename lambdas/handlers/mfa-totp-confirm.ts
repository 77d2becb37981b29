/** Lambda entry: POST /auth/mfa/totp/confirm. */
import { createMfaTotpConfirmHandler } from '../http/routes/mfa-totp-confirm';
import { createRuntime } from '../runtime';

export const handler = createMfaTotpConfirmHandler(createRuntime());
