/**
 * Login of an account with a second factor, on the in-memory stores with a
 * manual clock: 403 mfa_required with an mfa_token, then the code at
 * verifyMfa; the token's limits; `amr` in the tokens and through refresh.
 */
import { addressKey } from '../../../lambdas/auth/client-address';
import { login } from '../../../lambdas/auth/login';
import { verifyMfa } from '../../../lambdas/auth/mfa/verify';
import { refresh } from '../../../lambdas/auth/refresh';
import {
  InvalidCredentialsError,
  InvalidGrantError,
  MfaRequiredError,
  TooManyRequestsError,
} from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';
import {
  aliceEnrolled,
  TOTP_CLIENT as CLIENT,
  TOTP_CREDENTIALS as CREDENTIALS,
  codeNow,
  wrongCode,
} from '../../support/totp-user';

async function mfaTokenOf(world: DomainWorld): Promise<string> {
  const error = await login(world, CREDENTIALS, CLIENT).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MfaRequiredError);
  return (error as MfaRequiredError).mfaToken;
}

describe('login of an account with TOTP', () => {
  it('answers mfa_required with an opaque token, stored only as its hash, and opens no session', async () => {
    const world = await domainWorld();
    const { userId } = await aliceEnrolled(world);
    const sessionsBefore = (await world.sessions.listByUser(userId)).length;

    const token = await mfaTokenOf(world);

    expect(token).toMatch(/^mfa1\.[A-Za-z0-9_-]{43}$/);
    expect((await world.sessions.listByUser(userId)).length).toBe(sessionsBefore);
    const [stored] = [...world.mfaChallenges.items.values()];
    expect(stored).toMatchObject({ userId, username: 'alice', attempts: 0 });
    expect(JSON.stringify([...world.mfaChallenges.items])).not.toContain(token.slice(5));
  });

  it('signs nothing for mfa_required: the pair is signed once, at verify, one signature', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    const sign = jest.spyOn(world.signer, 'sign');

    const token = await mfaTokenOf(world);
    expect(sign).not.toHaveBeenCalled();
    await verifyMfa(world, { mfaToken: token, code: codeNow(world, secret) }, CLIENT);

    // The access token only: the refresh token is opaque, minted without KMS.
    expect(sign).toHaveBeenCalledTimes(1);
  });

  it('still refuses a wrong password as before', async () => {
    const world = await domainWorld();
    await aliceEnrolled(world);

    await expect(
      login(world, { username: 'alice', password: 'not it' }, CLIENT),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });
});

