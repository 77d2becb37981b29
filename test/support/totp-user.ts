/**
 * A user with TOTP on, on the domain fakes: alice registers, logs in (one
 * session, amr pwd) and turns TOTP on from it, so that session stays open.
 */
import { Secret } from 'otpauth';
import { login } from '../../lambdas/auth/login';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../lambdas/auth/mfa/enrolment';
import { timeStep, totpCode } from '../../lambdas/auth/mfa/totp';
import { register } from '../../lambdas/auth/register';
import type { DomainWorld } from './fakes';

export const TOTP_CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
export const TOTP_PASSWORD = 'correct horse battery';
export const TOTP_CREDENTIALS = { username: 'alice', password: TOTP_PASSWORD };

/** The current code of `secret` on the world's clock. */
export const codeNow = (world: DomainWorld, secret: Uint8Array) =>
  totpCode(secret, timeStep(world.clock()));

/** A 6-digit code that is not the current one. */
export const wrongCode = (world: DomainWorld, secret: Uint8Array) =>
  codeNow(world, secret) === '000000' ? '111111' : '000000';

export async function aliceEnrolled(world: DomainWorld) {
  const { userId } = await register(world, TOTP_CREDENTIALS);
  const first = await login(world, TOTP_CREDENTIALS, TOTP_CLIENT);
  const caller = { userId, username: 'alice', sessionId: first.access.claims.sid };
  const { secret } = await beginTotpEnrolment(world, caller, TOTP_PASSWORD, TOTP_CLIENT);
  const bytes = Secret.fromBase32(secret).bytes;
  const { recoveryCodes } = await confirmTotpEnrolment(
    world,
    caller,
    totpCode(bytes, timeStep(world.clock())),
    TOTP_CLIENT,
  );
  // A new step: the confirming code is spent.
  world.clock.advance(30);
  return { userId, secret: bytes, recoveryCodes, first };
}
