/**
 * Step-up of an open session with the second factor, on the in-memory stores
 * with a manual clock: the same session gets a new pair with the stronger
 * amr, kept through refresh and grace replays; the replaced pair is revoked;
 * codes are used once and wrong ones count on the lockout.
 */
import { login } from '../../../lambdas/auth/login';
import { stepUp } from '../../../lambdas/auth/mfa/step-up';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import {
  InvalidCredentialsError,
  InvalidRequestError,
  InvalidTokenError,
  TooManyRequestsError,
} from '../../../lambdas/errors';
import type { TokenPair } from '../../../lambdas/tokens/issue';
import { type DomainWorld, domainWorld } from '../../support/fakes';
import { aliceEnrolled, TOTP_CLIENT as CLIENT, codeNow, wrongCode } from '../../support/totp-user';

const callerOf = ({ access: { claims } }: TokenPair) => ({
  userId: claims.sub,
  username: claims.username,
  sessionId: claims.sid,
  jti: claims.jti,
});

describe('stepUp', () => {
  it('gives the same session a new pair with amr pwd, otp, mfa, and revokes the replaced one', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    expect(first.access.claims.amr).toEqual(['pwd']);

    const pair = await stepUp(world, callerOf(first), codeNow(world, secret), CLIENT);

    expect(pair.access.claims).toMatchObject({
      sid: first.access.claims.sid,
      amr: ['pwd', 'otp', 'mfa'],
    });
    expect(pair.refresh.claims.exp).toBe(first.refresh.claims.exp);
    const session = await world.sessions.get(pair.access.claims.sub, pair.access.claims.sid);
    expect(session).toMatchObject({
      accessJti: pair.access.claims.jti,
      amr: ['pwd', 'otp', 'mfa'],
    });
    expect(await world.revokedTokens.isRevoked(first.access.claims.jti)).toBe(true);
    expect(await world.revokedTokens.isRevoked(first.refresh.claims.jti)).toBe(true);
  });

  it('signs one access token per step-up: one KMS signature for the pair', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    const sign = jest.spyOn(world.signer, 'sign');

    await stepUp(world, callerOf(first), codeNow(world, secret), CLIENT);

    expect(sign).toHaveBeenCalledTimes(1);
  });

  it('keeps the stronger amr through refresh and a grace-window replay of it', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    const pair = await stepUp(world, callerOf(first), codeNow(world, secret), CLIENT);

    world.clock.advance(60);
    const next = await refresh(world, pair.refresh.token, CLIENT);
    const replay = await refresh(world, pair.refresh.token, CLIENT);

    expect(next.access.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(replay.access.claims).toEqual(next.access.claims);
  });

  it('takes a recovery code once in place of the code: amr pwd, mfa', async () => {
    const world = await domainWorld();
    const { recoveryCodes, first } = await aliceEnrolled(world);
    const code = String(recoveryCodes[0]);

    const pair = await stepUp(world, callerOf(first), code, CLIENT);

    expect(pair.access.claims.amr).toEqual(['pwd', 'mfa']);
    await expect(stepUp(world, callerOf(pair), code, CLIENT)).rejects.toEqual(
      new InvalidCredentialsError('The code is wrong or was already used.'),
    );
  });

  it('accepts each TOTP step once: the same code again is refused', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    const code = codeNow(world, secret);
    const pair = await stepUp(world, callerOf(first), code, CLIENT);

    await expect(stepUp(world, callerOf(pair), code, CLIENT)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(
      (await world.sessions.get(pair.access.claims.sub, pair.access.claims.sid))?.accessJti,
    ).toBe(pair.access.claims.jti);
  });

  it('counts wrong codes on the lockout like passwords, and changes nothing', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);

    // Threshold 5: five wrong codes lock the caller's pair.
    for (let attempt = 1; attempt <= 5; attempt++) {
      await expect(
        stepUp(world, callerOf(first), wrongCode(world, secret), CLIENT),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    await expect(
      stepUp(world, callerOf(first), codeNow(world, secret), CLIENT),
    ).rejects.toBeInstanceOf(TooManyRequestsError);
    const session = await world.sessions.get(first.access.claims.sub, first.access.claims.sid);
    expect(session).toMatchObject({ accessJti: first.access.claims.jti, amr: ['pwd'] });
  });

  it('refuses an access token a refresh replaced, and an ended session, without spending the code', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    const code = codeNow(world, secret);
    const next = await refresh(world, first.refresh.token, CLIENT);

    await expect(stepUp(world, callerOf(first), code, CLIENT)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    await expect(
      stepUp(world, { ...callerOf(next), sessionId: 'no-such-session' }, code, CLIENT),
    ).rejects.toBeInstanceOf(InvalidTokenError);
    // The code is still good for the current token.
    const pair = await stepUp(world, callerOf(next), code, CLIENT);
    expect(pair.access.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('loses to a concurrent refresh: 401, and the refresh’s pair stays', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    let refreshed: TokenPair | undefined;
    const racing = {
      ...world,
      sessions: {
        ...world.sessions,
        // The refresh lands between step-up's read and its write.
        async get(userId: string, sessionId: string) {
          const session = await world.sessions.get(userId, sessionId);
          refreshed = await refresh(world, first.refresh.token, CLIENT);
          return session;
        },
      },
    };

    await expect(
      stepUp(racing, callerOf(first), codeNow(world, secret), CLIENT),
    ).rejects.toBeInstanceOf(InvalidTokenError);
    const session = await world.sessions.get(first.access.claims.sub, first.access.claims.sid);
    expect(session).toMatchObject({ accessJti: refreshed?.access.claims.jti, amr: ['pwd'] });
  });

  it('gives the replaced refresh token no grace: using it is reuse and ends the session', async () => {
    const world = await domainWorld();
    const { secret, first } = await aliceEnrolled(world);
    const pair = await stepUp(world, callerOf(first), codeNow(world, secret), CLIENT);

    await expect(refresh(world, first.refresh.token, CLIENT)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    expect(
      await world.sessions.get(pair.access.claims.sub, pair.access.claims.sid),
    ).toBeUndefined();
  });

  it('answers 400 for an account without TOTP', async () => {
    const world: DomainWorld = await domainWorld();
    await register(world, { username: 'bob', password: 'correct horse battery' });
    const pair = await login(world, { username: 'bob', password: 'correct horse battery' }, CLIENT);

    await expect(stepUp(world, callerOf(pair), '123456', CLIENT)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });
});
