/**
 * POST /auth/password, the HTTP mapping: 204, 401 invalid_credentials without
 * a challenge, 400, 503. The rules (new hash, other sessions revoked, the
 * caller's kept, a concurrent change winning) are tested on the fakes
 * (test/unit/auth/change-password.test.ts).
 */
import { COMMON_PASSWORD_PROBLEM } from '../../../lambdas/auth/credentials-rules';
import { newId } from '../../../lambdas/clock';
import { errorBody } from '../../../lambdas/contract/bodies';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createChangePasswordHandler } from '../../../lambdas/http/routes/change-password';
import {
  authorizerContextOf,
  fakeRuntime,
  storedSession,
  unavailable,
} from '../../support/fake-runtime';
import { call, freshEachTest, proxyEvent, quietLogs, userWithPassword } from './harness';

quietLogs();

const user = userWithPassword('old password');
const fake = freshEachTest(fakeRuntime);
const handler = freshEachTest(() => createChangePasswordHandler(fake.runtime));

beforeEach(() => fake.world.users.create(user));

/** Two live sessions of the user; the handler is called from `current`. */
async function setup() {
  const subject = { sub: user.userId, username: 'alice' };
  const current = await storedSession(fake.world, { ...subject, sid: newId() });
  const other = await storedSession(fake.world, { ...subject, sid: newId() });
  return { current, other };
}

const change = (context: Record<string, string>, body: unknown) =>
  call(handler, proxyEvent({ authorizer: context, body }));

describe('change-password handler', () => {
  it('returns 204 with no body, for the caller of the authorizer context', async () => {
    const { current, other } = await setup();

    const response = await change(authorizerContextOf(current), {
      current_password: 'old password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers).toEqual(SECURITY_HEADERS);
    const stored = await fake.world.users.find('alice');
    expect(await fake.world.passwords.verify('new password!', stored?.passwordHash ?? '')).toBe(
      true,
    );
    // The other session ends; the caller's stays.
    expect(await fake.world.sessions.get(user.userId, other.access.claims.sid)).toBeUndefined();
    expect(await fake.world.sessions.get(user.userId, current.access.claims.sid)).toBeDefined();
  });

  it('returns 401 invalid_credentials without WWW-Authenticate for a wrong current password', async () => {
    const { current } = await setup();

    const response = await change(authorizerContextOf(current), {
      current_password: 'not my password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: 'invalid_credentials',
      message: ERROR_MESSAGES.wrongCurrentPassword,
    });
    expect(response.headers['WWW-Authenticate']).toBeUndefined();
    // The attempt is counted on the caller's lockout pair; the user is not touched.
    expect(fake.world.loginAttempts.pair('alice', '203.0.113.7')?.attempts).toBe(1);
    expect(await fake.world.users.find('alice')).toEqual(user);
  });

  it('returns 429 too_many_requests with Retry-After while the pair is locked, reading no user', async () => {
    const { current } = await setup();
    // Six failures from this address, the last one now: locked for 2^(6-5) = 2 s.
    const now = fake.world.clock().getTime();
    fake.world.loginAttempts.pairs.set('alice|203.0.113.7', {
      attempts: 6,
      attemptIds: new Set(),
      lastAttemptAt: now,
      lockedUntil: now + 2000,
      expiresAt: now / 1000 + 3600,
    });

    const response = await change(authorizerContextOf(current), {
      current_password: 'old password',
      new_password: 'a brand new passphrase',
    });

    expect(response.status).toBe(429);
    expect(errorBody.parse(response.json)).toEqual({
      error: 'too_many_requests',
      message: ERROR_MESSAGES.accountLocked,
    });
    expect(response.headers['Retry-After']).toBe('2');
    expect(fake.calls).not.toContain('users.find');
  });

  it.each([
    ['malformed JSON', '{"current_password": "old password"'],
    ['a missing new_password', { current_password: 'old password' }],
    [
      'a new password of 7 characters',
      { current_password: 'old password', new_password: 'short12' },
    ],
    [
      'a new password with an unpaired surrogate',
      { current_password: 'old password', new_password: 'password \udfff' },
    ],
    ['a numeric current_password', { current_password: 12345678, new_password: 'new password!' }],
  ])('returns 400 invalid_request and touches nothing for %s', async (_, body) => {
    const { current } = await setup();

    const response = await change(authorizerContextOf(current), body);

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(fake.calls).toEqual([]);
  });

  it('refuses a common new password with a 400 that says why, before checking anything', async () => {
    const { current } = await setup();

    const response = await change(authorizerContextOf(current), {
      current_password: 'old password',
      new_password: 'TrustNo1',
    });

    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'invalid_request',
      message: `Invalid field "new_password": ${COMMON_PASSWORD_PROBLEM}`,
    });
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 unavailable when the user cannot be read', async () => {
    const { current } = await setup();
    unavailable(fake.world.users, 'find');

    const response = await change(authorizerContextOf(current), {
      current_password: 'old password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(503);
    expect(fake.world.users.items.get('alice')).toEqual(user);
  });
});
