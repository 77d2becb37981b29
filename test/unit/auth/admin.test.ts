/**
 * The operator's actions on the in-memory stores with a manual clock:
 * disabling (login fails like a wrong password, every session ends, a login
 * in flight gives up), enabling, listing and revoking sessions, resetting a
 * password, showing a revocation; and the audit each one leaves: a durable
 * record written before the action, and a log line.
 */
import { Secret } from 'otpauth';
import {
  disableUser,
  enableUser,
  listAudit,
  listUserSessions,
  type Operator,
  resetMfa,
  resetPassword,
  revokeUserSessions,
  showRevocation,
  showUser,
  unlockUser,
} from '../../../lambdas/auth/admin';
import { authenticateAccessToken } from '../../../lambdas/auth/authenticate';
import { lockoutReader } from '../../../lambdas/auth/lockout';
import { login } from '../../../lambdas/auth/login';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../../lambdas/auth/mfa/enrolment';
import { timeStep, totpCode } from '../../../lambdas/auth/mfa/totp';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import {
  InvalidCredentialsError,
  InvalidRequestError,
  InvalidTokenError,
  NotFoundError,
  TooManyRequestsError,
  UnavailableError,
} from '../../../lambdas/errors';
import type { TokenPair } from '../../../lambdas/tokens/issue';
import { type DomainWorld, domainWorld, pauseAt } from '../../support/fakes';
import { FROZEN_NOW } from '../../support/keys';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const PASSWORD = 'correct horse battery';
const OPERATOR: Operator = {
  actor: 'arn:aws:sts::123456789012:assumed-role/Oncall/jane',
  note: 'ticket 42: credential stuffing',
  client: { userAgent: 'serverless-jwt-auth-admin (ops-laptop)' },
};

let logLines: jest.SpyInstance;

beforeEach(() => {
  // The audit lines go to the console (INFO → console.log here); keep them out of the test output.
  logLines = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  logLines.mockRestore();
});

async function setUp() {
  const world = await domainWorld();
  const { userId } = await register(world, { username: 'alice', password: PASSWORD });
  await register(world, { username: 'bob', password: PASSWORD });
  const session = () => login(world, { username: 'alice', password: PASSWORD }, CLIENT);
  return { world, userId, session };
}

async function expectRefused(world: DomainWorld, pair: TokenPair): Promise<void> {
  await expect(authenticateAccessToken(world, pair.access.token)).rejects.toBeInstanceOf(
    InvalidTokenError,
  );
  await expect(refresh(world, pair.refresh.token, CLIENT)).rejects.toBeInstanceOf(
    InvalidTokenError,
  );
}

