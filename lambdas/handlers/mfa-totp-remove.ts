/** Lambda entry: DELETE /auth/mfa/totp. */
import { createMfaTotpRemoveHandler } from '../http/routes/mfa-totp-remove';
import { createRuntime } from '../runtime';

export const handler = createMfaTotpRemoveHandler(createRuntime());
