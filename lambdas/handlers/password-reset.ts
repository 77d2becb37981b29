/** Lambda entry: POST /auth/password/reset. */
import { wireEmail } from '../email-runtime';
import { createPasswordResetHandler } from '../http/routes/password-reset';
import { loginAttempts, passwords, revokedTokens, sessions, users } from '../runtime';

export const handler = createPasswordResetHandler(
  wireEmail({ loginAttempts, passwords, revokedTokens, sessions, users }),
);
