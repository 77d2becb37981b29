/** Lambda entry: POST /auth/mfa/step-up. */
import { createMfaStepUpHandler } from '../http/routes/mfa-step-up';
import {
  issuer,
  loginAttempts,
  mfa,
  revokedTokens,
  sessions,
  totpCipher,
  users,
  wire,
} from '../runtime';

export const handler = createMfaStepUpHandler(
  wire({ issuer, loginAttempts, mfa, revokedTokens, sessions, totpCipher, users }),
);
