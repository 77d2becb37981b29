/**
 * POST /auth/register, the HTTP mapping: 201 with the normalised name, 400
 * with nothing written, 409, 503, and 404 when signup is closed. The
 * registration rules are tested on the fakes (test/unit/auth/register.test.ts)
 * and the name rules in test/unit/contract/requests.test.ts.
 */

import { COMMON_PASSWORD_PROBLEM } from '../../../lambdas/auth/credentials-rules';
import { ENV } from '../../../lambdas/config';
import { errorBody, registeredBody } from '../../../lambdas/contract/bodies';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createRegisterHandler } from '../../../lambdas/http/routes/register';
import { fakeRuntime, unavailable } from '../../support/fake-runtime';
import { call, freshEachTest, proxyEvent, quietLogs } from './harness';

quietLogs();

const fake = freshEachTest(fakeRuntime);
const handler = freshEachTest(() => createRegisterHandler(fake.runtime));

const register = (body: unknown, headers?: Record<string, string>) =>
  call(handler, proxyEvent({ body, ...(headers ? { headers } : {}) }));

describe('register handler', () => {
  it('returns 201 with the user id and the normalised username', async () => {
    const response = await register({ username: '  ＡＬＩＣＥ ', password: 'correct horse' });

    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      ...SECURITY_HEADERS,
    });
    const body = registeredBody.parse(response.json);
    expect(body.username).toBe('alice');
    expect([...fake.world.users.items.values()]).toEqual([
      expect.objectContaining({ username: 'alice', userId: body.user_id }),
    ]);
  });

  it.each([
    ['malformed JSON', '{"username": "alice",'],
    ['a JSON array', '[1, 2]'],
    ['a missing password', { username: 'alice' }],
    ['a missing username', { password: 'long enough' }],
    ['a number as username', { username: 42, password: 'long enough' }],
    ['a username of 2 characters', { username: ' Al ', password: 'long enough' }],
    ['a username of 65 characters', { username: 'a'.repeat(65), password: 'long enough' }],
    ['a username with a zero-width space', { username: 'al\u200bice', password: 'long enough' }],
    ['a password of 7 characters', { username: 'alice', password: '1234567' }],
    ['a password of 257 characters', { username: 'alice', password: 'p'.repeat(257) }],
    ['a password with an unpaired surrogate', { username: 'alice', password: 'password \ud800' }],
    ['a body over 16 KiB', { username: 'alice', password: 'long enough', pad: 'x'.repeat(17000) }],
  ])('returns 400 invalid_request and writes nothing for %s', async (_, body) => {
    const response = await register(body);

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(fake.calls).toEqual([]);
  });

  it.each(['password1', 'Password123', 'iloveyou', 'QWERTYUIOP'])(
    'refuses the common password %s with a 400 that says why, writing nothing',
    async (password) => {
      const response = await register({ username: 'alice', password });

      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        error: 'invalid_request',
        message: `Invalid field "password": ${COMMON_PASSWORD_PROBLEM}`,
      });
      expect(fake.calls).toEqual([]);
    },
  );

  it('names the offending field in the 400 message', async () => {
    const response = await register({ username: 'alice', password: 12345678 });

    expect(response.json).toEqual({
      error: 'invalid_request',
      message: 'Invalid field "password": Invalid input: expected string, received number',
    });
  });

  it('returns 400 when the body is not sent as JSON', async () => {
    const response = await register('username=alice&password=long+enough', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });

    expect(response.status).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it('returns 409 username_taken when the name exists', async () => {
    await register({ username: 'alice', password: 'long enough' });

    const response = await register({ username: 'Alice', password: 'long enough' });

    expect(response.status).toBe(409);
    expect(errorBody.parse(response.json).error).toBe('username_taken');
  });

  it('returns 503 unavailable without internals when DynamoDB cannot be reached', async () => {
    unavailable(fake.world.users, 'create');

    const response = await register({ username: 'alice', password: 'long enough' });

    expect(response.status).toBe(503);
    expect(errorBody.parse(response.json).error).toBe('unavailable');
    expect(response.body).not.toMatch(/ECONNREFUSED|DynamoDB|PutItem/);
    expect(fake.world.users.items.size).toBe(0);
  });
});

describe('register handler with SIGNUP_OPEN=false', () => {
  it('returns 404 not_found and writes nothing', async () => {
    const closed = await fakeRuntime({ [ENV.signupOpen]: 'false' });

    const response = await call(
      createRegisterHandler(closed.runtime),
      proxyEvent({ body: { username: 'alice', password: 'long enough' } }),
    );

    expect(response.status).toBe(404);
    expect(errorBody.parse(response.json).error).toBe('not_found');
    expect(closed.calls).toEqual([]);
  });
});
