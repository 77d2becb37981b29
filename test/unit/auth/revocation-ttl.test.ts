/**
 * A revocation must outlive every instant at which its token still verifies:
 * the verifier accepts a token up to its clock tolerance after `exp`.
 */
import { login } from '../../../lambdas/auth/login';
import { logout } from '../../../lambdas/auth/logout';
import { register } from '../../../lambdas/auth/register';
import { epochSeconds } from '../../../lambdas/clock';
import { CLOCK_TOLERANCE_SECONDS } from '../../../lambdas/tokens/claims';
import { domainWorld } from '../../support/fakes';

describe('revocation lifetime', () => {
  it('keeps every revocation until the token no longer verifies, skew included', async () => {
    const world = await domainWorld();
    await register(world, { username: 'alice', password: 'correct horse battery' });
    const pair = await login(world, { username: 'alice', password: 'correct horse battery' }, {});
    await logout(world, { accessToken: pair.access.token }, {});

    // The last instant at which the verifier still takes the access token by its signature.
    world.clock.set(new Date((pair.access.claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000 - 1));
    await expect(world.verifier.verify(pair.access.token, 'access')).resolves.toMatchObject({
      jti: pair.access.claims.jti,
    });

    for (const { claims } of [pair.access, pair.refresh]) {
      const revocation = world.revokedTokens.items.get(claims.jti);
      expect(revocation?.expiresAt).toBeGreaterThanOrEqual(claims.exp + CLOCK_TOLERANCE_SECONDS);
      // A TTL in the past may be deleted at any moment: it must not be yet.
      expect(revocation?.expiresAt).toBeGreaterThanOrEqual(epochSeconds(world.clock()));
    }
  });
});
