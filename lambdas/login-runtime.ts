/**
 * The parts of the functions that open a session: login, and the second
 * factor's verify, which adds the TOTP parts to them. Named here once; the
 * route type of login (`http/routes/login-deps.ts`) is read from this list.
 */
import {
  issuer,
  loginAttempts,
  mfaChallenges,
  passwords,
  revokedTokens,
  sessions,
  users,
} from './runtime';

export const LOGIN_PARTS = {
  issuer,
  loginAttempts,
  mfaChallenges,
  passwords,
  revokedTokens,
  sessions,
  users,
};
