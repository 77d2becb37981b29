/** Lambda entry: POST /auth/mfa/verify. */
import { createMfaVerifyHandler } from '../http/routes/mfa-verify';
import {
  issuer,
  loginAttempts,
  mfa,
  mfaChallenges,
  passwords,
  revokedTokens,
  sessions,
  totpCipher,
  users,
  wire,
} from '../runtime';

export const handler = createMfaVerifyHandler(
  wire({
    issuer,
    loginAttempts,
    mfa,
    mfaChallenges,
    passwords,
    revokedTokens,
    sessions,
    totpCipher,
    users,
  }),
);
