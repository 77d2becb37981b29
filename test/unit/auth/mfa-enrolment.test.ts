/** Turning TOTP on and off, on the in-memory stores with a manual clock. */
import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';
import { login } from '../../../lambdas/auth/login';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  MFA_MESSAGES,
  removeTotp,
} from '../../../lambdas/auth/mfa/enrolment';
import { timeStep, totpCode } from '../../../lambdas/auth/mfa/totp';
import { verifyMfa } from '../../../lambdas/auth/mfa/verify';
import { register } from '../../../lambdas/auth/register';
import {
  InvalidCredentialsError,
  InvalidRequestError,
  type MfaRequiredError,
  TooManyRequestsError,
} from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const PASSWORD = 'correct horse battery';

async function aliceWithTwoSessions(world: DomainWorld) {
  const { userId } = await register(world, { username: 'alice', password: PASSWORD });
  const current = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);
  const other = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);
  const caller = { userId, username: 'alice', sessionId: current.access.claims.sid };
  return { userId, current, other, caller };
}

const alice = (world: DomainWorld) => structuredClone(world.users.items.get('alice'));
const secretOf = (base32: string) => Secret.fromBase32(base32).bytes;
const codeNow = (world: DomainWorld, secret: Uint8Array, offset = 0) =>
  totpCode(secret, timeStep(world.clock()) + offset);

/** Alice with TOTP on: her secret and recovery codes. */
async function aliceEnrolled(world: DomainWorld) {
  const setup = await aliceWithTwoSessions(world);
  const { secret } = await beginTotpEnrolment(world, setup.caller, PASSWORD, CLIENT);
  const bytes = secretOf(secret);
  const { recoveryCodes } = await confirmTotpEnrolment(
    world,
    setup.caller,
    codeNow(world, bytes),
    CLIENT,
  );
  world.revokedTokens.items.clear();
  return { ...setup, secret: bytes, recoveryCodes };
}

describe('beginTotpEnrolment', () => {
  it('hands out a new secret once and stores it encrypted, pending', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);

    const enrolment = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);

    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    const stored = alice(world)?.totp;
    expect(stored).toMatchObject({ state: 'pending', createdAt: world.clock().toISOString() });
    await expect(world.totpCipher.decrypt(String(stored?.secret), caller.userId)).resolves.toEqual(
      secretOf(enrolment.secret),
    );
    expect(JSON.stringify(alice(world))).not.toContain(enrolment.secret);
  });

  it('refuses a wrong password, stores nothing, and counts it on the caller’s lockout pair', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);

    await expect(beginTotpEnrolment(world, caller, 'not it', CLIENT)).rejects.toEqual(
      new InvalidCredentialsError('The current password is wrong.'),
    );
    expect(alice(world)?.totp).toBeUndefined();
    const { pairs } = await world.loginAttempts.listAccount('alice');
    expect(pairs).toEqual([expect.objectContaining({ attempts: 1 })]);
  });

  it('refuses while a factor is on, and changes nothing', async () => {
    const world = await domainWorld();
    const { caller } = await aliceEnrolled(world);
    const active = alice(world)?.totp;

    await expect(beginTotpEnrolment(world, caller, PASSWORD, CLIENT)).rejects.toEqual(
      new InvalidRequestError(MFA_MESSAGES.alreadyOn),
    );
    expect(alice(world)?.totp).toEqual(active);
  });
});

