/** What the MFA handlers hand the domain, from the runtime: built on first use, once per instance. */
import type { EnrolmentDeps } from '../../auth/mfa/enrolment';
import type { EnrolmentRuntime } from '../../enrolment-runtime';

export type { EnrolmentRuntime };

export function enrolmentDeps(runtime: EnrolmentRuntime): EnrolmentDeps {
  return {
    users: runtime.users(),
    mfa: runtime.mfa(),
    totpCipher: runtime.totpCipher(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    passwords: runtime.passwords(),
    loginAttempts: runtime.loginAttempts(),
    lockout: runtime.config.lockout,
    clock: runtime.clock,
    // What the authenticator app shows beside the username: the service's audience.
    totpIssuer: runtime.config.tokens.audience,
  };
}