describe('verifyMfa', () => {
  it('opens the session with a TOTP code: amr pwd, otp, mfa, kept through refresh', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    const token = await mfaTokenOf(world);

    const pair = await verifyMfa(world, { mfaToken: token, code: codeNow(world, secret) }, CLIENT);

    expect(pair.access.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    world.clock.advance(60);
    const next = await refresh(world, pair.refresh.token, CLIENT);
    expect(next.access.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    // A grace-window replay of the same refresh token signs the same claims.
    const replay = await refresh(world, pair.refresh.token, CLIENT);
    expect(replay.access.claims).toEqual(next.access.claims);
  });

  it('takes a recovery code once in place of the code: amr pwd, mfa', async () => {
    const world = await domainWorld();
    const { recoveryCodes } = await aliceEnrolled(world);
    const code = String(recoveryCodes[0]);

    const pair = await verifyMfa(world, { mfaToken: await mfaTokenOf(world), code }, CLIENT);

    expect(pair.access.claims.amr).toEqual(['pwd', 'mfa']);
    await expect(
      verifyMfa(world, { mfaToken: await mfaTokenOf(world), code }, CLIENT),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('uses the token up: a second use is invalid_grant, and so is the same code again', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    const token = await mfaTokenOf(world);
    const code = codeNow(world, secret);
    await verifyMfa(world, { mfaToken: token, code }, CLIENT);

    await expect(verifyMfa(world, { mfaToken: token, code }, CLIENT)).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    await expect(
      verifyMfa(world, { mfaToken: await mfaTokenOf(world), code }, CLIENT),
    ).rejects.toEqual(new InvalidCredentialsError('The code is wrong or was already used.'));
  });

  it('opens one session for one token, though two requests bring two good codes at once', async () => {
    const world = await domainWorld();
    const { recoveryCodes, userId } = await aliceEnrolled(world);
    const token = await mfaTokenOf(world);
    const sessionsBefore = (await world.sessions.listByUser(userId)).length;

    const results = await Promise.allSettled(
      recoveryCodes.slice(0, 2).map((code) => verifyMfa(world, { mfaToken: token, code }, CLIENT)),
    );

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: expect.any(InvalidGrantError),
    });
    expect((await world.sessions.listByUser(userId)).length).toBe(sessionsBefore + 1);
  });

  it('refuses an expired token (after 5 minutes), an unknown one and a malformed one', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    const token = await mfaTokenOf(world);
    world.clock.advance(301);

    for (const mfaToken of [token, `mfa1.${'A'.repeat(43)}`, 'not a token']) {
      await expect(
        verifyMfa(world, { mfaToken, code: codeNow(world, secret) }, CLIENT),
      ).rejects.toBeInstanceOf(InvalidGrantError);
    }
  });

  it('takes at most 5 codes per token', async () => {
    const world = {
      ...(await domainWorld()),
      lockout: { threshold: 100, maxLockSeconds: 900, accountCeilingPerHour: 1000 },
    };
    const { secret } = await aliceEnrolled(world);
    const token = await mfaTokenOf(world);
    const wrong = codeNow(world, secret) === '000000' ? '111111' : '000000';

    for (let attempt = 1; attempt <= 5; attempt++) {
      await expect(
        verifyMfa(world, { mfaToken: token, code: wrong }, CLIENT),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    await expect(
      verifyMfa(world, { mfaToken: token, code: codeNow(world, secret) }, CLIENT),
    ).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('counts wrong codes on the login lockout: the password’s success does not reset it', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    const wrong = codeNow(world, secret) === '000000' ? '111111' : '000000';

    // Each round: the right password (counted, not reset), then a wrong code.
    // Threshold 5: the third round's wrong code is the 6th attempt, and locks the pair.
    for (let round = 1; round <= 3; round++) {
      const token = await mfaTokenOf(world);
      await expect(
        verifyMfa(world, { mfaToken: token, code: wrong }, CLIENT),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    const refusal = await login(world, CREDENTIALS, CLIENT).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TooManyRequestsError);
  });

  it('resets the lockout count that the password and wrong codes left, only with the right code', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    const pair = () => world.loginAttempts.pair('alice', addressKey(CLIENT.ip));
    const token = await mfaTokenOf(world);
    await expect(
      verifyMfa(world, { mfaToken: token, code: wrongCode(world, secret) }, CLIENT),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(pair()?.attempts).toBe(2);

    await verifyMfa(world, { mfaToken: token, code: codeNow(world, secret) }, CLIENT);

    expect(pair()?.attempts).toBe(0);
  });

  it('takes the code at once after the right password came at the threshold: its check lock is released', async () => {
    const world = await domainWorld();
    const { secret } = await aliceEnrolled(world);
    // Threshold 5: four wrong passwords, then the right one holds the pair's check lock.
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expect(
        login(world, { username: 'alice', password: 'not it' }, CLIENT),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    const token = await mfaTokenOf(world);

    const pair = await verifyMfa(world, { mfaToken: token, code: codeNow(world, secret) }, CLIENT);

    expect(pair.access.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('is void after a password change or logout-all since the password was checked', async () => {
    const world = await domainWorld();
    const { secret, userId } = await aliceEnrolled(world);
    const token = await mfaTokenOf(world);
    await world.users.bumpCredentialsVersion({ username: 'alice', userId });

    await expect(
      verifyMfa(world, { mfaToken: token, code: codeNow(world, secret) }, CLIENT),
    ).rejects.toBeInstanceOf(InvalidGrantError);
  });
});