describe('disableUser', () => {
  it('revokes every session at once with reason user_disabled and the operator’s audit', async () => {
    const { world, userId, session } = await setUp();
    const laptop = await session();
    const phone = await session();
    const bobs = await login(world, { username: 'bob', password: PASSWORD }, CLIENT);

    const result = await disableUser(world, 'alice', OPERATOR);

    expect(result).toEqual({ username: 'alice', userId, wasDisabled: false, sessionsRevoked: 2 });
    for (const pair of [laptop, phone]) {
      for (const token of [pair.access, pair.refresh]) {
        expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
          reason: 'user_disabled',
          sub: userId,
          actor: OPERATOR.actor,
          action: 'disable_user',
          note: OPERATOR.note,
          userAgent: OPERATOR.client?.userAgent,
        });
      }
      await expectRefused(world, pair);
    }
    expect(await world.sessions.listByUser(userId)).toEqual([]);
    // Nobody else's session.
    await expect(authenticateAccessToken(world, bobs.access.token)).resolves.toBeDefined();
  });

  it('makes the right password fail exactly like a wrong one, after the same scrypt work', async () => {
    const { world } = await setUp();
    await disableUser(world, 'alice', OPERATOR);
    const verify = jest.spyOn(world.passwords, 'verify');

    const right = await login(world, { username: 'alice', password: PASSWORD }, CLIENT).catch(
      (error: unknown) => error,
    );
    const wrong = await login(
      world,
      { username: 'alice', password: 'not it at all' },
      CLIENT,
    ).catch((error: unknown) => error);

    expect(right).toBeInstanceOf(InvalidCredentialsError);
    expect(wrong).toBeInstanceOf(InvalidCredentialsError);
    expect((right as Error).message).toBe((wrong as Error).message);
    // Both ran scrypt once against the stored hash.
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls[0]?.[1]).toBe(verify.mock.calls[1]?.[1]);
    expect(verify.mock.calls[0]?.[1]).toMatch(/^scrypt\$/);
  });

  it('makes a login in flight give its session up (the credentials version moved)', async () => {
    const { world, userId } = await setUp();
    // The login has checked the password and is about to create its session.
    const paused = pauseAt(world.sessions, 'create');
    const inFlight = login(world, { username: 'alice', password: PASSWORD }, CLIENT).catch(
      (error: unknown) => error,
    );
    await paused.reached;

    await disableUser(world, 'alice', OPERATOR);
    paused.release();

    expect(await inFlight).toBeInstanceOf(InvalidCredentialsError);
    expect(await world.sessions.listByUser(userId)).toEqual([]);
  });

  it('records who, when and why on the user; enable clears the mark and login works again', async () => {
    const { world, session } = await setUp();
    await disableUser(world, 'Alice ', OPERATOR);
    expect(await showUser(world, 'alice')).toMatchObject({
      disabled: true,
      statusChangedAt: world.clock().toISOString(),
      statusChangedBy: OPERATOR.actor,
      statusNote: OPERATOR.note,
      liveSessions: 0,
    });

    world.clock.advance(60);
    const enabled = await enableUser(world, 'alice', { actor: 'root@host' });
    expect(enabled.wasDisabled).toBe(true);
    const shown = await showUser(world, 'alice');
    expect(shown).toMatchObject({ disabled: false, statusChangedBy: 'root@host' });
    expect(shown.statusNote).toBeUndefined();
    await expect(session()).resolves.toBeDefined();
  });

  it('is idempotent: disabling again ends a session left behind and says it was disabled', async () => {
    const { world, session } = await setUp();
    await disableUser(world, 'alice', OPERATOR);
    // A session that somehow survived (e.g. a first run that failed half-way).
    const survivor = await (async () => {
      await enableUser(world, 'alice', OPERATOR);
      const pair = await session();
      await world.users.disable({
        username: 'alice',
        userId: pair.access.claims.sub,
        at: world.clock().toISOString(),
        by: 'x',
      });
      return pair;
    })();

    const again = await disableUser(world, 'alice', OPERATOR);
    expect(again).toMatchObject({ wasDisabled: true, sessionsRevoked: 1 });
    await expectRefused(world, survivor);
  });

  it('says which user is unknown', async () => {
    const { world } = await setUp();
    await expect(disableUser(world, 'carol', OPERATOR)).rejects.toThrow(
      new NotFoundError('No user named "carol".'),
    );
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('reads a user stored before the disabled mark existed as enabled', async () => {
    const { world } = await setUp();
    expect(world.users.items.get('alice')).not.toHaveProperty('disabled');
    expect(await showUser(world, 'alice')).toMatchObject({ disabled: false });
    await expect(
      login(world, { username: 'alice', password: PASSWORD }, CLIENT),
    ).resolves.toBeDefined();
  });
});

describe('showUser', () => {
  it('shows id, creation, status, credentials version and live sessions; lockout when wired', async () => {
    const { world, userId, session } = await setUp();
    await session();
    await session();

    expect(await showUser(world, 'ALICE')).toEqual({
      username: 'alice',
      userId,
      createdAt: world.clock().toISOString(),
      disabled: false,
      credentialsVersion: 0,
      roles: [],
      emailVerified: false,
      mfa: { state: 'off', recoveryCodesLeft: 0 },
      liveSessions: 2,
      lockout: null,
    });

    const lockouts = {
      lockoutOf: jest.fn(async () => ({ failures: 7, lockedUntil: '2026-01-01T00:04:00.000Z' })),
      clear: async () => 0,
    };
    const shown = await showUser({ ...world, lockouts }, 'alice');
    expect(lockouts.lockoutOf).toHaveBeenCalledWith('alice');
    expect(shown.lockout).toEqual({ failures: 7, lockedUntil: '2026-01-01T00:04:00.000Z' });
    const none = await showUser(
      { ...world, lockouts: { lockoutOf: async () => undefined, clear: async () => 0 } },
      'alice',
    );
    expect(none.lockout).toEqual({ failures: 0 });
  });
});

