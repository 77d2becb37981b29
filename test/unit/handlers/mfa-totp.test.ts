/**
 * The TOTP enrolment routes, the HTTP mapping: 200 with the secret, 200 with
 * the recovery codes, 204 on removal; 400, 401 invalid_credentials without a
 * challenge, 503. The rules are tested on the fakes
 * (test/unit/auth/mfa-enrolment.test.ts).
 */
import { Secret } from 'otpauth';
import { timeStep, totpCode } from '../../../lambdas/auth/mfa/totp';
import { newId } from '../../../lambdas/clock';
import { errorBody, recoveryCodesBody, totpSecretBody } from '../../../lambdas/contract/bodies';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createMfaTotpBeginHandler } from '../../../lambdas/http/routes/mfa-totp-begin';
import { createMfaTotpConfirmHandler } from '../../../lambdas/http/routes/mfa-totp-confirm';
import { createMfaTotpRemoveHandler } from '../../../lambdas/http/routes/mfa-totp-remove';
import {
  authorizerContextOf,
  type FakeRuntime,
  fakeRuntime,
  storedSession,
  unavailable,
} from '../../support/fake-runtime';
import { call, proxyEvent, quietLogs } from './harness';

quietLogs();

const PASSWORD = 'old password';
let fake: FakeRuntime;
let context: Record<string, string>;
const user = {
  username: 'alice',
  userId: newId(),
  passwordHash: '',
  createdAt: '2026-01-01T00:00:00.000Z',
};

beforeAll(async () => {
  user.passwordHash = await (await fakeRuntime()).world.passwords.hash(PASSWORD);
});

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
