/**
 * The wiring of the three TOTP enrolment functions (begin, confirm, remove):
 * they use the same parts, named here once. Their routes take its type.
 */
import {
  loginAttempts,
  mfa,
  passwords,
  revokedTokens,
  sessions,
  totpCipher,
  users,
  wire,
} from './runtime';

export function wireEnrolment() {
  return wire({ loginAttempts, mfa, passwords, revokedTokens, sessions, totpCipher, users });
}

/** The runtime parts TOTP enrolment uses. */
export type EnrolmentRuntime = ReturnType<typeof wireEnrolment>;
