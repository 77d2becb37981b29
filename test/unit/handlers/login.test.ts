/**
 * POST /auth/login, the HTTP mapping: the body read and validated, the token
 * body and its headers, the refusals as statuses. The login rules themselves
 * are tested on the fakes (test/unit/auth/login.test.ts).
 */
import { newId } from '../../../lambdas/clock';
import { errorBody, tokensBody } from '../../../lambdas/contract/bodies';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createLoginHandler } from '../../../lambdas/http/routes/login';
import { fakeRuntime, unavailable } from '../../support/fake-runtime';
import { decodeJwt } from '../../support/keys';
import { call, freshEachTest, proxyEvent, quietLogs, userWithPassword } from './harness';

quietLogs();

const alice = userWithPassword('correct horse');
const fake = freshEachTest(fakeRuntime);
const handler = freshEachTest(() => createLoginHandler(fake.runtime));

beforeEach(() => fake.world.users.create(alice));

const login = (body: unknown) => call(handler, proxyEvent({ body }));

describe('login handler', () => {
  it('returns 200 with the token body, no-store and nosniff, for the normalised name', async () => {
    const response = await login({ username: ' Alice ', password: 'correct horse' });

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      ...SECURITY_HEADERS,
    });
    const body = tokensBody.parse(response.json);
    expect(body).toMatchObject({ expires_in: 900, refresh_expires_in: 30 * 24 * 3600 });
    expect(decodeJwt(body.access_token).payload).toMatchObject({
      sub: alice.userId,
      username: 'alice',
    });
    // The client as API Gateway saw it goes into the session.
    expect([...fake.world.sessions.items.values()]).toEqual([
      expect.objectContaining({ ip: '203.0.113.7', userAgent: 'jest-agent/1.0' }),
    ]);
  });

  it('looks a name up under the legacy normalisation when the current one finds nobody', async () => {
    await fake.world.users.create({ ...alice, userId: newId(), username: ' \u0308bob' });

    const response = await login({ username: '\u00a8bob', password: 'correct horse' });

    expect(response.status).toBe(200);
  });

  it('returns the same 401 invalid_credentials, without a challenge, for an unknown user and a wrong password', async () => {
    const wrongPassword = await login({ username: 'alice', password: 'wrong horse' });
    const unknownUser = await login({ username: 'mallory', password: 'correct horse' });

    expect(wrongPassword.status).toBe(401);
    expect(errorBody.parse(wrongPassword.json)).toEqual({
      error: 'invalid_credentials',
      message: ERROR_MESSAGES.invalidCredentials,
    });
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.body).toBe(wrongPassword.body);
    expect(wrongPassword.headers['WWW-Authenticate']).toBeUndefined();
    expect(fake.world.sessions.items.size).toBe(0);
    // Both attempts count on the lockout pair of the name tried, known or not, and the address.
    expect(fake.calls.filter((name) => name === 'loginAttempts.admitPair')).toHaveLength(2);
    expect(fake.world.loginAttempts.pair('mallory', '203.0.113.7')?.attempts).toBe(1);
  });

  it('returns 429 too_many_requests with Retry-After for a locked pair, before hashing', async () => {
    // Seven failures from this address, the last one now: locked for 2^(7-5) = 4 s.
    const now = fake.world.clock().getTime();
    fake.world.loginAttempts.pairs.set('alice|203.0.113.7', {
      attempts: 7,
      attemptIds: new Set(),
      lastAttemptAt: now,
      lockedUntil: now + 4000,
      expiresAt: now / 1000 + 3600,
    });

    const response = await login({ username: 'Alice', password: 'correct horse' });

    expect(response.status).toBe(429);
    expect(errorBody.parse(response.json)).toEqual({
      error: 'too_many_requests',
      message: ERROR_MESSAGES.accountLocked,
    });
    expect(response.headers).toMatchObject({ 'Retry-After': '4' });
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(fake.world.loginAttempts.pair('alice', '203.0.113.7')?.attempts).toBe(7);
    expect(fake.world.sessions.items.size).toBe(0);
  });

  it.each([
    ['malformed JSON', 'not json'],
    ['a missing password', { username: 'alice' }],
    ['a boolean password', { username: 'alice', password: true }],
    ['a name no account can have', { username: 'a'.repeat(65), password: 'correct horse' }],
    ['a body over 16 KiB', { username: 'alice', password: 'p'.repeat(20_000) }],
  ])('returns 400 invalid_request and reads or writes nothing for %s', async (_, body) => {
    const response = await login(body);

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 unavailable when the Users table cannot be read', async () => {
    unavailable(fake.world.users, 'find');

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(503);
    expect(response.json).toEqual({ error: 'unavailable', message: ERROR_MESSAGES.unavailable });
    expect(fake.world.sessions.items.size).toBe(0);
  });

  it('returns 500 internal_error without internals for a corrupt stored hash', async () => {
    fake.world.users.items.set('alice', { ...alice, passwordHash: 'md5$deadbeef' });

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: 'internal_error',
      message: ERROR_MESSAGES.internalError,
    });
    expect(response.body).not.toMatch(/hash|format|md5/i);
  });
});
