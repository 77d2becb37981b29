/** Lambda entry: POST /auth/login. */
import { createLoginHandler } from '../http/routes/login';
import {
  issuer,
  loginAttempts,
  mfaChallenges,
  passwords,
  revokedTokens,
  sessions,
  users,
  wire,
} from '../runtime';

export const handler = createLoginHandler(
  wire({ issuer, loginAttempts, mfaChallenges, passwords, revokedTokens, sessions, users }),
);