describe('showUser: the e-mail address', () => {
  it('shows the address and whether it is verified', async () => {
    const { world } = await setUp();
    Object.assign(world.users.items.get('alice') ?? {}, {
      email: 'alice@example.com',
      emailVerified: true,
    });

    expect(await showUser(world, 'alice')).toMatchObject({
      email: 'alice@example.com',
      emailVerified: true,
    });
  });
});

describe('lockoutReader (what users show reads in both targets)', () => {
  it('shows the failures recorded by wrong passwords and when the lock ends, then none after it', async () => {
    const { world } = await setUp();
    const lockouts = lockoutReader(world);
    for (let i = 0; i < 5; i++) {
      await expect(
        login(world, { username: 'alice', password: 'wrong password' }, CLIENT),
      ).rejects.toThrow();
    }

    // Five failures, the default threshold: locked for 2^(5-5) = 1 s.
    expect((await showUser({ ...world, lockouts }, 'alice')).lockout).toEqual({
      failures: 5,
      addresses: 1,
      lockedAddresses: 1,
      lockedUntil: new Date(world.clock().getTime() + 1000).toISOString(),
      attemptsThisHour: 5,
    });
    world.clock.advance(2);
    expect(await lockouts.lockoutOf('alice')).toMatchObject({ failures: 5, lockedAddresses: 0 });
  });
});

