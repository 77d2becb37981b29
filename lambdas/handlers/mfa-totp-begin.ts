/** Lambda entry: POST /auth/mfa/totp. */
import { createMfaTotpBeginHandler } from '../http/routes/mfa-totp-begin';
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

export const handler = createMfaTotpBeginHandler(
  wire({ loginAttempts, mfa, passwords, revokedTokens, sessions, totpCipher, users }),
);
