/** What opening a session takes (login, and the second factor's verify), from the runtime. */
import type { LoginDeps } from '../../auth/login';
import type { UserStore } from '../../auth/ports';
import type { LOGIN_PARTS } from '../../login-runtime';
import type { RuntimeOf } from '../../runtime';

/** The runtime parts opening a session uses: those its entries wire. */
export type LoginRuntime = RuntimeOf<keyof typeof LOGIN_PARTS>;

export function loginDeps(runtime: LoginRuntime, users: UserStore = runtime.users()): LoginDeps {
  return {
    users,
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    maxSessionsPerUser: runtime.config.maxSessionsPerUser,
    passwords: runtime.passwords(),
    loginAttempts: runtime.loginAttempts(),
    lockout: runtime.config.lockout,
    issuer: runtime.issuer(),
    mfaChallenges: runtime.mfaChallenges(),
    clock: runtime.clock,
    roleScopes: runtime.config.roles.scopes,
  };
}
