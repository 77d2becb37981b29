/**
 * Forgot password and reset, the HTTP mapping: 202 with one fixed body
 * whatever the account, 204 for a reset, 400 `invalid_grant` for a bad token,
 * 400 `invalid_request` for a body that names no account or both ways, 404
 * where e-mail is off. The rules are specified on the fakes
 * (test/unit/auth/password-reset.test.ts).
 */
import { errorBody, forgotAcceptedBody } from '../../../lambdas/contract/bodies';
import { EMAIL_ENV } from '../../../lambdas/email-config';
import { createEmailVerifyHandler } from '../../../lambdas/http/routes/email-verify';
import { createPasswordForgotHandler } from '../../../lambdas/http/routes/password-forgot';
import { createPasswordResetHandler } from '../../../lambdas/http/routes/password-reset';
import { createRegisterHandler } from '../../../lambdas/http/routes/register';
import { type FakeRuntime, fakeRuntime } from '../../support/fake-runtime';
import { tokenOfLink } from '../../support/fakes';
import { call, proxyEvent, quietLogs } from './harness';

quietLogs();

const PASSWORD = 'a long enough passphrase';
const ADDRESS = 'alice@example.com';

/** alice, with her address verified; the outbox emptied. */
async function verifiedAlice(fake: FakeRuntime) {
  await call(
    createRegisterHandler(fake.runtime),
    proxyEvent({ body: { username: 'alice', password: PASSWORD, email: ADDRESS } }),
  );
  const token = tokenOfLink(fake.world.mail.linkTo(ADDRESS));
  await call(createEmailVerifyHandler(fake.runtime), proxyEvent({ body: { token } }));
  fake.world.mail.sent.length = 0;
}

const forgot = (fake: FakeRuntime, body: unknown) =>
  call(createPasswordForgotHandler(fake.runtime), proxyEvent({ body }));

describe('POST /auth/password/forgot', () => {
  it.each([
    ['the username, as typed at login', { username: ' Alice ' }, 1],
    ['the address', { email: 'alice@EXAMPLE.com' }, 1],
    ['an unknown username', { username: 'nobody' }, 0],
    ['an unknown address', { email: 'nobody@example.com' }, 0],
  ])('answers 202 with the one fixed body for %s', async (_case, body, sent) => {
    const fake = await fakeRuntime();
    await verifiedAlice(fake);

    const response = await forgot(fake, body);

    expect(response.status).toBe(202);
    expect(forgotAcceptedBody.parse(response.json)).toEqual({
      message:
        'If the account has a verified e-mail address, a link to reset its password was sent to it.',
    });
    expect(fake.world.mail.sent).toHaveLength(sent);
  });

  it('answers no sooner than the configured response-time floor, whatever the account', async () => {
    const fake = await fakeRuntime({ [EMAIL_ENV.passwordForgotMinResponseMs]: '1200' });
    await verifiedAlice(fake);
    const elapsed = [];
    for (const body of [{ username: 'alice' }, { username: 'nobody' }]) {
      const started = fake.world.clock().getTime();
      expect((await forgot(fake, body)).status).toBe(202);
      elapsed.push(fake.world.clock().getTime() - started);
    }

    // The manual clock moves only by the floor's wait: both answers take exactly the floor.
    expect(elapsed).toEqual([1200, 1200]);
    expect(fake.world.mail.sent).toHaveLength(1);
  });

  it.each([
    ['neither field', {}],
    ['both fields', { username: 'alice', email: ADDRESS }],
    ['a malformed address', { email: 'not an address' }],
  ])('answers 400 invalid_request for %s, and sends nothing', async (_case, body) => {
    const fake = await fakeRuntime();
    await verifiedAlice(fake);

    const response = await forgot(fake, body);

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json)).toMatchObject({ error: 'invalid_request' });
    expect(fake.world.mail.sent).toEqual([]);
  });
});

describe('the limits of forgot and verify', () => {
  it('answers the 6th forgot request naming one account within the hour 429 with Retry-After', async () => {
    const fake = await fakeRuntime();
    await verifiedAlice(fake);
    for (let i = 0; i < 5; i += 1) {
      expect((await forgot(fake, { username: 'alice' })).status).toBe(202);
    }

    const refused = await forgot(fake, { username: 'alice' });

    expect(refused.status).toBe(429);
    expect(errorBody.parse(refused.json)).toMatchObject({ error: 'too_many_requests' });
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('answers verification tries from one client beyond its limit 429', async () => {
    const fake = await fakeRuntime({ RECOVERY_LIMIT_PER_CLIENT_PER_HOUR: '2' });
    const verify = createEmailVerifyHandler(fake.runtime);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await call(verify, proxyEvent({ body: { token: 'A'.repeat(43) } }))).status);
    }

    expect(statuses).toEqual([400, 400, 429]);
  });
});

describe('POST /auth/password/reset', () => {
  it('answers 204, then 400 invalid_grant for the same token', async () => {
    const fake = await fakeRuntime();
    await verifiedAlice(fake);
    await forgot(fake, { username: 'alice' });
    const token = tokenOfLink(fake.world.mail.linkTo(ADDRESS));
    const reset = createPasswordResetHandler(fake.runtime);
    const body = { token, new_password: 'a brand new passphrase' };

    const first = await call(reset, proxyEvent({ body }));
    const again = await call(reset, proxyEvent({ body }));

    expect(first.status).toBe(204);
    expect(again.status).toBe(400);
    expect(errorBody.parse(again.json)).toEqual({
      error: 'invalid_grant',
      message: 'The token is invalid, used or expired.',
    });
  });

  it('answers 400 invalid_request for a new password the policy refuses', async () => {
    const fake = await fakeRuntime();
    await verifiedAlice(fake);
    await forgot(fake, { username: 'alice' });
    const token = tokenOfLink(fake.world.mail.linkTo(ADDRESS));

    const response = await call(
      createPasswordResetHandler(fake.runtime),
      proxyEvent({ body: { token, new_password: 'password123' } }),
    );

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).message).toContain('"new_password"');
  });
});

describe('where e-mail is off', () => {
  it.each([
    ['POST /auth/password/forgot', createPasswordForgotHandler],
    ['POST /auth/password/reset', createPasswordResetHandler],
  ])('%s does not exist: 404 not_found', async (_route, create) => {
    const fake = await fakeRuntime({ [EMAIL_ENV.emailFrom]: '' });

    const response = await call(create(fake.runtime), proxyEvent({ body: { username: 'alice' } }));

    expect(response.status).toBe(404);
    expect(fake.calls).toEqual([]);
  });
});
