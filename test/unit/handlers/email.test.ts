/**
 * The e-mail routes and register's `email`, the HTTP mapping: 202 with the
 * stored address, 204 for a verification, 400 `invalid_grant` for a bad
 * token, 404 for both routes where e-mail is off, and register refusing an
 * address there. The rules are specified on the fakes (test/unit/auth/email.test.ts).
 */

import { emailStateBody, errorBody } from '../../../lambdas/contract/bodies';
import { EMAIL_ENV } from '../../../lambdas/email-config';
import { createEmailChangeHandler } from '../../../lambdas/http/routes/email-change';
import { createEmailVerifyHandler } from '../../../lambdas/http/routes/email-verify';
import { createRegisterHandler } from '../../../lambdas/http/routes/register';
import { type FakeRuntime, fakeRuntime, TEST_LINK_BASE_URL } from '../../support/fake-runtime';
import { tokenOfLink } from '../../support/fakes';
import { call, proxyEvent, quietLogs } from './harness';

quietLogs();

const PASSWORD = 'a long enough passphrase';
const OFF = { [EMAIL_ENV.emailFrom]: '' };

async function registered(fake: FakeRuntime, email?: string) {
  const response = await call(
    createRegisterHandler(fake.runtime),
    proxyEvent({ body: { username: 'alice', password: PASSWORD, ...(email ? { email } : {}) } }),
  );
  expect(response.status).toBe(201);
  return response.json as { user_id: string };
}

const callerOf = (userId: string) => ({
  sub: userId,
  sid: 'AAAAAAAAAAAAAAAAAAAAAA',
  jti: 'BBBBBBBBBBBBBBBBBBBBBB',
  username: 'alice',
  exp: '2000000000',
});

describe('register with an email', () => {
  it('stores the address unverified and sends its link to the configured page', async () => {
    const fake = await fakeRuntime();

    await registered(fake, 'Alice@Example.com');

    expect(fake.world.users.items.get('alice')).toMatchObject({
      email: 'Alice@example.com',
      emailVerified: false,
    });
    expect(fake.world.mail.linkTo('Alice@example.com')).toMatch(
      new RegExp(`^${TEST_LINK_BASE_URL}\\?token=`),
    );
  });

  it('answers an address another account holds verified like any other, and notifies its owner instead', async () => {
    const fake = await fakeRuntime();
    const register = createRegisterHandler(fake.runtime);
    const signUp = (username: string, email: string) =>
      call(register, proxyEvent({ body: { username, password: PASSWORD, email } }));
    await signUp('bob', 'bob@example.com');
    const verified = await call(
      createEmailVerifyHandler(fake.runtime),
      proxyEvent({ body: { token: tokenOfLink(fake.world.mail.linkTo('bob@example.com')) } }),
    );
    expect(verified.status).toBe(204);
    fake.world.mail.sent.length = 0;

    const clash = await signUp('mallory', 'bob@example.com');
    const fresh = await signUp('carol', 'carol@example.com');

    expect(clash.status).toBe(201);
    expect(fresh.status).toBe(201);
    expect(Object.keys(clash.json as object).sort()).toEqual(
      Object.keys(fresh.json as object).sort(),
    );
    const [notice, link] = fake.world.mail.sent;
    expect(notice).toMatchObject({ to: 'bob@example.com' });
    expect(notice?.link).toBeUndefined();
    expect(link).toMatchObject({ to: 'carol@example.com' });
    expect(link?.link).toBeDefined();
    expect(fake.world.users.items.get('mallory')).toMatchObject({
      email: 'bob@example.com',
      emailVerified: false,
    });
    expect(fake.world.users.items.get('bob')).toMatchObject({ emailVerified: true });
  });

  it('returns 400 and creates nothing for a bad address', async () => {
    const fake = await fakeRuntime();

    const response = await call(
      createRegisterHandler(fake.runtime),
      proxyEvent({ body: { username: 'alice', password: PASSWORD, email: 'not an address' } }),
    );

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json)).toMatchObject({ error: 'invalid_request' });
    expect(fake.world.users.items.size).toBe(0);
  });

  it('returns 400 where e-mail is off, and creates nothing', async () => {
    const fake = await fakeRuntime(OFF);

    const response = await call(
      createRegisterHandler(fake.runtime),
      proxyEvent({ body: { username: 'alice', password: PASSWORD, email: 'a@example.com' } }),
    );

    expect(response.status).toBe(400);
    expect(fake.world.users.items.size).toBe(0);
  });
});

describe('POST /auth/email', () => {
  it('returns 202 with the normalised address, unverified', async () => {
    const fake = await fakeRuntime();
    const { user_id } = await registered(fake);

    const response = await call(
      createEmailChangeHandler(fake.runtime),
      proxyEvent({
        authorizer: callerOf(user_id),
        body: { email: 'alice@EXAMPLE.com', current_password: PASSWORD },
      }),
    );

    expect(response.status).toBe(202);
    expect(emailStateBody.parse(response.json)).toEqual({
      email: 'alice@example.com',
      email_verified: false,
    });
  });

  it('returns 401 invalid_credentials for a wrong current password', async () => {
    const fake = await fakeRuntime();
    const { user_id } = await registered(fake);

    const response = await call(
      createEmailChangeHandler(fake.runtime),
      proxyEvent({
        authorizer: callerOf(user_id),
        body: { email: 'alice@example.com', current_password: 'wrong one' },
      }),
    );

    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_credentials' });
    expect(response.headers?.['WWW-Authenticate']).toBeUndefined();
  });
});

describe('POST /auth/email/verify', () => {
  it('returns 204, then 400 invalid_grant for the same token', async () => {
    const fake = await fakeRuntime();
    await registered(fake, 'alice@example.com');
    const token = tokenOfLink(fake.world.mail.linkTo('alice@example.com'));
    const verify = createEmailVerifyHandler(fake.runtime);

    const first = await call(verify, proxyEvent({ body: { token } }));
    const again = await call(verify, proxyEvent({ body: { token } }));

    expect(first.status).toBe(204);
    expect(again.status).toBe(400);
    expect(errorBody.parse(again.json)).toEqual({
      error: 'invalid_grant',
      message: 'The token is invalid, used or expired.',
    });
  });

  it('returns 400 invalid_request without a token', async () => {
    const fake = await fakeRuntime();

    const response = await call(createEmailVerifyHandler(fake.runtime), proxyEvent({ body: {} }));

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_request' });
  });
});

describe('where e-mail is off', () => {
  it.each([
    ['POST /auth/email', createEmailChangeHandler],
    ['POST /auth/email/verify', createEmailVerifyHandler],
  ])('%s does not exist: 404 not_found', async (_route, create) => {
    const fake = await fakeRuntime(OFF);

    const response = await call(create(fake.runtime), proxyEvent({ body: { token: 'x' } }));

    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error: 'not_found' });
    expect(fake.calls).toEqual([]);
  });
});