describe('unlock and the lockout at a password reset', () => {
  async function locked() {
    const { world } = await setUp();
    const lockouts = lockoutReader(world);
    for (let i = 0; i < 5; i++) {
      await expect(
        login(world, { username: 'alice', password: 'wrong password' }, CLIENT),
      ).rejects.toThrow();
    }
    await expect(
      login(world, { username: 'alice', password: PASSWORD }, CLIENT),
    ).rejects.toBeInstanceOf(TooManyRequestsError);
    return { world: { ...world, lockouts } };
  }

  it('users unlock forgets every count and lock of the user: it logs in at once', async () => {
    const { world } = await locked();

    const result = await unlockUser(world, 'Alice', OPERATOR);

    expect(result).toMatchObject({ username: 'alice', countersCleared: 2 });
    await expect(
      login(world, { username: 'alice', password: PASSWORD }, CLIENT),
    ).resolves.toBeDefined();
  });

  it('a password reset clears the lockout too', async () => {
    const { world } = await locked();

    const { password } = await resetPassword(world, 'alice', undefined, OPERATOR);

    await expect(login(world, { username: 'alice', password }, CLIENT)).resolves.toBeDefined();
  });

  it('users unlock where no lockout is tracked says so (503), and an unknown user is 404', async () => {
    const { world } = await setUp();
    await expect(unlockUser(world, 'alice', OPERATOR)).rejects.toBeInstanceOf(UnavailableError);
    await expect(
      unlockUser({ ...world, lockouts: lockoutReader(world) }, 'nobody', OPERATOR),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('sessions', () => {
  it('lists the live sessions newest first', async () => {
    const { world, session } = await setUp();
    const first = await session();
    world.clock.advance(10);
    const second = await session();

    const listed = await listUserSessions(world, 'alice');
    expect(listed.sessions.map((s) => s.sessionId)).toEqual([
      second.access.claims.sid,
      first.access.claims.sid,
    ]);
    expect(listed.sessions[0]).toMatchObject({ ip: CLIENT.ip, userAgent: CLIENT.userAgent });
  });

  it('revokes one session (admin_revoked) and leaves the others; the user may log in again', async () => {
    const { world, userId, session } = await setUp();
    const target = await session();
    const other = await session();

    const result = await revokeUserSessions(
      world,
      'alice',
      { sessionId: target.access.claims.sid },
      OPERATOR,
    );

    expect(result.sessionsRevoked).toBe(1);
    expect(world.revokedTokens.items.get(target.refresh.claims.jti)).toMatchObject({
      reason: 'admin_revoked',
      action: 'revoke_sessions',
      actor: OPERATOR.actor,
    });
    await expectRefused(world, target);
    await expect(authenticateAccessToken(world, other.access.token)).resolves.toBeDefined();
    expect((await world.sessions.listByUser(userId)).length).toBe(1);
    await expect(session()).resolves.toBeDefined();
  });

  it('revokes all sessions and reports progress batch by batch', async () => {
    const { world, userId, session } = await setUp();
    for (let i = 0; i < 70; i++) await session();
    const progress: Array<[number, number]> = [];

    const result = await revokeUserSessions(
      { ...world, onProgress: (done, total) => progress.push([done, total]) },
      'alice',
      { all: true },
      OPERATOR,
    );

    expect(result.sessionsRevoked).toBe(70);
    expect(await world.sessions.listByUser(userId)).toEqual([]);
    expect(progress).toEqual([
      [64, 70],
      [70, 70],
    ]);
  });

  it('answers not found for a session that is not the user’s', async () => {
    const { world } = await setUp();
    const bobs = await login(world, { username: 'bob', password: PASSWORD }, CLIENT);
    await expect(
      revokeUserSessions(world, 'alice', { sessionId: bobs.access.claims.sid }, OPERATOR),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(authenticateAccessToken(world, bobs.access.token)).resolves.toBeDefined();
  });
});

describe('resetPassword', () => {
  it('sets a generated password, ends every session and bumps the credentials version', async () => {
    const { world, session } = await setUp();
    const before = await session();

    const result = await resetPassword(world, 'alice', undefined, OPERATOR);

    expect(result.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(result.sessionsRevoked).toBe(1);
    expect(world.users.items.get('alice')?.credentialsVersion).toBe(1);
    expect(world.revokedTokens.items.get(before.access.claims.jti)).toMatchObject({
      reason: 'admin_revoked',
      action: 'reset_password',
    });
    await expectRefused(world, before);
    await expect(
      login(world, { username: 'alice', password: PASSWORD }, CLIENT),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(
      login(world, { username: 'alice', password: result.password }, CLIENT),
    ).resolves.toBeDefined();
  });

  it('takes a given password, refusing one the password policy refuses (a common one too) without changing anything', async () => {
    const { world } = await setUp();
    const hash = world.users.items.get('alice')?.passwordHash;
    for (const refused of ['short', 'password123']) {
      await expect(resetPassword(world, 'alice', refused, OPERATOR)).rejects.toBeInstanceOf(
        InvalidRequestError,
      );
    }
    expect(world.users.items.get('alice')?.passwordHash).toBe(hash);

    await resetPassword(world, 'alice', 'a chosen new password', OPERATOR);
    await expect(
      login(world, { username: 'alice', password: 'a chosen new password' }, CLIENT),
    ).resolves.toBeDefined();
  });

  it('goes through a password change that lands between its read and its write', async () => {
    const { world } = await setUp();
    const paused = pauseAt(world.users, 'changePassword');
    const reset = resetPassword(world, 'alice', 'the operator password', OPERATOR);
    await paused.reached;
    const user = world.users.items.get('alice');
    await world.users.rehashPassword({
      username: 'alice',
      userId: user?.userId as string,
      previousHash: user?.passwordHash as string,
      passwordHash: await world.passwords.hash(PASSWORD),
    });
    paused.release();

    await reset;
    await expect(
      login(world, { username: 'alice', password: 'the operator password' }, CLIENT),
    ).resolves.toBeDefined();
  });
});

describe('showRevocation', () => {
  it('shows the item with its audit fields, and an old item without them', async () => {
    const { world, session } = await setUp();
    const pair = await session();
    await disableUser(world, 'alice', OPERATOR);

    expect(await showRevocation(world, pair.access.claims.jti)).toMatchObject({
      jti: pair.access.claims.jti,
      reason: 'user_disabled',
      actor: OPERATOR.actor,
      tokenUse: 'access',
    });

    await world.revokedTokens.revoke({
      jti: 'old-item',
      sub: 'u',
      sid: 's',
      tokenUse: 'refresh',
      reason: 'logout',
      expiresAt: 1,
      revokedAt: '2025-01-01T00:00:00.000Z',
    });
    const old = await showRevocation(world, 'old-item');
    expect(old.actor).toBeUndefined();
    await expect(showRevocation(world, 'never-revoked')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('audit log', () => {
  it('writes one structured line per action with the operator, the reason and the user', async () => {
    const { world, userId, session } = await setUp();
    await session();
    logLines.mockClear();
    await disableUser(world, 'alice', OPERATOR);
    const lines = logLines.mock.calls.map((call) => String(call[0]));
    const entries = lines
      .map((line) => JSON.parse(line))
      .filter((e) => e.message === 'admin action');
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'INFO',
        action: 'disable_user',
        actor: OPERATOR.actor,
        note: OPERATOR.note,
        username: 'alice',
        sub: userId,
        sessionsRevoked: 1,
      }),
    ]);
  });
});

describe('the audit record', () => {
  it('keeps who, when, what and why of every change, even a reset of a user with no sessions', async () => {
    const { world: base, userId } = await setUp();
    const world = { ...base, lockouts: lockoutReader(base) };

    await resetPassword(world, 'alice', undefined, OPERATOR);
    world.clock.advance(60);
    await disableUser(world, 'alice', OPERATOR);
    await enableUser(world, 'alice', { ...OPERATOR, note: 'ticket 42 closed' });
    await revokeUserSessions(world, 'alice', { all: true }, OPERATOR);
    await unlockUser(world, 'alice', OPERATOR);
    await revokeUserSessions(world, 'bob', { all: true }, OPERATOR);

    const records = await listAudit(world, { limit: 50, rawName: 'ALICE' });
    expect(records.map((record) => record.action)).toEqual([
      'unlock_user',
      'revoke_sessions',
      'enable_user',
      'disable_user',
      'reset_password',
    ]);
    expect(records.at(-1)).toEqual({
      at: FROZEN_NOW.toISOString(),
      actor: OPERATOR.actor,
      action: 'reset_password',
      username: 'alice',
      userId,
      note: OPERATOR.note,
    });
    expect(records[1]?.details).toEqual({ sessions: 'all' });
    expect(records[2]?.note).toBe('ticket 42 closed');
    expect(await listAudit(world, { limit: 2 })).toHaveLength(2);
  });

  it('records before acting: when the record cannot be written, nothing changes', async () => {
    const { world, session } = await setUp();
    const pair = await session();
    world.auditLog.failing = true;

    await expect(disableUser(world, 'alice', OPERATOR)).rejects.toBeInstanceOf(UnavailableError);
    await expect(resetPassword(world, 'alice', undefined, OPERATOR)).rejects.toBeInstanceOf(
      UnavailableError,
    );

    expect((await showUser(world, 'alice')).disabled).toBe(false);
    await expect(authenticateAccessToken(world, pair.access.token)).resolves.toBeDefined();
    await expect(
      login(world, { username: 'alice', password: PASSWORD }, CLIENT),
    ).resolves.toBeDefined();
  });
});

/** Alice enrolled in TOTP from the session `pair` (the only one left): her recovery codes. */
async function enrol(world: DomainWorld, pair: TokenPair, { confirm = true } = {}) {
  const caller = {
    userId: pair.access.claims.sub,
    username: 'alice',
    sessionId: pair.access.claims.sid,
  };
  const { secret } = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);
  if (!confirm) return { recoveryCodes: [] };
  const code = totpCode(Secret.fromBase32(secret).bytes, timeStep(world.clock()));
  return confirmTotpEnrolment(world, caller, code, CLIENT);
}

describe('showUser: the second factor', () => {
  it('shows off, pending since its start, or on since its confirmation with the recovery codes left', async () => {
    const { world, session } = await setUp();
    const pair = await session();
    expect((await showUser(world, 'alice')).mfa).toEqual({ state: 'off', recoveryCodesLeft: 0 });

    await enrol(world, pair, { confirm: false });
    const began = world.clock().toISOString();
    expect((await showUser(world, 'alice')).mfa).toEqual({
      state: 'pending',
      since: began,
      recoveryCodesLeft: 0,
    });

    world.clock.advance(60);
    const { recoveryCodes } = await enrol(world, pair);
    const confirmed = world.clock().toISOString();
    expect((await showUser(world, 'alice')).mfa).toEqual({
      state: 'active',
      since: confirmed,
      recoveryCodesLeft: 10,
    });
    const user = world.users.items.get('alice');
    await world.mfa.useRecoveryCode(
      user as NonNullable<typeof user>,
      Object.keys(user?.recoveryCodes ?? {})[0] as string,
    );
    expect((await showUser(world, 'alice')).mfa.recoveryCodesLeft).toBe(recoveryCodes.length - 1);
  });
});

describe('resetMfa', () => {
  it('removes the factor and its recovery codes, ends every session (admin_revoked) and is audited', async () => {
    const { world, userId, session } = await setUp();
    const pair = await session();
    await enrol(world, pair);
    const version = world.users.items.get('alice')?.credentialsVersion ?? 0;
    const bobs = await login(world, { username: 'bob', password: PASSWORD }, CLIENT);

    const result = await resetMfa(world, 'ALICE', OPERATOR);

    expect(result).toEqual({
      username: 'alice',
      userId,
      previous: { state: 'active', since: world.clock().toISOString(), recoveryCodesLeft: 10 },
      sessionsRevoked: 1,
    });
    const user = world.users.items.get('alice');
    expect(user?.totp).toBeUndefined();
    expect(user?.recoveryCodes).toBeUndefined();
    // A login waiting for its code (and any login in flight) gives up.
    expect(user?.credentialsVersion).toBe(version + 1);
    for (const token of [pair.access, pair.refresh]) {
      expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
        reason: 'admin_revoked',
        action: 'reset_mfa',
        actor: OPERATOR.actor,
        note: OPERATOR.note,
      });
    }
    await expectRefused(world, pair);
    await expect(authenticateAccessToken(world, bobs.access.token)).resolves.toBeDefined();
    const [record] = await listAudit(world, { limit: 1 });
    expect(record).toEqual({
      at: world.clock().toISOString(),
      actor: OPERATOR.actor,
      action: 'reset_mfa',
      username: 'alice',
      userId,
      note: OPERATOR.note,
      details: { mfa: 'active' },
    });

    // The password alone logs in again, and the user may enrol anew.
    const next = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);
    await expect(enrol(world, next)).resolves.toMatchObject({
      recoveryCodes: expect.any(Array),
    });
  });

  it('removes a pending enrolment too; on a user without a factor it still ends the sessions', async () => {
    const { world, session } = await setUp();
    const pending = await session();
    await enrol(world, pending, { confirm: false });

    const first = await resetMfa(world, 'alice', OPERATOR);
    expect(first.previous.state).toBe('pending');
    expect(world.users.items.get('alice')?.totp).toBeUndefined();
    await expectRefused(world, pending);

    const left = await session();
    const again = await resetMfa(world, 'alice', OPERATOR);
    expect(again).toMatchObject({
      previous: { state: 'off', recoveryCodesLeft: 0 },
      sessionsRevoked: 1,
    });
    await expectRefused(world, left);
  });

  it('goes through an enrolment that replaces the pending secret between its read and its write', async () => {
    const { world, session } = await setUp();
    const pair = await session();
    await enrol(world, pair, { confirm: false });
    const paused = pauseAt(world.mfa, 'removeTotp');
    const reset = resetMfa(world, 'alice', OPERATOR);
    await paused.reached;
    await enrol(world, pair, { confirm: false });
    paused.release();

    await reset;
    expect(world.users.items.get('alice')?.totp).toBeUndefined();
  });

  it('says which user is unknown, and records nothing', async () => {
    const { world } = await setUp();
    await expect(resetMfa(world, 'carol', OPERATOR)).rejects.toBeInstanceOf(NotFoundError);
    expect(await listAudit(world, { limit: 5 })).toEqual([]);
  });
});
