/**
 * Revoking every session of a user, on the embedded engine: logout-all and
 * password change of a user at the session cap (100 live sessions by
 * default), the whole domain operation against the real stores. Password
 * change includes its two scrypt runs at the production cost. Each run gets a
 * freshly seeded user, so every run revokes the full count.
 *
 * `BENCH_SESSION_COUNTS` (comma-separated, default `100`) sets the sizes, e.g.
 * `BENCH_SESSION_COUNTS=100,1000 npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { changePassword } from '../lambdas/auth/change-password';
import { logoutAll } from '../lambdas/auth/logout-all';
import { createPasswordHasher } from '../lambdas/auth/passwords';
import type { SessionRecord } from '../lambdas/auth/ports';
import { systemClock } from '../lambdas/clock';
import { DEFAULTS } from '../lambdas/config';
import { createDocumentClient } from '../lambdas/store/dynamo';
import { createLoginAttemptStore } from '../lambdas/store/login-attempts';
import { createRevokedTokenStore } from '../lambdas/store/revoked-tokens';
import { createSessionStore } from '../lambdas/store/sessions';
import { createUserStore } from '../lambdas/store/users';
import { LOCAL_TABLE_NAMES } from '../local/tables';
import { type Figures, figuresOf } from './measure';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'another horse battery staple';
const CLIENT = { ip: '127.0.0.1', userAgent: 'bench' };

/** Times logout-all and password change at each session count; `runs` runs each. */
export async function benchSessions(endpoint: string, runs = 3): Promise<Figures[]> {
  const counts = (process.env.BENCH_SESSION_COUNTS ?? String(DEFAULTS.maxSessionsPerUser))
    .split(',')
    .map(Number);
  const documents = createDocumentClient({ endpoint });
  const users = createUserStore(documents, LOCAL_TABLE_NAMES.users);
  const sessions = createSessionStore(documents, LOCAL_TABLE_NAMES.sessions);
  const revokedTokens = createRevokedTokenStore(documents, LOCAL_TABLE_NAMES.revokedTokens);
  const passwords = createPasswordHasher();
  const passwordHash = await passwords.hash(PASSWORD);
  const loginAttempts = createLoginAttemptStore(documents, LOCAL_TABLE_NAMES.loginAttempts);
  const deps = { users, sessions, revokedTokens, loginAttempts, passwords, clock: systemClock };
  let seeded = 0;

  /** A new user with `count` live sessions; the first is the caller's. */
  async function seed(count: number) {
    seeded += 1;
    const username = `bench-${seeded}`;
    const userId = `bench-user-${seeded}`;
    await users.create({ username, userId, passwordHash, createdAt: new Date().toISOString() });
    const now = Math.floor(Date.now() / 1000);
    const records: SessionRecord[] = Array.from({ length: count }, (_, i) => ({
      userId,
      sessionId: `s-${seeded}-${i}`,
      username,
      accessJti: `a-${seeded}-${i}`,
      accessExp: now + DEFAULTS.accessTokenTtlSeconds,
      refreshJti: `r-${seeded}-${i}`,
      refreshExp: now + DEFAULTS.refreshTokenTtlSeconds,
      createdAt: new Date(Date.now() - (count - i) * 1000).toISOString(),
      expiresAt: now + DEFAULTS.refreshTokenTtlSeconds,
    }));
    for (let i = 0; i < records.length; i += 25) {
      await Promise.all(records.slice(i, i + 25).map((record) => sessions.create(record)));
    }
    return { userId, username, sessionId: `s-${seeded}-0` };
  }

  async function time(operation: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await operation();
    return performance.now() - started;
  }

  const rows: Figures[] = [];
  for (const count of counts) {
    const logoutAllRuns: number[] = [];
    const passwordRuns: number[] = [];
    for (let run = 0; run < runs; run++) {
      const forLogoutAll = await seed(count);
      logoutAllRuns.push(await time(() => logoutAll(deps, forLogoutAll, CLIENT)));
      const forPassword = await seed(count);
      passwordRuns.push(
        await time(() =>
          changePassword(
            deps,
            forPassword,
            { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
            CLIENT,
          ),
        ),
      );
    }
    rows.push(figuresOf(`logout-all, ${count} sessions (embedded engine)`, logoutAllRuns));
    rows.push(figuresOf(`password change, ${count} sessions (incl. 2x scrypt)`, passwordRuns));
  }
  documents.destroy();
  return rows;
}
