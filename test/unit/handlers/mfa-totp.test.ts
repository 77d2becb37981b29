/**
 * The TOTP enrolment routes, the HTTP mapping: 200 with the secret, 200 with
 * the recovery codes, 204 on removal; 400, 401 invalid_credentials without a
 * challenge, 503. The rules are tested on the fakes
 * (test/unit/auth/mfa-enrolment.test.ts).
 */
import { Secret } from 'otpauth';
import { timeStep, totpCode } from '../../../lambdas/auth/mfa/totp';
import { newId } from '../../../lambdas/clock';
import {
  errorBody,
  mfaRequiredBody,
  recoveryCodesBody,
  tokensBody,
  totpSecretBody,
} from '../../../lambdas/contract/bodies';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createLoginHandler } from '../../../lambdas/http/routes/login';
import { createMfaStepUpHandler } from '../../../lambdas/http/routes/mfa-step-up';
import { createMfaTotpBeginHandler } from '../../../lambdas/http/routes/mfa-totp-begin';
import { createMfaTotpConfirmHandler } from '../../../lambdas/http/routes/mfa-totp-confirm';
import { createMfaTotpRemoveHandler } from '../../../lambdas/http/routes/mfa-totp-remove';
import { createMfaVerifyHandler } from '../../../lambdas/http/routes/mfa-verify';
import {
  authorizerContextOf,
  type FakeRuntime,
  fakeRuntime,
  storedSession,
  unavailable,
} from '../../support/fake-runtime';
import { call, proxyEvent, quietLogs, userWithPassword } from './harness';

quietLogs();

const PASSWORD = 'old password';
let fake: FakeRuntime;
let context: Record<string, string>;
const user = userWithPassword(PASSWORD);

beforeEach(async () => {
  fake = await fakeRuntime();
  await fake.world.users.create(user);
  context = authorizerContextOf(
    await storedSession(fake.world, { sub: user.userId, username: 'alice', sid: newId() }),
  );
});

const begin = (body: unknown) =>
  call(createMfaTotpBeginHandler(fake.runtime), proxyEvent({ authorizer: context, body }));
const confirm = (body: unknown) =>
  call(createMfaTotpConfirmHandler(fake.runtime), proxyEvent({ authorizer: context, body }));
const remove = (body: unknown) =>
  call(
    createMfaTotpRemoveHandler(fake.runtime),
    proxyEvent({ method: 'DELETE', authorizer: context, body }),
  );
const codeOf = (secret: string) =>
  totpCode(Secret.fromBase32(secret).bytes, timeStep(fake.world.clock()));

describe('TOTP enrolment handlers', () => {
  it('answers the secret, then the recovery codes, then 204 on removal', async () => {
    const began = await begin({ current_password: PASSWORD });
    expect(began.status).toBe(200);
    expect(began.headers).toMatchObject(SECURITY_HEADERS);
    const { secret, otpauth_uri } = totpSecretBody.parse(began.json);
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\//);

    const confirmed = await confirm({ code: codeOf(secret) });
    expect(confirmed.status).toBe(200);
    const { recovery_codes } = recoveryCodesBody.parse(confirmed.json);
    expect(recovery_codes).toHaveLength(10);

    const removed = await remove({ current_password: PASSWORD, code: recovery_codes[0] });
    expect(removed.status).toBe(204);
    expect(removed.body).toBe('');
    expect((await fake.world.users.find('alice'))?.totp).toBeUndefined();
  });

  it('returns 401 invalid_credentials without WWW-Authenticate for a wrong password or code', async () => {
    const wrongPassword = await begin({ current_password: 'not it' });
    expect(wrongPassword.status).toBe(401);
    expect(errorBody.parse(wrongPassword.json).error).toBe('invalid_credentials');
    expect(wrongPassword.headers['WWW-Authenticate']).toBeUndefined();

    const { secret } = totpSecretBody.parse((await begin({ current_password: PASSWORD })).json);
    const wrongCode = await confirm({ code: codeOf(secret) === '000000' ? '111111' : '000000' });
    expect(wrongCode.status).toBe(401);
    expect(errorBody.parse(wrongCode.json)).toEqual({
      error: 'invalid_credentials',
      message: 'The code is wrong or was already used.',
    });
  });

  it('returns 400 invalid_request for a confirmation with nothing pending, or a removal with no factor', async () => {
    expect(errorBody.parse((await confirm({ code: '123456' })).json).error).toBe('invalid_request');
    const removal = await remove({ current_password: PASSWORD, code: '123456' });
    expect(removal.status).toBe(400);
    expect(errorBody.parse(removal.json).message).toBe('TOTP is not on.');
  });

  it.each([
    ['begin without current_password', () => begin({})],
    ['confirm without a code', () => confirm({})],
    ['confirm with a numeric code', () => confirm({ code: 123456 })],
    ['confirm with a code of 65 characters', () => confirm({ code: 'A'.repeat(65) })],
    ['remove without a code', () => remove({ current_password: PASSWORD })],
  ])('returns 400 invalid_request and touches nothing: %s', async (_, ask) => {
    const response = await ask();

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 unavailable when the user cannot be written, and hands out no secret', async () => {
    unavailable(fake.world.mfa, 'beginTotp');

    const response = await begin({ current_password: PASSWORD });

    expect(response.status).toBe(503);
    expect(errorBody.parse(response.json).error).toBe('unavailable');
  });
});

