/** Lambda entry: POST /auth/mfa/totp/confirm. */
import { createMfaTotpConfirmHandler } from '../http/routes/mfa-totp-confirm';
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

export const handler = createMfaTotpConfirmHandler(
  wire({ loginAttempts, mfa, passwords, revokedTokens, sessions, totpCipher, users }),
);
