/** Lambda entry: DELETE /auth/mfa/totp. */
import { createMfaTotpRemoveHandler } from '../http/routes/mfa-totp-remove';
import {
  loginAttempts,
  mfa,
  passwords,
  revokedTokens,
  sessions,
  totpCipher,
  users,
  wire,
} from '../runtime';

export const handler = createMfaTotpRemoveHandler(
  wire({ loginAttempts, mfa, passwords, revokedTokens, sessions, totpCipher, users }),
);