describe('login and verify of an account with TOTP', () => {
  const logIn = () =>
    call(
      createLoginHandler(fake.runtime),
      proxyEvent({ body: { username: 'alice', password: PASSWORD } }),
    );
  const verify = (body: unknown) =>
    call(createMfaVerifyHandler(fake.runtime), proxyEvent({ body }));

  it('answers 403 mfa_required with an mfa_token, then the token pair for a code', async () => {
    const { secret } = totpSecretBody.parse((await begin({ current_password: PASSWORD })).json);
    await confirm({ code: codeOf(secret) });
    fake.world.clock.advance(30);

    const challenged = await logIn();
    expect(challenged.status).toBe(403);
    const { mfa_token } = mfaRequiredBody.parse(challenged.json);

    const verified = await verify({ mfa_token, code: codeOf(secret) });
    expect(verified.status).toBe(200);
    expect(tokensBody.parse(verified.json).token_type).toBe('Bearer');

    const again = await verify({ mfa_token, code: codeOf(secret) });
    expect(again.status).toBe(400);
    expect(errorBody.parse(again.json).error).toBe('invalid_grant');
  });

  it('returns 400 invalid_request for a verify without a code, touching nothing', async () => {
    const response = await verify({ mfa_token: `mfa1.${'A'.repeat(43)}` });

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(fake.calls).toEqual([]);
  });
});

describe('step-up', () => {
  const stepUp = (body: unknown) =>
    call(createMfaStepUpHandler(fake.runtime), proxyEvent({ authorizer: context, body }));

  it('answers the same session\u2019s new pair with the stronger amr; 401 with the replaced token', async () => {
    const { secret } = totpSecretBody.parse((await begin({ current_password: PASSWORD })).json);
    await confirm({ code: codeOf(secret) });
    fake.world.clock.advance(30);

    const steppedUp = await stepUp({ code: codeOf(secret) });
    expect(steppedUp.status).toBe(200);
    expect(steppedUp.headers).toMatchObject(SECURITY_HEADERS);
    const { access_token } = tokensBody.parse(steppedUp.json);
    const claims = JSON.parse(
      Buffer.from(access_token.split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(claims).toMatchObject({ sid: context.sid, amr: ['pwd', 'otp', 'mfa'] });

    fake.world.clock.advance(30);
    const replaced = await stepUp({ code: codeOf(secret) });
    expect(replaced.status).toBe(401);
    expect(errorBody.parse(replaced.json).error).toBe('invalid_token');
    expect(replaced.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('returns 400 invalid_request without a code, or for an account without TOTP', async () => {
    const missing = await stepUp({});
    expect(missing.status).toBe(400);
    expect(fake.calls).toEqual([]);

    const notOn = await stepUp({ code: '123456' });
    expect(notOn.status).toBe(400);
    expect(errorBody.parse(notOn.json).message).toBe('TOTP is not on.');
  });
});