describe('confirmTotpEnrolment', () => {
  it('turns the factor on with a first code, and answers ten recovery codes stored as SHA-256 hashes only', async () => {
    const world = await domainWorld();
    const { caller, current, other } = await aliceWithTwoSessions(world);
    const { secret } = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);
    const versionBefore = alice(world)?.credentialsVersion ?? 0;

    const { recoveryCodes } = await confirmTotpEnrolment(
      world,
      caller,
      codeNow(world, secretOf(secret), -1),
      CLIENT,
    );

    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^([A-Z2-7]{4}-){3}[A-Z2-7]{4}$/);
    const stored = alice(world);
    expect(Object.keys(stored?.recoveryCodes ?? {}).sort()).toEqual(
      recoveryCodes
        .map((code) => createHash('sha256').update(code.replaceAll('-', '')).digest('hex'))
        .sort(),
    );
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]?.slice(0, 4) ?? '-');
    expect(stored?.totp).toMatchObject({
      state: 'active',
      lastStep: timeStep(world.clock()) - 1,
      confirmedAt: world.clock().toISOString(),
    });
    expect(stored?.credentialsVersion).toBe(versionBefore + 1);
    // Every other session ends; the caller's stays.
    for (const token of [other.access, other.refresh]) {
      expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
        reason: 'mfa_changed',
      });
    }
    expect((await world.sessions.listByUser(caller.userId)).map((s) => s.sessionId)).toEqual([
      current.access.claims.sid,
    ]);
  });

  it('refuses a wrong code and leaves the factor pending', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);
    const { secret } = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);

    await expect(
      confirmTotpEnrolment(world, caller, codeNow(world, secretOf(secret), 2), CLIENT),
    ).rejects.toEqual(new InvalidCredentialsError(MFA_MESSAGES.wrongCode));
    expect(alice(world)?.totp?.state).toBe('pending');
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('refuses when nothing is pending', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);

    await expect(confirmTotpEnrolment(world, caller, '123456', CLIENT)).rejects.toEqual(
      new InvalidRequestError(MFA_MESSAGES.nonePending),
    );
  });

  it('counts wrong codes on the lockout: past the threshold the caller’s pair is locked (429)', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);
    const { secret } = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);
    const wrong = codeNow(world, secretOf(secret), 3);

    for (let attempt = 1; attempt <= 5; attempt++) {
      await expect(confirmTotpEnrolment(world, caller, wrong, CLIENT)).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
    }
    await expect(
      confirmTotpEnrolment(world, caller, codeNow(world, secretOf(secret)), CLIENT),
    ).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(alice(world)?.totp?.state).toBe('pending');
  });
});

describe('removeTotp', () => {
  it('removes the factor and its recovery codes with the password and a fresh code, and ends the other sessions', async () => {
    const world = await domainWorld();
    const { caller, secret, other } = await aliceEnrolled(world);
    const versionBefore = alice(world)?.credentialsVersion ?? 0;
    world.clock.advance(30);

    await removeTotp(world, caller, { password: PASSWORD, code: codeNow(world, secret) }, CLIENT);

    expect(alice(world)?.totp).toBeUndefined();
    expect(alice(world)?.recoveryCodes).toBeUndefined();
    expect(alice(world)?.credentialsVersion).toBe(versionBefore + 1);
    // The other session had already ended when TOTP was turned on.
    expect(world.revokedTokens.items.get(other.access.claims.jti)).toBeUndefined();
  });

  it('ends every session opened since it was turned on but the caller’s (a login with a code)', async () => {
    const world = await domainWorld();
    const { caller, secret } = await aliceEnrolled(world);
    world.clock.advance(30);
    const challenge = (await login(world, { username: 'alice', password: PASSWORD }, CLIENT).then(
      () => undefined,
      (error: unknown) => error,
    )) as MfaRequiredError;
    const later = await verifyMfa(
      world,
      { mfaToken: challenge.mfaToken, code: codeNow(world, secret) },
      CLIENT,
    );
    world.clock.advance(30);

    await removeTotp(world, caller, { password: PASSWORD, code: codeNow(world, secret) }, CLIENT);

    expect(world.revokedTokens.items.get(later.access.claims.jti)?.reason).toBe('mfa_changed');
    expect(await world.sessions.get(caller.userId, later.access.claims.sid)).toBeUndefined();
    expect(await world.sessions.get(caller.userId, caller.sessionId)).toBeDefined();
  });

  it('takes a recovery code in place of a TOTP code', async () => {
    const world = await domainWorld();
    const { caller, recoveryCodes } = await aliceEnrolled(world);

    await removeTotp(
      world,
      caller,
      { password: PASSWORD, code: String(recoveryCodes[3]).toLowerCase() },
      CLIENT,
    );

    expect(alice(world)?.totp).toBeUndefined();
  });

  it('refuses the code that turned the factor on (each code works once), a wrong password, and a wrong code, alike', async () => {
    const world = await domainWorld();
    const { caller, secret } = await aliceEnrolled(world);
    const used = codeNow(world, secret);
    const before = alice(world);
    const refusal = new InvalidCredentialsError(MFA_MESSAGES.wrongPasswordOrCode);

    await expect(
      removeTotp(world, caller, { password: PASSWORD, code: used }, CLIENT),
    ).rejects.toEqual(refusal);
    await expect(
      removeTotp(world, caller, { password: 'not it', code: codeNow(world, secret, 1) }, CLIENT),
    ).rejects.toEqual(refusal);
    await expect(
      removeTotp(world, caller, { password: PASSWORD, code: 'AAAA-AAAA-AAAA-AAAA' }, CLIENT),
    ).rejects.toEqual(refusal);
    expect(alice(world)).toEqual(before);
  });

  it('refuses when no factor is on', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);

    await expect(
      removeTotp(world, caller, { password: PASSWORD, code: '123456' }, CLIENT),
    ).rejects.toEqual(new InvalidRequestError(MFA_MESSAGES.notOn));
  });
});
