/** Lambda entry: POST /auth/password. */
import { createChangePasswordHandler } from '../http/routes/change-password';
import { loginAttempts, passwords, revokedTokens, sessions, users, wire } from '../runtime';

export const handler = createChangePasswordHandler(
  wire({ loginAttempts, passwords, revokedTokens, sessions, users }),
);
